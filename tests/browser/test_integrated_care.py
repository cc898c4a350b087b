"""Integrated care in a real browser, axe-checked on every page: the lead of a system-wide project adds a
domiciliary care agency as a partner; the agency's staff member sees only that project, records a
joint-review PDSA cycle and a week of their site's data; the lead sees the per-site and pathway charts; the
regional team sees the project on the regional dashboard and asks for a regional PDF report, which a real
worker renders; the partner is removed and the agency's staff member gets 404 on the project."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.access import Access
from coproduction.models import PdsaCycle, ProjectPartner
from measurement.models import DataPoint
from measurement.points import current_period
from measurement.services import measure_create
from programmes.models import Organisation
from reports.models import ReportRun
from tests.reports.conftest import media  # noqa: F401 - the worker writes the PDF where `media` points
from tests.reports.helpers import pdf_text
from tests.reports.worker import pdf_worker  # noqa: F401
from tests.world import make_user

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "Manchester Home Support"
SITE = "Manchester home visits"


@pytest.fixture
def agency(world):
    """A domiciliary care agency of system A, not yet a partner, and one of its staff with an account."""
    organisation = Organisation.objects.create(
        kind="independent_care",
        provider_type="domiciliary_care",
        name=AGENCY,
        cqc_location_id="1-200000002",
        system=world.system_a,
    )
    return organisation, make_user("agency.staff@example.org")


def per_site_measure(world):
    """The lead team's per-site reliability measure, with eight weeks of data at the partner already on
    the project (the home care agency of the world)."""
    measure = measure_create(
        access=Access.for_user(world.a_member),
        project=world.project_a,
        name="Care plan reviewed jointly",
        numerator="Reviews held jointly",
        denominator="Reviews due",
        unit="percent",
        default_chart="p",
        per_site=True,
        starts_on=current_period(world.records_a.measure) - timedelta(weeks=10),
    )
    week = current_period(measure)
    for weeks_ago in range(1, 9):
        DataPoint.objects.create(
            organisation=world.org_a,
            measure=measure,
            site=world.partnership_a,
            period_start=week - timedelta(weeks=weeks_ago),
            numerator=6 + weeks_ago % 3,
            denominator=10,
        )
    return measure


@pytest.mark.usefixtures("pdf_worker")
def test_a_partner_joins_works_on_the_project_and_leaves(page, world, system_scope, agency):
    agency_organisation, agency_staff = agency
    project = world.project_a
    measure = per_site_measure(world)

    # The lead's team adds the agency as a partner and its staff member to the project.
    sign_in(page, world.a_member.email)
    page.goto(reverse("partner_list", kwargs={"project_id": project.pk}))
    assert_accessible(page)
    page.get_by_role("button", name="Add a partner organisation").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(value=str(agency_organisation.pk))
    page.get_by_label("Role in the pathway").fill("Home care: joint reviews of care plans")
    page.get_by_label("Site name (optional)").fill(SITE)
    page.get_by_label("Joined on").fill(str(date.today() - timedelta(days=30)))
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text(f"{AGENCY} added as a partner")).to_be_visible()
    assert_accessible(page)
    partnership = ProjectPartner.objects.get(project=project, partner_organisation=agency_organisation)
    row = page.locator(f"#partner-{partnership.pk}")
    row.get_by_label(f"Add a member of {AGENCY}'s staff").fill(agency_staff.email)
    row.get_by_role("button", name="Add to the project").click()
    expect(page.get_by_text(f"{agency_staff.email} now works on this project for {SITE}")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    # The agency's staff member sees that project and nothing else of the lead organisation.
    sign_in(page, agency_staff.email)
    page.goto(reverse("project_list"))
    assert_accessible(page)
    expect(page.get_by_role("link", name=project.title)).to_be_visible()
    expect(page.get_by_role("link", name=world.project_a2.title)).to_have_count(0)
    expect(page.get_by_role("link", name=world.project_b.title)).to_have_count(0)
    response = page.goto(reverse("project_detail", kwargs={"project_id": world.project_a2.pk}))
    assert response.status == 404

    # ... plans a joint-review PDSA cycle, attributed to both partners' work ...
    ramp = world.records_a.ramp
    page.goto(reverse("cycle_create", kwargs={"project_id": project.pk, "ramp_id": ramp.pk}))
    assert_accessible(page)
    page.get_by_label("Objective").fill("Hold one joint review of a care plan with the home care agency")
    page.get_by_label("Question 1", exact=True).fill("Can both teams join one review in a week?")
    page.get_by_label("Prediction for question 1").fill("Yes, by phone for the agency")
    expect(page.get_by_label(re.compile(SITE))).to_be_checked()  # their own site, ticked for them
    page.get_by_label(re.compile("Alpha home visits")).check()
    page.get_by_role("button", name="Save cycle").click()
    expect(page.get_by_text(re.compile(r"Cycle \d+ planned"))).to_be_visible()
    assert_accessible(page)
    cycle = PdsaCycle.objects.get(project=project, objective__startswith="Hold one joint review")
    assert set(cycle.partners.values_list("site_name", flat=True)) == {SITE, "Alpha home visits"}

    # ... and enters this week's data for their own site, which is the only grid offered to them.
    kwargs = {"project_id": project.pk, "measure_id": measure.pk}
    page.goto(reverse("measure_data", kwargs=kwargs))
    assert_accessible(page)
    expect(page.get_by_text(f"Enter data for {SITE}")).to_be_visible()
    week = current_period(measure)
    page.locator(f"[name='n_{week}']").fill("4")
    page.locator(f"[name='d_{week}']").fill("5")
    page.get_by_role("button", name="Save data").click()
    expect(page.get_by_text(re.compile(r"periods? saved"))).to_be_visible()
    assert_accessible(page)
    assert DataPoint.objects.get(measure=measure, site=partnership, period_start=week).numerator == 4
    page.context.clear_cookies()

    # The lead sees the whole pathway and each site's chart.
    sign_in(page, world.a_member.email)
    page.goto(reverse("measure_detail", kwargs=kwargs))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="The whole pathway")).to_be_visible()
    expect(page.get_by_role("heading", name="Each site")).to_be_visible()
    expect(page.get_by_role("heading", name=SITE)).to_be_visible()
    expect(page.get_by_role("heading", name="Alpha home visits")).to_be_visible()
    assert page.locator("figure.ae-chart-container > svg").count() >= 3  # the pathway and two sites
    page.context.clear_cookies()

    # The regional team sees the project with its partners and asks for the regional PDF report.
    sign_in(page, world.a_region_viewer.email)
    page.get_by_role("link", name="Regional dashboard").click()
    assert_accessible(page)
    expect(page.get_by_role("link", name=world.system_a.name).first).to_be_visible()
    expect(page.get_by_role("link", name=project.title)).to_be_visible()
    expect(page.get_by_text(AGENCY).first).to_be_visible()
    page.locator("main form.ae-report-request button").click()
    expect(page).to_have_url(re.compile(r"/reports/[0-9a-f-]{36}/$"))
    assert_accessible(page)
    download = page.get_by_role("button", name="Download the report (PDF)")
    expect(download).to_be_visible(timeout=90_000)  # the worker renders it
    assert_accessible(page)
    with page.expect_download() as downloaded:
        download.click()
    content = Path(downloaded.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert project.title in pdf_text(content)
    run = ReportRun.objects.get(requested_by=world.a_region_viewer)
    assert (run.scope_kind, run.status) == ("region", ReportRun.Status.DONE)
    page.context.clear_cookies()

    # The lead removes the partner; the agency's staff member gets 404 on the project at once.
    sign_in(page, world.a_member.email)
    page.goto(reverse("partner_remove", kwargs={"project_id": project.pk, "partner_id": partnership.pk}))
    assert_accessible(page)
    page.get_by_role("button", name="Remove partner").click()
    expect(page.get_by_text(f"{AGENCY} is no longer a partner on this project")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    sign_in(page, agency_staff.email)
    response = page.goto(reverse("project_detail", kwargs={"project_id": project.pk}))
    assert response.status == 404
    assert_accessible(page)
    assert PdsaCycle.objects.filter(pk=cycle.pk, partners=partnership).exists()  # their work stays
    # The only errors the browser logged are the two pages the agency's staff member must not find.
    assert len(page.console_errors) == 2 and all("404 (Not Found)" in e for e in page.console_errors)
