"""What matters, by group, in a real browser with axe: the lead opens a link asking age band and place, a
patient answers them on the public form, and the themes page counts by group, suppressed for the buddy."""

import re

import pytest
from playwright.sync_api import expect

from coproduction.models import CollectionLink, Response, ResponseTheme

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_about_you_questions_and_counts_by_group(page, browser, live_server, world, system_scope):
    project = world.project_a
    sign_in(page, world.a_member.email)
    page.goto(f"/projects/{project.pk}/links/new/")
    assert_accessible(page)
    page.locator("[name=setting]").fill("Fracture clinic")
    page.get_by_label("Age band").check()
    page.get_by_label("Place").check()
    page.get_by_role("button", name="Open the form").click()
    expect(page).to_have_url(re.compile(r"/poster/$"))
    link = CollectionLink.objects.get(setting="Fracture clinic")
    assert link.about_you == ["age", "place"]

    patient = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    patient.route("https://assets.nhs.uk/**", lambda route: route.fulfill(status=204))
    phone = patient.new_page()
    phone.goto(link.get_public_url())
    assert_accessible(phone)
    phone.locator("[name=text]").fill("Knowing how long the wait is")
    phone.get_by_role("group", name="Age band (optional)").get_by_label("65 to 79").check()
    phone.get_by_role("group", name="Place (optional)").get_by_label("Prefer not to say").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(re.compile("thank", re.I))
    patient.close()
    answer = Response.objects.get(text="Knowing how long the wait is")
    assert answer.about_you == {"age": "65-79", "place": "prefer-not-to-say"}
    ResponseTheme.objects.create(
        organisation=project.organisation, project=project, response=answer, theme=world.records_a.theme
    )

    page.goto(f"/projects/{project.pk}/themes/?by=age")
    assert_accessible(page)
    table = page.get_by_role("table", name="Responses in each theme by age band")
    expect(table.get_by_role("row", name=re.compile("Finding the way"))).to_contain_text("1")

    buddy = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    buddy.route("https://assets.nhs.uk/**", lambda route: route.fulfill(status=204))
    buddy_page = buddy.new_page()
    sign_in(buddy_page, world.a_buddy.email)
    buddy_page.goto(f"/projects/{project.pk}/themes/?by=age")
    assert_accessible(buddy_page)
    expect(buddy_page.get_by_role("table", name="Responses in each theme by age band")).to_contain_text(
        "Suppressed"
    )
    buddy.close()
