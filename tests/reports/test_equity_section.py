"""A report of a project with a measure broken down by deprivation has an equity section: the gap's chart,
its finding, what the gap is, and the latest periods' counts by group as readers outside the team see them;
a suppressed count is never printed, even in a report the team asked for."""

import re

import pytest

from accounts.access import Access
from measurement.equity_print import PRINTED_PERIODS, printed_equity
from reports.presenters import ProjectReportPresenter
from reports.scopes import scope_visible
from reports.selectors import project_report_data
from reports.services import report_render, report_request, scope_report_request
from tests.equity_data import SMALL_DENOMINATOR, SMALL_NUMERATOR, WEEKS, add_stratified_aim

from .helpers import pdf_text

pytestmark = pytest.mark.urls("tests.reports.urls")

SUPPRESSED_COUNT = f"{SMALL_NUMERATOR} of {SMALL_DENOMINATOR}"


@pytest.fixture
def uptake(world):
    return add_stratified_aim(world)


def test_the_section_shows_the_gap_and_the_counts_as_suppressed_for_readers_outside_the_team(
    world, uptake, system_scope
):
    equity = printed_equity(uptake)
    assert equity.direction == "narrowing" and equity.finding.startswith("The gap has narrowed")
    assert equity.gap_text == (
        "The gap is the value for deprivation quintile 1 (most deprived) minus the value for deprivation "
        "quintile 5 (least deprived), in percentage points: 0 is no gap."
    )
    assert equity.suppression_text == (
        "Small numbers are suppressed: counts from 1 to 7 are suppressed, and others that would let them be "
        "worked out."
    )
    assert equity.left_out_text.startswith("1 period is left out of the gap")
    table = equity.table()
    assert table["headers"][0] == "1 (most deprived)" and len(table["headers"]) == 5
    assert len(table["rows"]) == PRINTED_PERIODS
    small_week = table["rows"][WEEKS - 1 - 21]  # newest first; quintile 5's small count is in week 21
    texts = [cell["text"] for cell in small_week["cells"]]
    assert texts[4] == "Suppressed" and texts.count("Suppressed") >= 2, (
        "and another, so it cannot be worked out"
    )
    assert all(SUPPRESSED_COUNT not in cell["text"] for row in table["rows"] for cell in row["cells"])
    assert table["rows"][0]["cells"][1]["text"] == "40 of 100"

    svg = equity.svg
    assert svg.startswith("<svg") and "the gap between deprivation quintile 1 (most deprived)" in svg
    assert "No gap" in svg and equity.finding in svg
    assert "Target" not in svg
    values_line = re.search(r'class="values" d="([^"]+)"', svg).group(1)
    assert values_line.count("M") == 2, "the week left out of the gap breaks its line"


def test_a_measure_not_broken_down_has_no_section(world, system_scope):
    assert printed_equity(world.records_a.measure) is None


def test_the_team_members_pdf_has_the_equity_section_and_never_a_suppressed_count(
    world, uptake, system_scope, media
):
    run = report_request(access=Access.for_user(world.a_member), scope=world.project_a, kind="pdf")
    assert report_render(run_id=run.pk) is True
    run.refresh_from_db()
    text = pdf_text(run.file.read())
    for expected in (
        "Equity",
        "Uptake of rehabilitation",
        "The gap has narrowed",
        "minus the value for deprivation quintile 5 (least deprived), in percentage points: 0 is no gap",
        "counts from 1 to 7 are suppressed, and others that would let them be worked out",
        "Suppressed",
        "No gap",
        "1 period is left out of the gap",
    ):
        assert expected in text, expected
    assert SUPPRESSED_COUNT not in text
    assert "viewBox" not in text, "the gap's chart is drawn, not printed as markup"


def test_a_system_report_has_each_projects_equity_section(world, uptake, system_scope, media):
    access = Access.for_user(world.a_viewer)
    scope = scope_visible(access=access, kind="system", scope_id=world.system_a.pk)
    run = scope_report_request(access=access, scope=scope, kind="pdf")
    assert report_render(run_id=run.pk) is True
    run.refresh_from_db()
    text = pdf_text(run.file.read())
    assert "The gap has narrowed" in text and "Suppressed" in text
    assert SUPPRESSED_COUNT not in text


def test_the_spreadsheets_have_the_gap_but_no_counts_by_group(world, uptake, system_scope):
    report = ProjectReportPresenter(
        project_report_data(project=world.project_a), Access.for_user(world.a_member)
    )
    tables = {name: rows for name, _header, rows in report.tables()}
    assert tables["Equity"] == [["Uptake of rehabilitation", "Gap narrowing", printed_equity(uptake).finding]]
