"""The system and programme dashboards in a real browser, axe-checked: a system viewer reads the roll-up and
the small multiples and follows one to its chart; a programme admin assigns a coach, makes a mistake, and
assigns a buddy."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, RoleGrant
from tests.world import make_user

from .conftest import assert_accessible, sign_in
from .test_coach_morning import sign_in_with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_system_viewer_reads_the_system_dashboard(page, world):
    sign_in(page, world.a_viewer.email)
    page.get_by_role("link", name="System dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("System dashboard: Alpha ICS")
    assert_accessible(page)
    expect(page.get_by_role("table", name="Projects in Alpha ICS")).to_be_visible()
    measure = world.records_a.measure
    chart = page.get_by_role("img", name=f"{world.project_a.title}: {measure.name}")
    expect(chart).to_be_visible()
    page.get_by_role("link", name=f"{world.project_a.title}: {measure.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(measure.name)


def test_a_programme_admin_assigns_a_coach_and_a_buddy(page, world):
    helper = make_user("helper@example.org")
    sign_in_with_authenticator(page, world.programme_admin)
    page.get_by_role("link", name="Programme dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme dashboard: Test programme")
    assert_accessible(page)

    page.get_by_label("Assign a coach to Cohort 2").fill("nobody-here@example.org")
    page.locator(f"#cohort-{world.cohort_2.pk} button").last.click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Assign a coach to Cohort 2").fill(world.coach_1.email)
    page.locator(f"#cohort-{world.cohort_2.pk} button").last.click()
    expect(page.get_by_text(f"{world.coach_1.email} now coaches Cohort 2")).to_be_visible()
    assert RoleGrant.objects.filter(user=world.coach_1, role=Role.COACH, cohort=world.cohort_2).exists()

    page.get_by_label(f"Assign a buddy to {world.project_b.title}").fill(helper.email)
    page.locator(f"#project-{world.project_b.pk} button").last.click()
    expect(page.get_by_text(f"{helper.email} is now a buddy of {world.project_b.title}")).to_be_visible()
    assert_accessible(page)
