"""PDF rendering with WeasyPrint. Its URL fetcher serves only our own static files, read from disk:
a report never reaches the network nor reads any other file, whatever its HTML holds."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}


class RefusedUrl(ValueError):
    """A report asked for something other than one of our static files."""


def static_file_path(url: str) -> Path:
    """The file on disk behind one of our static URLs, or RefusedUrl for anything else."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or parts.query:
        raise RefusedUrl(f"Reports load only the service's own static files, not {url}")
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or "\\" in path:
        raise RefusedUrl(f"Reports load only the service's own static files, not {url}")
    name = path.removeprefix(settings.STATIC_URL)
    if not name or any(part in ("", ".", "..") for part in name.split("/")):
        raise RefusedUrl(f"Not a static file: {url}")
    found = finders.find(name)
    if found is None and staticfiles_storage.exists(name):
        found = staticfiles_storage.path(name)
    if found is None:
        raise RefusedUrl(f"No such static file: {url}")
    return Path(found)


class StaticFilesOnly(URLFetcher):
    """Made once per process (`static_fetcher`): building one loads the system's certificates, some 20 ms,
    which every part of a report rendered in parts paid again."""

    def __init__(self):
        super().__init__(allowed_protocols=("http", "https"), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        path = static_file_path(url)
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream")},
        )


_fetcher: StaticFilesOnly | None = None


def static_fetcher() -> StaticFilesOnly:
    global _fetcher
    if _fetcher is None:
        _fetcher = StaticFilesOnly()
    return _fetcher


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_pdf(*, template: str, context: dict, title: str) -> bytes:
    """The PDF of one Jinja template, tagged for accessibility (PDF/UA-1) with its title and language."""
    return render_pdf_part(template=template, context=context, title=title).content


def render_pdf_part(
    *, template: str, context: dict, title: str, font_config=None, stylesheets: tuple = ()
) -> RenderedPdf:
    """One template's tagged PDF and its number of pages: a whole report, or one part of a report rendered
    in parts (reports/parts.py), whose parts share a `font_config` and the parsed `stylesheets`."""
    document = _document(template, context, title, font_config, stylesheets)
    return RenderedPdf(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))


def report_stylesheet() -> CSS:
    """The printed reports' stylesheet, parsed once for all the parts of a report."""
    return CSS(url=settings.SITE_URL + settings.STATIC_URL + "css/report.css", url_fetcher=static_fetcher())


def render_html(html: str, *, font_config=None, stylesheets: tuple = (), tagged: bool = True) -> RenderedPdf:
    """The PDF of a page of HTML already made from its template (a part rendered in another process,
    reports/parts.py). Untagged only for the page-number stamps drawn over a report's chapters, which the
    merge marks as artifacts of pagination (reports/pdf_merge.py)."""
    options = PDF_OPTIONS if tagged else {}
    document = html_document(html, font_config, stylesheets, options)
    return RenderedPdf(content=document.write_pdf(**options), pages=len(document.pages))


def html_document(html: str, font_config, stylesheets: tuple, options: dict = PDF_OPTIONS):
    source = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=static_fetcher())
    return source.render(font_config=font_config, stylesheets=list(stylesheets), **options)


def _document(template: str, context: dict, title: str, font_config, stylesheets: tuple):
    html = render_to_string(template, {**context, "document_title": title})
    return html_document(html, font_config, stylesheets)
