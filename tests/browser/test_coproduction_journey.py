"""The co-production journey in a real browser, every page axe-checked: the lead opens a collection link, a
patient answers on the public form, the lead themes the answer, screens and chooses a candidate, writes the
statements, builds the driver diagram and runs a ramp of two PDSA cycles; the buddy comments with an
@mention; the lead sees the notification."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduction.models import PdsaCycle, Response

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def form_with(page, field_name: str):
    """The page's form that holds the named field."""
    return page.locator("main form").filter(has=page.locator(f"[name='{field_name}']")).first


def submit(form) -> None:
    form.locator("button[type=submit], button:not([type])").last.click()


def go(page, name: str, **kwargs) -> None:
    page.goto(reverse(name, kwargs=kwargs))
    assert_accessible(page)


def test_the_whole_co_production_journey(page, browser, live_server, world, system_scope):
    project = world.project_a.pk
    sign_in(page, world.a_member.email)

    # Discover what matters: open a collection link and read its poster.
    go(page, "link_create", project_id=project)
    form = form_with(page, "setting")
    form.locator("[name=setting]").fill("Children's outpatients reception")
    submit(form)
    expect(page).to_have_url(re.compile(r"/poster/$"))  # a new link opens on its printable poster
    assert_accessible(page)
    expect(page.locator("svg").first).to_be_visible()
    public_path = re.search(r"/r/[\w-]+/", page.content()).group(0)

    # A patient answers on the public form, with no account.
    patient = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    patient.route("https://assets.nhs.uk/**", lambda route: route.fulfill(status=204))
    tablet = patient.new_page()
    tablet.goto(public_path)
    assert_accessible(tablet)
    expect(tablet.get_by_text(world.project_a.title)).to_have_count(0)
    tablet.locator("[name=text]").fill("Knowing which way to go when we arrive with a child in a cast")
    tablet.locator("input[name=respondent][value=patient]").check()
    submit(tablet.locator("main form").first)
    expect(tablet.get_by_role("heading", level=1)).to_contain_text(re.compile("thank", re.I))
    assert_accessible(tablet)
    patient.close()
    answer = Response.objects.get(text__startswith="Knowing which way to go")

    # The lead themes it.
    go(page, "theme_create", project_id=project)
    form = form_with(page, "name")
    form.locator("[name=name]").fill("Wayfinding on arrival")
    submit(form)
    go(page, "response_list", project_id=project)
    expect(page.get_by_text("Knowing which way to go")).to_be_visible()
    go(page, "response_themes", project_id=project, response_id=answer.pk)
    page.get_by_label("Wayfinding on arrival").check()
    submit(form_with(page, "themes"))
    assert answer.themes.filter(name="Wayfinding on arrival").exists()

    # Co-design: a candidate screened on the four criteria, then chosen, with its statements.
    go(page, "candidate_create", project_id=project)
    form = form_with(page, "title")
    form.locator("[name=title]").fill("I will always be met and shown the way on my first visit")
    submit(form)
    for criterion in ("important", "evidence_based", "measurable", "affordable"):
        page.locator(f"input[name={criterion}_verdict][value=met]").check()
        page.locator(f"[name={criterion}_rationale]").fill("Agreed by the co-design team")
    submit(form_with(page, "important_verdict"))
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Choose")).first.click()
    expect(page.get_by_text(re.compile("chosen", re.I)).first).to_be_visible()
    go(page, "statement_edit", project_id=project)
    form = form_with(page, "vision")
    form.locator("[name=vision]").fill("I will always be met and shown the way on my first visit")
    form.locator("[name=aim_what]").fill("Families are met at the entrance and shown the way")
    form.locator("[name=aim_for_whom]").fill("families on their first visit to children's outpatients")
    form.locator("[name=aim_target_percent]").fill("85")
    form.locator("[name=aim_by_when]").fill("2027-06-30")
    submit(form)
    expect(page.get_by_text("85%").first).to_be_visible()

    # Test: the driver diagram, a change idea, a ramp of two PDSA cycles.
    go(page, "driver_create", project_id=project)
    form = form_with(page, "text")
    form.locator("[name=text]").fill("A warm welcome at the door")
    submit(form)
    go(page, "driver_diagram", project_id=project)
    expect(page.get_by_text("A warm welcome at the door").first).to_be_visible()
    go(page, "idea_create", project_id=project)
    form = form_with(page, "title")
    form.locator("[name=title]").fill("Volunteer greeter wearing a bright lanyard")
    form.get_by_label("A warm welcome at the door").check()
    submit(form)
    go(page, "ramp_create", project_id=project)
    form = form_with(page, "title")
    form.locator("[name=change_idea]").select_option(label="Volunteer greeter wearing a bright lanyard")
    form.locator("[name=title]").fill("Greeter ramp")
    submit(form)
    expect(page).to_have_url(re.compile(r"/cycles/new/$"))  # a new ramp goes straight to planning cycle 1
    assert_accessible(page)
    form = form_with(page, "objective")
    form.locator("[name=objective]").fill("One greeter, one family, one morning")
    form.locator("[name=question_1]").fill("Will families notice the lanyard?")
    form.locator("[name=prediction_1]").fill("Yes, most will")
    form.locator("[name=starts_on]").fill("2026-09-07")
    submit(form)
    first = PdsaCycle.objects.get(objective="One greeter, one family, one morning")
    run_cycle(page, project, first)
    page.goto(reverse("cycle_detail", kwargs={"project_id": project, "cycle_id": first.pk}))
    page.get_by_role("button", name=re.compile("next cycle", re.I)).first.click()
    second = PdsaCycle.objects.get(ramp=first.ramp, number=2)
    expect(page.get_by_role("heading", level=1)).to_contain_text("2")
    assert_accessible(page)
    assert second.objective == first.objective

    # The buddy comments with an @mention; the lead is notified.
    buddy = browser.new_context(base_url=live_server.url)
    buddy.route("https://assets.nhs.uk/**", lambda route: route.fulfill(status=204))
    buddy_page = buddy.new_page()
    sign_in(buddy_page, world.a_buddy.email)
    go(buddy_page, "comment_list", project_id=project, target="pdsa_cycle", target_id=first.pk)
    form = form_with(buddy_page, "body")
    form.locator("[name=body]").fill(
        "Lovely small test. @a.member could the greeter hand out the trail map too?"
    )
    submit(form)
    expect(buddy_page.get_by_text("could the greeter hand out the trail map").first).to_be_visible()
    buddy.close()

    page.goto("/")
    expect(page.get_by_role("link", name=re.compile(r"Notifications \(\d+\)"))).to_be_visible()
    go(page, "notification_list")
    expect(page.get_by_text(re.compile("mentioned you")).first).to_be_visible()
    assert page.console_errors == []


def run_cycle(page, project, cycle) -> None:
    """Planned → running → studied → complete, filling what each step needs."""
    cycle_url = reverse("cycle_detail", kwargs={"project_id": project, "cycle_id": cycle.pk})
    edit_url = reverse("cycle_edit", kwargs={"project_id": project, "cycle_id": cycle.pk})
    page.goto(cycle_url)
    advance(page)  # planned → running
    page.goto(edit_url)
    assert_accessible(page)
    form = form_with(page, "do_notes")
    form.locator("[name=do_notes]").fill("Three families spoke to the greeter")
    form.locator("[name=result_1]").fill("All three noticed the lanyard")
    submit(form)
    page.goto(cycle_url)
    advance(page)  # running → studied
    page.goto(edit_url)
    form = form_with(page, "act_decision")
    form.locator("[name=act_decision]").select_option("adapt") if form.locator(
        "select[name=act_decision]"
    ).count() else form.locator("input[name=act_decision][value=adapt]").check()
    form.locator("[name=next_steps]").fill("Try two mornings")
    submit(form)
    page.goto(cycle_url)
    advance(page)  # studied → complete
    cycle.refresh_from_db()
    assert cycle.status == "complete", cycle.status


def advance(page) -> None:
    page.locator("main form[action*='advance'] button").first.click()
    page.wait_for_load_state()
