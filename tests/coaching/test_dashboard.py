import csv
import io

import pytest

from alwaysevents import read_models
from alwaysevents.tenancy import all_organisations
from measurement.models import Measure
from tests.equity_data import add_stratified_aim

from .helpers import add_project_with_data, cold_and_warm, make_call

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]

URL = "/dashboards/coach/"


def test_a_coach_sees_one_row_per_project_of_their_cohort(world, client_of):
    response = client_of(world.coach_1).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert world.project_a.title in body and world.project_b.title not in body
    assert world.project_a.get_absolute_url() in body
    assert "Alpha Hospital Trust" in body and "Alpha ICS" in body


def test_a_programme_admin_sees_every_project_of_the_programme(world, client_of):
    body = client_of(world.programme_admin).get(URL).content.decode()
    assert world.project_a.title in body and world.project_b.title in body


@pytest.mark.parametrize("persona", ["a_member", "a_buddy", "a_viewer", "nobody"])
def test_it_does_not_exist_for_anyone_else(world, client_of, persona):
    client = client_of(getattr(world, persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "csv/").status_code == 404


def test_the_row_shows_the_aim_measure_the_score_and_the_next_call(world, client_of):
    make_call(world.project_a, days=2)
    row = _row(client_of(world.coach_1), world.project_a.title)
    # world.records_a: a chosen candidate with a statement, themes and a carer + no staff on the team
    assert row["Suggested progress score"] == "0.5"
    assert row["Latest value"] == "80.0"  # 8 out of 10 in the last of the 12 weeks
    assert row["Variation"] and row["Assurance"]
    assert row["Next call"] and row["Unresolved comments"] == "1"
    assert row["Last month's return"] == "Not started"


def test_the_suggested_score_follows_the_evidence(world, client_of, system_scope):
    from coproduction.models import PdsaCycle, TeamMember

    TeamMember.objects.create(organisation=world.org_a, project=world.project_a, role="staff", name="Ana")
    row = _row(client_of(world.coach_1), world.project_a.title)
    assert row["Suggested progress score"] == "2.0"
    cycle = PdsaCycle.objects.get(pk=world.records_a.cycle.pk)
    cycle.status = "studied"
    cycle.save(
        update_fields=["status"]
    )  # a save marks the project's dashboard entry; a queryset update would not
    assert _row(client_of(world.coach_1), world.project_a.title)["Suggested progress score"] == "2.5"


def test_it_filters_needs_attention_by_data_returns_and_concern(world, client_of):
    fresh = add_project_with_data(world, "Fresh data project")
    client = client_of(world.coach_1)
    rows = _rows(client, "?attention=yes")
    # whether the fresh project is listed at all depends on the day of the month (its return is submitted)
    assert all(
        "No data for 4 weeks" not in row["Needs attention"] for row in rows if row["Project"] == fresh.title
    )
    with all_organisations(reason="test"):
        Measure.objects.filter(project=fresh).update(points_changed_at="2020-01-01T00:00:00Z")
        read_models.project_changed(fresh.pk)  # as the service's audit would: an update sends no signal
    titles = {row["Project"] for row in _rows(client, "?attention=yes")}
    assert fresh.title in titles
    fresh_row = next(row for row in _rows(client, "?attention=yes") if row["Project"] == fresh.title)
    assert "No data for 4 weeks" in fresh_row["Needs attention"]


def test_it_filters_by_cohort_system_phase_and_icon(world, client_of):
    client = client_of(world.programme_admin)
    assert {row["Project"] for row in _rows(client, f"?cohort={world.cohort_2.pk}")} == {
        world.project_b.title
    }
    assert {row["Project"] for row in _rows(client, f"?system={world.system_a.pk}")} == {
        world.project_a.title,
        world.project_a2.title,
    }
    phase = world.project_a.phase.name
    assert len(_rows(client, f"?phase={phase}")) == 3 and _rows(client, "?phase=Nowhere") == []
    icon_of_a = next(row for row in _rows(client, "") if row["Project"] == world.project_a.title)["Variation"]
    assert icon_of_a  # a variation label from the XmR analysis
    assert [row["Project"] for row in _rows(client, "?icon=no_data")] == [world.project_a2.title]
    assert _rows(client, "?cohort=not-a-uuid") == []


def test_it_sorts_by_a_column_both_ways(world, client_of):
    add_project_with_data(world, "Another project", values=(1, 1, 1, 1, 1, 1, 1, 1))
    client = client_of(world.coach_1)
    ascending = [row["Project"] for row in _rows(client, "?sort=latest")]
    descending = [row["Project"] for row in _rows(client, "?sort=-latest")]
    # A's second project has no data: it sorts last both ways
    assert ascending == ["Another project", world.project_a.title, world.project_a2.title]
    assert descending == [world.project_a.title, "Another project", world.project_a2.title]
    page = client.get(URL + "?sort=latest").content.decode()
    assert 'aria-sort="ascending"' in page and "sort=-latest" in page


def test_the_csv_has_a_header_and_one_line_per_project(world, client_of):
    response = client_of(world.programme_admin).get(URL + "csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Project" and len(rows) == 4  # the header, A's two projects and B's


# The page's second view is its cached body (no rows read); the CSV and the API are built every time from the
# dashboard entries, which hold the aim measures' facts and equity markers: a cold per-measure cache costs
# them nothing more.
@pytest.mark.parametrize("stratified", [False, True], ids=["plain", "stratified"])
@pytest.mark.parametrize(
    "url, page_cached",
    [(URL + "?sort=-latest", True), (URL + "csv/", False), ("/api/v1/dashboards/coach/", False)],
)
def test_the_dashboard_issues_the_same_number_of_queries_for_3_and_8_projects(
    world, client_of, url, page_cached, stratified
):
    if stratified:
        add_stratified_aim(world)
    client = client_of(world.programme_admin)
    cold_two, warm_two = cold_and_warm(client, url)
    for number in range(5):
        add_project_with_data(world, f"Extra project {number}")
    cold_eight, warm_eight = cold_and_warm(client, url)
    assert len(_rows(client, "")) == 8
    assert (cold_eight, warm_eight) == (cold_two, warm_two), f"3 projects: {cold_two, warm_two}"
    assert warm_two < cold_two - 2 if page_cached else cold_two == warm_two


def _rows(client, query: str) -> list[dict]:
    response = client.get(URL + "csv/" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _row(client, title: str) -> dict:
    return next(row for row in _rows(client, "") if row["Project"] == title)
