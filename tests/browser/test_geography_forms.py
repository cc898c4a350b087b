"""Pages of integrated care and of measures by group not opened by the longer walks, each axe-checked and
used once: a programme admin edits an organisation and renames a place; partner staff count on the per-site
quick tally; the lead defines a measure broken down by deprivation quintile and counts on its tally."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.access import Access
from measurement.models import DataPoint, Measure, StratumPoint
from measurement.points import current_period
from measurement.services import measure_create
from programmes.models import Place

from .conftest import assert_accessible, sign_in
from .test_coach_morning import sign_in_with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_admin_edits_an_organisation_and_renames_a_place(page, world, system_scope):
    sign_in_with_authenticator(page, world.programme_admin)
    page.goto(reverse("organisation_edit", kwargs={"organisation_id": world.org_a.pk}))
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Alpha Hospitals NHS Trust")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text(re.compile("Alpha Hospitals NHS Trust")).first).to_be_visible()
    assert_accessible(page)
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Alpha Hospitals NHS Trust"

    page.goto(reverse("place_edit", kwargs={"place_id": world.place_a.pk}))
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Alpha Central Place")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text(re.compile("Alpha Central Place")).first).to_be_visible()
    assert_accessible(page)
    assert Place.objects.get(pk=world.place_a.pk).name == "Alpha Central Place"


def test_partner_staff_count_on_their_sites_quick_tally(page, world, system_scope):
    measure = measure_create(
        access=Access.for_user(world.a_member),
        project=world.project_a,
        name="Care plan reviewed jointly",
        numerator="Reviews held jointly",
        denominator="Reviews due",
        unit="percent",
        per_site=True,
        starts_on=current_period(world.records_a.measure) - timedelta(weeks=4),
    )
    sign_in(page, world.a_partner_staff.email)
    page.goto(reverse("measure_tally", kwargs={"project_id": world.project_a.pk, "measure_id": measure.pk}))
    assert_accessible(page)
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Recorded: yes")).to_be_visible()
    assert_accessible(page)
    point = DataPoint.objects.get(measure=measure, site=world.partnership_a)
    assert (point.numerator, point.denominator) == (1, 1)


def test_the_lead_defines_a_measure_by_deprivation_and_counts_on_its_tally(page, world, system_scope):
    sign_in(page, world.a_member.email)
    page.goto(reverse("measure_create", kwargs={"project_id": world.project_a.pk}))
    assert_accessible(page)
    page.get_by_label("Name").fill("Uptake by deprivation")
    page.get_by_label("Numerator").fill("People who started rehabilitation")
    page.get_by_label("Denominator").fill("People referred")
    page.get_by_label("Deprivation quintile (IMD)").check()
    page.get_by_label("Starts on").fill(str(current_period(world.records_a.measure) - timedelta(weeks=8)))
    page.get_by_role("button", name=re.compile("Save|Add")).first.click()
    expect(page.get_by_text("Measure 'Uptake by deprivation' added")).to_be_visible()
    assert_accessible(page)
    measure = Measure.objects.get(project=world.project_a, name="Uptake by deprivation")
    assert measure.stratified_by == ["deprivation"]

    page.goto(reverse("measure_tally", kwargs={"project_id": world.project_a.pk, "measure_id": measure.pk}))
    assert_accessible(page)
    page.get_by_role("button", name="No").click()
    expect(page.get_by_text("Choose the deprivation quintile")).to_be_visible()
    page.get_by_label("Deprivation quintile (IMD)").select_option("1")
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Recorded: yes")).to_be_visible()
    expect(page.get_by_label("Deprivation quintile (IMD)")).to_have_value("1")  # kept for the next person
    assert_accessible(page)
    point = StratumPoint.objects.get(measure=measure, stratum="deprivation=1")
    assert (point.numerator, point.denominator) == (1, 1)
    assert DataPoint.objects.get(measure=measure).denominator == 1
