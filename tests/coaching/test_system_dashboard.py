import csv
import io
from datetime import date

import pytest

from accounts.access import Access
from accounts.models import Role
from accounts.services import role_grant_create
from alwaysevents.tenancy import all_organisations
from coaching import presenters_dashboards
from coaching.selectors_dashboards import system_dashboard
from measurement.models import Measure
from tests.world import make_project

from .helpers import add_project_with_data, cold_and_warm

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]

URL = "/dashboards/system/"
API = "/api/v1/dashboards/system/"


def test_a_system_viewer_sees_the_projects_of_their_system_only(world, client_of):
    system_wide = make_project(world.system_a, world.cohort_1, "Alpha system-wide discharge", world.programme)
    response = client_of(world.a_viewer).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "System dashboard: Alpha ICS" in body
    assert world.project_a.title in body and system_wide.title in body
    assert world.project_b.title not in body and "Beta ICS" not in body
    assert 'id="choose-system"' not in body  # one system: nothing to choose


def test_the_rollup_counts_projects_by_icon_group_and_phase(world, client_of, system_scope):
    add_project_with_data(world, "Second Alpha project")
    rollup = presenters_dashboards.rollup(
        system_dashboard(access=Access.for_user(world.a_viewer), system_id="").counts()
    )
    phase = world.project_a.phase.name
    # A's two projects with data, and A's second project with no aim measure yet
    assert rollup.phases == [phase] and rollup.total == 3 and rollup.totals == [3]
    by_group = {line["group"]: line["total"] for line in rollup.lines}
    assert sum(by_group.values()) == 3 and by_group["no_data"] == 1
    body = client_of(world.a_viewer).get(URL).content.decode()
    assert (
        "Projects by variation and phase" in body
        and '<th scope="row" class="nhsuk-table__header">Total</th>' in body
    )


def test_each_reliability_measure_has_a_small_chart_linked_to_its_page(world, client_of, system_scope):
    measure = world.records_a.measure
    Measure.objects.create(
        organisation=world.org_a,
        project=world.project_a,
        name="Staff minutes per patient",
        kind="balancing",
        numerator="Minutes",
        unit="minutes",
        starts_on=date(2026, 1, 5),
    )
    body = client_of(world.a_viewer).get(URL).content.decode()
    assert body.count('class="ae-sparkline"') == 1  # the balancing measure is not a reliability measure
    assert measure.get_absolute_url() in body
    assert f'<title id="spark-{measure.pk}-title">{world.project_a.title}: {measure.name}</title>' in body
    assert "Latest value 80.0%" in body and "<desc id=" in body


def test_another_systems_id_is_not_found(world, client_of):
    client = client_of(world.a_viewer)
    assert client.get(URL + f"?system={world.system_b.pk}").status_code == 404
    assert client.get(URL + "?system=not-a-uuid").status_code == 404
    assert client.get(URL + f"csv/?system={world.system_b.pk}").status_code == 404


def test_a_viewer_of_two_systems_chooses_one(world, client_of):
    role_grant_create(
        granted_by=None,
        user=world.a_viewer,
        role=Role.SYSTEM_VIEWER,
        target=world.system_b,
        system_job="test",
    )
    client = client_of(world.a_viewer)
    assert 'id="choose-system"' in client.get(URL).content.decode()
    body = client.get(URL + f"?system={world.system_b.pk}").content.decode()
    assert world.project_b.title in body and world.project_a.title not in body


def test_a_coach_chooses_among_the_systems_their_projects_lie_in(world, client_of):
    client = client_of(world.coach_1)
    assert world.project_a.title in client.get(URL + f"?system={world.system_a.pk}").content.decode()
    assert client.get(URL + f"?system={world.system_b.pk}").status_code == 404
    admin = client_of(world.programme_admin)
    assert world.project_b.title in admin.get(URL + f"?system={world.system_b.pk}").content.decode()


@pytest.mark.parametrize("persona", ["a_member", "a_buddy", "a_admin", "nobody"])
def test_it_does_not_exist_for_anyone_else(world, client_of, persona):
    client = client_of(getattr(world, persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "csv/").status_code == 404
    assert client.get(API).status_code == 404


def test_the_filters_narrow_the_table_and_the_csv(world, client_of):
    client = client_of(world.a_viewer)
    phase = world.project_a.phase.name
    assert [row["Project"] for row in _rows(client, f"?phase={phase}")] == [
        world.project_a2.title,
        world.project_a.title,
    ]
    assert _rows(client, "?phase=Nowhere") == [] and _rows(client, "?icon=concern") == []
    assert [row["Project"] for row in _rows(client, "?icon=no_data")] == [world.project_a2.title]
    body = client.get(URL + "?icon=concern").content.decode()
    assert "No projects match these filters." in body


def test_the_api_gives_rows_rollup_and_measures(world, client_of):
    data = client_of(world.a_viewer).get(API + f"?system={world.system_a.pk}").json()
    assert data["system"]["name"] == "Alpha ICS"
    assert [row["title"] for row in data["rows"]] == [world.project_a2.title, world.project_a.title]
    assert data["rollup"]["total"] == 2
    measure = data["measures"][0]
    assert measure["latest_value"] == 80.0 and len(measure["recent_values"]) == 12
    assert client_of(world.a_viewer).get(API + f"?system={world.system_b.pk}").status_code == 404


# The page's second view is its cached body (no rows read); the CSV and the API are built every time, from
# the dashboard entries. Only the API's reliability measures (the page's small multiples) load, with a cold
# per-measure cache, the points and the marks (one query each for every measure); the CSV has none.
@pytest.mark.parametrize(
    "url, page_cached, cold_queries",
    [(URL + "?sort=-latest", True, None), (URL + "csv/", False, 0), (API, False, 2)],
)
def test_it_issues_the_same_number_of_queries_for_2_and_8_projects(
    world, client_of, url, page_cached, cold_queries
):
    client = client_of(world.a_viewer)
    add_project_with_data(world, "Extra project 0")
    cold_two, warm_two = cold_and_warm(client, url)
    for number in range(1, 7):
        add_project_with_data(world, f"Extra project {number}")
    with all_organisations(reason="test"):
        assert Measure.objects.filter(project__organisation=world.org_a).count() == 8
    cold_eight, warm_eight = cold_and_warm(client, url)
    assert (cold_eight, warm_eight) == (cold_two, warm_two)
    assert warm_two < cold_two - 2 if page_cached else cold_two == warm_two + cold_queries


def _rows(client, query: str) -> list[dict]:
    response = client.get(URL + "csv/" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))
