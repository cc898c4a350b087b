"""The coach's morning in a real browser, axe-checked: the dashboard, "needs attention", a project, a call
scheduled with an action, and its pre-call pack."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from playwright.sync_api import expect

from programmes.models import CoachingCall

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
    page.wait_for_load_state()


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
    assert page.console_errors == []
