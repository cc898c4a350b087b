"""The coach, system and regional dashboards mark each project whose aim measure is broken down by
deprivation with whether the gap between the most and least deprived narrows, on the page, in the CSV and in
the API; a project whose aim measure is not broken down has no marker."""

import csv
import io

import pytest

from measurement.equity import equity_marker, gap_analysis, public_disclosure
from tests.equity_data import add_stratified_aim

from .helpers import add_project_with_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]

PAGES = {
    "coach": ("/dashboards/coach/", "/api/v1/dashboards/coach/"),
    "system": ("/dashboards/system/", "/api/v1/dashboards/system/"),
    "regional": ("/dashboards/region/", "/api/v1/dashboards/region/"),
}
READERS = {"coach": "coach_1", "system": "a_viewer", "regional": "a_region_viewer"}


@pytest.fixture
def projects(world):
    """Project A's aim measure is broken down by deprivation; another project's is not."""
    uptake = add_stratified_aim(world)
    plain = add_project_with_data(world, "Alpha plain project")
    return uptake, plain


def test_the_gap_of_the_data_narrows_as_a_reader_outside_the_team_sees_it(world, projects, system_scope):
    uptake, _ = projects
    disclosure = public_disclosure(uptake)
    assert disclosure.any, "quintile 5's small count is suppressed"
    assert gap_analysis(uptake, disclosure).left_out == 1
    assert equity_marker(uptake)["direction"] == "narrowing"


@pytest.mark.parametrize("dashboard", list(PAGES))
def test_the_dashboard_marks_the_project_whose_gap_narrows(world, projects, client_of, dashboard):
    _uptake, plain = projects
    client = client_of(getattr(world, READERS[dashboard]))
    page, api = PAGES[dashboard]
    body = client.get(page).content.decode()
    assert "(gap between the most and least deprived)" in body
    cell = _cell_of(body, world.project_a.title)
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Gap narrowing</strong>' in cell
    assert '<div class="nhsuk-details__text">The gap has narrowed' in cell, "the finding says why"
    assert "Gap " not in _cell_of(body, plain.title)
    assert "Not broken down by deprivation" in _cell_of(body, plain.title)

    rows = {row["Project"]: row for row in _csv(client, page + "csv/")}
    assert rows[world.project_a.title]["Equity"] == "Gap narrowing"
    assert rows[world.project_a.title]["Equity finding"].startswith("The gap has narrowed")
    assert (rows[plain.title]["Equity"], rows[plain.title]["Equity finding"]) == (
        "Not broken down by deprivation",
        "",
    )

    response = client.get(api)
    data = response.json()
    listed = data["results"] if "results" in data else data["rows"]
    by_title = {row["title"]: row for row in listed}
    assert by_title[world.project_a.title]["equity"] == "narrowing"
    assert by_title[world.project_a.title]["equity_finding"].startswith("The gap has narrowed")
    assert (by_title[plain.title]["equity"], by_title[plain.title]["equity_finding"]) == (None, None)


def test_a_project_without_data_by_group_says_so(world, client_of, system_scope):
    from accounts.access import Access
    from measurement.services import measure_create

    measure_create(
        access=Access.for_user(world.a_member),
        project=world.project_a,
        name="Uptake by quintile",
        numerator="Started",
        denominator="Referred",
        unit="percent",
        is_aim_measure=True,
        stratified_by=["deprivation"],
        starts_on=world.records_a.measure.starts_on,
    )
    body = client_of(world.coach_1).get(PAGES["coach"][0]).content.decode()
    assert "No data by group yet" in _cell_of(body, world.project_a.title)


def _cell_of(body: str, title: str) -> str:
    """The equity cell of the project's row: the one after its icons."""
    row = body[body.index(f">{title}</a>") :]
    row = row[: row.index("</tr>")]
    return row[row.index('<span class="ae-icons">') :].split("</td>", 2)[1]


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))
