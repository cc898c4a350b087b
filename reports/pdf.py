"""PDF rendering with WeasyPrint. Its URL fetcher serves only our own static files, read from disk:
a report never reaches the network nor reads any other file, whatever its HTML holds."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
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
    def __init__(self):
        super().__init__(allowed_protocols=("http", "https"), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        path = static_file_path(url)
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream")},
        )


def render_pdf(*, template: str, context: dict, title: str) -> bytes:
    """The PDF of one Jinja template, tagged for accessibility (PDF/UA-1) with its title and language."""
    html = render_to_string(template, {**context, "document_title": title})
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=StaticFilesOnly())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)
