"""The coach's morning in a real browser, axe-checked: the dashboard, "needs attention", a project, a call
scheduled with an action, its pre-call pack, and the pack's PDF made by a real Celery worker on the pdf queue
and downloaded."""

import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from playwright.sync_api import expect

from coaching.models import CoachingCall
from tests.reports.conftest import media  # noqa: F401 - the worker writes the PDF where `media` points
from tests.reports.helpers import pdf_text
from tests.reports.worker import pdf_worker  # noqa: F401

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_authenticator(page, user) -> None:
    """Coaches must use two-step verification: answer the code page as their authenticator app would."""
    sign_in(page, user.email)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = next(yield_hotp_counters_from_time())
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    assert_accessible(page)
    page.locator("input[name=code]").fill(format_hotp_value(hotp_value(secret, counter)))
    page.locator("main form button").first.click()
    # Wait for the sign-in to finish: a page.goto() straight after the click would cancel the POST.
    expect(page).not_to_have_url(re.compile("/accounts/2fa/authenticate/"))


@pytest.mark.usefixtures("pdf_worker")
def test_the_coach_prepares_a_call_from_the_dashboard(page, world, system_scope):
    sign_in_with_authenticator(page, world.coach_1)
    page.get_by_role("link", name="Coach dashboard").click()
    assert_accessible(page)
    page.locator("input[name=attention]").check()
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)
    page.get_by_role("link", name=world.project_a.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.project_a.title)

    page.get_by_role("link", name="Coaching calls").click()
    assert_accessible(page)
    page.goto(f"/projects/{world.project_a.pk}/calls/new/")
    assert_accessible(page)
    page.locator("[name=scheduled_for]").fill("2026-12-02T10:00")
    page.locator("[name=attendees]").fill("Lucy Evans\nChris Morgan")
    page.locator("[name=action_text]").fill("Bring the trail map to the next call")
    page.locator("main form button").last.click()
    call = CoachingCall.objects.get(project=world.project_a, attendees__startswith="Lucy Evans")
    expect(page.get_by_text("Bring the trail map to the next call").first).to_be_visible()

    page.goto(f"/projects/{world.project_a.pk}/calls/{call.pk}/pack/")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("pack", re.I))
    expect(page.get_by_text("Bring the trail map to the next call").first).to_be_visible()

    page.get_by_role("button", name="Generate the pre-call pack (PDF)").click()
    assert_accessible(page)  # the pack being made: its progress, polled with htmx
    download_link = page.get_by_role("button", name="Download the pre-call pack (PDF)")
    expect(download_link).to_be_visible(timeout=90_000)  # the worker renders it
    assert_accessible(page)
    with page.expect_download() as download:
        download_link.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(content)
    assert world.project_a.title in text
    assert "Bring the trail map to the next call" in text, "the call's open action is in the pack"
    assert world.records_a.measure.name in text
    assert page.console_errors == []
