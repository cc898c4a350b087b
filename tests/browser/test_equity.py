"""Measures by population group in a real browser, axe-checked on every page: the lead enters a week of
data by deprivation quintile on the grid and by CSV (one bad row: nothing imported, the error named); the
measure page shows each group's chart and the gap chart with its finding; the coach sees the same page with
low counts suppressed and cannot work them out from the table or the CSV export; a PDF report, rendered by
a real worker, holds the equity section."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.access import Access
from measurement.models import DataPoint, StratumPoint
from measurement.points import current_period
from measurement.services import measure_create, stratum_points_upsert
from reports.models import ReportRun
from tests.equity_data import WEEKS, narrowing_rows
from tests.reports.conftest import media  # noqa: F401 - the worker writes the PDF where `media` points
from tests.reports.helpers import pdf_text
from tests.reports.worker import pdf_worker  # noqa: F401

from .conftest import assert_accessible, sign_in
from .test_coach_morning import sign_in_with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_WEEK = 4  # weeks after the first: quintile 5 has 3 of 10 that week


def uptake_by_deprivation(world):
    """24 weeks up to last week by quintile: quintile 1's uptake climbs towards quintile 5's after week 12."""
    latest = current_period(world.records_a.measure)
    first = latest - timedelta(weeks=WEEKS)
    access = Access.for_user(world.a_member)
    measure = measure_create(
        access=access,
        project=world.project_a,
        name="Uptake of rehabilitation",
        numerator="People who started rehabilitation",
        denominator="People referred",
        unit="percent",
        is_aim_measure=False,
        stratified_by=["deprivation"],
        starts_on=first,
    )
    rows = narrowing_rows(first, small_week=SMALL_WEEK, small=(3, 10))
    stratum_points_upsert(access=access, measure=measure, points=rows, source="api")
    return measure


@pytest.mark.usefixtures("pdf_worker")
def test_the_lead_enters_data_by_group_and_the_coach_sees_small_counts_suppressed(
    page, world, system_scope, tmp_path
):
    measure = uptake_by_deprivation(world)
    kwargs = {"project_id": world.project_a.pk, "measure_id": measure.pk}
    week = current_period(measure)

    # The lead enters this week's data on the grid, a row a quintile.
    sign_in(page, world.a_member.email)
    page.goto(reverse("measure_data", kwargs=kwargs))
    assert_accessible(page)
    for index, (numerator, denominator) in enumerate([(50, 100), (41, 100), (45, 100), (52, 100), (62, 100)]):
        page.locator(f"[name='n_{index}']").fill(str(numerator))
        page.locator(f"[name='d_{index}']").fill(str(denominator))
    page.get_by_role("button", name="Save data").click()
    expect(page.get_by_text("5 groups saved")).to_be_visible()
    assert_accessible(page)
    total = DataPoint.objects.get(measure=measure, period_start=week)
    assert (total.numerator, total.denominator) == (250, 500)

    # ... then a CSV file with one bad row: nothing is imported and the row is named.
    page.goto(reverse("measure_import", kwargs=kwargs))
    assert_accessible(page)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"deprivation,period_start,numerator,denominator\n1,{week},51,100\n6,{week},40,100\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported: fix these and try again")).to_be_visible()
    expect(page.get_by_text(re.compile("Row 3.*'6' is not a deprivation quintile"))).to_be_visible()
    assert_accessible(page)
    assert (
        StratumPoint.objects.get(measure=measure, period_start=week, stratum="deprivation=1").numerator == 50
    )
    good = tmp_path / "good.csv"
    good.write_text(f"deprivation,period_start,numerator,denominator\n1,{week},51,100\n")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 1 group's row")).to_be_visible()
    assert_accessible(page)
    assert DataPoint.objects.get(measure=measure, period_start=week).numerator == 251

    # The measure page: each group's chart and the gap chart with its finding; the team sees every count.
    expect(page.get_by_role("heading", name="Is the gap closing?")).to_be_visible()
    expect(page.locator("p", has_text=re.compile("^The gap has narrowed"))).to_be_visible()
    expect(page.get_by_role("heading", name="Each group")).to_be_visible()
    for label in ("1 (most deprived)", "2", "3", "4", "5 (least deprived)"):
        expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()
    assert page.locator("figure.ae-chart-container > svg").count() == 7  # the total, the gap, five groups
    page.get_by_text("The counts by group").click()
    expect(page.get_by_role("cell", name="3 of 10", exact=True)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    page.context.clear_cookies()

    # The coach sees the same page with quintile 5's small week suppressed, and a second cell with it.
    sign_in_with_authenticator(page, world.coach_1)
    page.goto(reverse("measure_detail", kwargs=kwargs))
    assert_accessible(page)
    expect(page.locator("p", has_text=re.compile("^The gap has narrowed"))).to_be_visible()
    # Quintile 5's 3 (primary) and the smallest other count that week, quintile 1's (secondary).
    expect(
        page.get_by_text(re.compile("^1 week is left out of this chart: in it this group's"))
    ).to_have_count(2)
    page.get_by_text("The counts by group").click()
    expect(page.get_by_role("cell", name="3 of 10", exact=True)).to_have_count(0)
    assert page.get_by_role("cell", name="Suppressed", exact=True).count() >= 2
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "coach.png"), full_page=True)

    # ... and the CSV export does not give them away either.
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(downloaded.value.path()).read_text())))
    small = (measure.starts_on + timedelta(weeks=SMALL_WEEK)).isoformat()
    that_week = [row for row in rows if row["period_start"] == small]
    total_row = next(row for row in that_week if not row["group"])
    groups = {row["group"]: row["numerator"] for row in that_week if row["group"]}
    assert groups["deprivation=5"] == "suppressed"
    hidden = [group for group, numerator in groups.items() if numerator == "suppressed"]
    assert len(hidden) >= 2  # the total minus the shown ones leaves two unknowns
    assert (
        Decimal(total_row["numerator"])
        - sum(Decimal(value) for value in groups.values() if value != "suppressed")
        > 3
    )

    # A PDF report of the project, rendered by a real worker, holds the equity section.
    page.context.clear_cookies()
    sign_in(page, world.a_member.email)
    page.goto(reverse("report_request", kwargs={"project_id": world.project_a.pk}))
    assert_accessible(page)
    page.locator("main form button[type='submit']").first.click()
    expect(page).to_have_url(re.compile(r"/reports/[0-9a-f-]{36}/$"))
    download = page.get_by_role("button", name="Download the report (PDF)")
    expect(download).to_be_visible(timeout=90_000)
    assert_accessible(page)
    with page.expect_download() as downloaded:
        download.click()
    content = Path(downloaded.value.path()).read_bytes()
    text = pdf_text(content)
    assert "Equity" in text and "The gap has narrowed" in text
    assert "3 of 10" not in text  # reports leave the team: suppressed
    assert ReportRun.objects.filter(requested_by=world.a_member, status=ReportRun.Status.DONE).exists()
