"""The PDF's URL fetcher serves our static files from disk and nothing else."""

from urllib import request

import pytest
from weasyprint import HTML

from reports.pdf import RefusedUrl, StaticFilesOnly, static_file_path


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the report fetcher opened a URL")

    monkeypatch.setattr(request.OpenerDirector, "open", refuse)


def test_it_serves_our_own_stylesheet_from_disk(settings, no_network):
    response = StaticFilesOnly().fetch(settings.SITE_URL + "/static/css/report.css")
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/report.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "{site}/static/../alwaysevents/settings.py",
        "{site}/static/%2e%2e/alwaysevents/settings.py",
        "{site}/media/reports/other.pdf",
        "{site}/static/css/nothing-here.css",
        "{site}/static/css/report.css?v=1",
    ],
)
def test_it_refuses_everything_else(settings, no_network, url):
    with pytest.raises(RefusedUrl):
        static_file_path(url.format(site=settings.SITE_URL))


def test_an_external_image_in_a_report_is_never_fetched(settings, no_network):
    html = (
        '<html lang="en"><body><img src="https://example.org/tracker.png" alt="x"><p>Text</p></body></html>'
    )
    fetched = []

    class Recording(StaticFilesOnly):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    pdf = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=Recording()).write_pdf()
    assert pdf.startswith(b"%PDF") and fetched == ["https://example.org/tracker.png"]
