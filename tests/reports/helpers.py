"""Shared by the reports tests: reading a PDF's text, and the media folder reports are written to."""

import io
import shutil
import subprocess

from tests.conftest import require_service


class PdfText(str):
    """A PDF's extracted text. Kerning can split a word on extraction ("T est one route"), so a phrase
    is looked for with every space removed from both sides."""

    def __contains__(self, phrase: str) -> bool:
        return "".join(phrase.split()) in "".join(self.split())


def pdf_text(content: bytes) -> PdfText:
    """The PDF's text, with pypdf when installed, else poppler's pdftotext."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pdftotext = shutil.which("pdftotext")
        require_service("pypdf or pdftotext (poppler-utils)", pdftotext is not None)
        result = subprocess.run(
            [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        text = result.stdout.decode()
    else:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return PdfText(" ".join(text.split()))


def pdf_info(content: bytes) -> dict[str, str]:
    """The PDF's document information (title, tagging, page count), with pypdf or poppler's pdfinfo."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pdfinfo = shutil.which("pdfinfo")
        require_service("pypdf or pdfinfo (poppler-utils)", pdfinfo is not None)
        result = subprocess.run([pdfinfo, "-"], input=content, capture_output=True, check=True)
        return dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition(":") for line in result.stdout.decode().splitlines())
        )
    reader = PdfReader(io.BytesIO(content))
    return {
        "Title": reader.metadata.title or "",
        "Tagged": "yes" if "/StructTreeRoot" in reader.trailer["/Root"] else "no",
        "Pages": str(len(reader.pages)),
    }
