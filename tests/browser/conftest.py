"""Real Chromium (Debian's), driven by Playwright, against the live test server; axe checks every page."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.world import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(chromium_path_session):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path_session, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session():
    from tests.conftest import require_service

    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_service("Chromium", os.access(path, os.X_OK))
    return path


def _is_error(text: str, kind: str) -> bool:
    # A form answering "400 Bad Request" is the service refusing bad input, as it should; the browser logs it.
    return kind == "error" and "status of 400" not in text


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    # The NHS.UK stylesheet loads its licensed fonts from assets.nhs.uk; this machine has no internet.
    context.route("https://assets.nhs.uk/**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: _is_error(message.text, message.type) and page.console_errors.append(message.text),
    )
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now, once it has loaded and the
    header's script has fitted the navigation into one row (until then, links that do not fit wrap onto
    the page's light background: not what anyone sees)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('[data-module=nhsuk-header]')"
        " || document.querySelector('[data-module=nhsuk-header]').hasAttribute('data-nhsuk-header-init')"
    )
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
        },
    )
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} ({[node['target'] for node in v['nodes']]})" for v in violations
    )


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a screenshot of the page it was on (test-results/, not committed)."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        os.makedirs("test-results", exist_ok=True)
        path = f"test-results/{item.name}.png"
        page.screenshot(path=path, full_page=True)
        report.sections.append(("screenshot", f"{path} (at {page.url})"))
    return report
