"""Group calls and the organisation, system and cohort reports in a real browser, axe-checked: a programme
admin schedules one call with two organisations' teams from the coach dashboard; readers of a system, an
organisation and a cohort ask for its report and watch its page."""

import re

import pytest
from playwright.sync_api import expect

from coaching.models import CoachingCall
from reports.models import ReportRun

from .conftest import assert_accessible, sign_in
from .test_coach_morning import sign_in_with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_admin_schedules_a_group_call(page, world, system_scope):
    sign_in_with_authenticator(page, world.programme_admin)
    page.get_by_role("link", name="Coach dashboard").click()
    page.get_by_role("link", name="Schedule a group call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a group call")
    assert_accessible(page)

    page.get_by_role("button", name="Schedule the group call").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(world.project_a.title)).check()
    page.get_by_label(re.compile(world.project_b.title)).check()
    page.locator("[name=scheduled_for]").fill("2026-12-09T14:00")
    page.get_by_role("button", name="Schedule the group call").click()
    expect(page.get_by_text("Group call scheduled with 2 projects")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Group call")).to_be_visible()
    calls = CoachingCall.objects.exclude(group_id=None)
    assert {call.organisation_id for call in calls} == {world.org_a.pk, world.org_b.pk}


@pytest.mark.parametrize(
    "persona, path, scope_kind",
    [
        ("a_viewer", "/systems/{system_a}/reports/", "system"),
        ("a_admin", "/organisations/{org_a}/reports/", "organisation"),
        ("coach_1", "/cohorts/{cohort_1}/reports/", "cohort"),
    ],
)
def test_a_reader_asks_for_a_report_of_their_scope(page, world, system_scope, persona, path, scope_kind):
    user = getattr(world, persona)
    if persona == "coach_1":
        sign_in_with_authenticator(page, user)
    else:
        sign_in(page, user.email)
    page.goto(path.format(system_a=world.system_a.pk, org_a=world.org_a.pk, cohort_1=world.cohort_1.pk))
    assert_accessible(page)
    page.locator("main form.ae-report-request button").click()
    expect(page).to_have_url(re.compile(r"/reports/[0-9a-f-]{36}/$"))
    assert_accessible(page)
    assert ReportRun.objects.get(requested_by=user).scope_kind == scope_kind
