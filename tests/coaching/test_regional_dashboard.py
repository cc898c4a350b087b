"""The regional dashboard (NHS England's regional teams), the system dashboard by place, and multi-partner
projects shown with their partners on the coach, system and regional dashboards."""

import csv
import io

import pytest
from django.core.cache import cache

from alwaysevents.tenancy import all_organisations
from measurement.models import Measure
from programmes.models import Organisation, Place
from projects.models import Project
from tests.world import make_project

from .helpers import add_project_with_data, cold_and_warm

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]

URL = "/dashboards/region/"
API = "/api/v1/dashboards/region/"
PARTNERS_LINE = "with 2 partners: Alpha Carers Network and Alpha home visits"


def test_the_regional_team_sees_its_regions_systems_and_their_projects(world, client_of):
    system_wide = make_project(world.system_a, world.cohort_1, "Alpha system-wide discharge", world.programme)
    response = client_of(world.a_region_viewer).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Regional dashboard: South West" in body
    assert "Alpha ICS" in body and "Beta ICS" not in body
    for project in (world.project_a, world.project_a2, system_wide):
        assert project.title in body
    assert world.project_b.title not in body
    # Drill-down: the system's name opens its system dashboard.
    assert f"/dashboards/system/?system={world.system_a.pk}" in body


def test_a_regional_team_opens_its_systems_dashboard_but_not_another_regions(world, client_of):
    client = client_of(world.a_region_viewer)
    system_page = client.get(f"/dashboards/system/?system={world.system_a.pk}")
    assert system_page.status_code == 200 and world.project_a.title in system_page.content.decode()
    assert client.get(f"/dashboards/system/?system={world.system_b.pk}").status_code == 404
    assert client.get(URL + f"?region={world.region_b.pk}").status_code == 404
    assert client.get(URL + "csv/" + f"?region={world.region_b.pk}").status_code == 404
    assert client.get(API + f"?region={world.region_b.pk}").status_code == 404
    assert client.get(f"/projects/{world.project_b.pk}/").status_code == 404


def test_region_b_sees_nothing_of_region_a(world, client_of):
    client = client_of(world.b_region_viewer)
    body = client.get(URL).content.decode()
    assert "London" in body and world.project_b.title in body
    assert world.project_a.title not in body and "Alpha ICS" not in body
    assert client.get(URL + f"?region={world.region_a.pk}").status_code == 404


@pytest.mark.parametrize("persona", ["a_member", "a_viewer", "coach_1", "a_partner_staff", "nobody"])
def test_it_does_not_exist_for_anyone_else(world, client_of, persona):
    client = client_of(getattr(world, persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "csv/").status_code == 404
    assert client.get(API).status_code == 404


def test_the_systems_table_counts_projects_by_phase_and_icon(world, client_of):
    data = client_of(world.a_region_viewer).get(API).json()
    assert data["region"]["code"] == "Y58"
    (alpha,) = data["systems"]
    assert alpha["system"]["name"] == "Alpha ICS" and alpha["rollup"]["total"] == 2
    assert data["rollup"]["total"] == 2
    assert {row["title"] for row in data["rows"]} == {world.project_a.title, world.project_a2.title}


def test_multi_partner_projects_show_their_partners_everywhere(world, client_of):
    """A's project has a current partner (home visits) and one that left: only the current one shows."""
    for client, url in [
        (client_of(world.a_region_viewer), URL),
        (client_of(world.a_viewer), "/dashboards/system/"),
        (client_of(world.coach_1), "/dashboards/coach/"),
    ]:
        body = client.get(url).content.decode()
        assert "with 1 partner: Alpha Home Care Agency" in body, url
        assert "Alpha Carers Network" not in body, url
    rows = list(
        csv.DictReader(io.StringIO(client_of(world.a_region_viewer).get(URL + "csv/").content.decode()))
    )
    by_title = {row["Project"]: row for row in rows}
    assert by_title[world.project_a.title]["Partners"] == "Alpha Home Care Agency"
    api_rows = client_of(world.coach_1).get("/api/v1/dashboards/coach/").json()["results"]
    assert next(row for row in api_rows if row["title"] == world.project_a.title)["partners"] == [
        "Alpha Home Care Agency"
    ]


def test_the_system_dashboard_filters_by_place(world, client_of):
    other_place = Place.objects.create(system=world.system_a, name="Alpha South Place")
    Organisation.objects.filter(pk=world.org_a.pk).update(place=None)
    client = client_of(world.a_viewer)
    body = client.get(
        f"/dashboards/system/?system={world.system_a.pk}&place={world.place_a.pk}"
    ).content.decode()
    assert "System dashboard: Alpha ICS, Alpha Place Alliance" in body
    assert world.project_a.title in body and world.project_a2.title not in body
    empty = client.get(
        f"/dashboards/system/?system={world.system_a.pk}&place={other_place.pk}"
    ).content.decode()
    assert world.project_a.title not in empty
    # An organisation's place brings its projects in too.
    Organisation.objects.filter(pk=world.org_a.pk).update(place=other_place)
    cache.clear()  # the page cache follows writes to tenant rows; this test changes reference data directly
    moved = client.get(
        f"/dashboards/system/?system={world.system_a.pk}&place={other_place.pk}"
    ).content.decode()
    assert world.project_a2.title in moved
    api = client.get(f"/api/v1/dashboards/system/?system={world.system_a.pk}&place={world.place_a.pk}").json()
    assert api["place"]["name"] == "Alpha Place Alliance" and [row["title"] for row in api["rows"]] == [
        world.project_a.title
    ]
    assert {place["name"] for place in api["places"]} == {"Alpha Place Alliance", "Alpha South Place"}


def test_a_place_of_another_system_is_not_found(world, client_of):
    beta_place = Place.objects.create(system=world.system_b, name="Beta Place")
    client = client_of(world.a_viewer)
    assert (
        client.get(f"/dashboards/system/?system={world.system_a.pk}&place={beta_place.pk}").status_code == 404
    )
    assert client.get(f"/dashboards/system/?system={world.system_a.pk}&place=nonsense").status_code == 404


@pytest.mark.parametrize("url, page_cached", [(URL, True), (URL + "csv/", False), (API, False)])
def test_it_issues_the_same_number_of_queries_for_2_and_8_projects(world, client_of, url, page_cached):
    client = client_of(world.a_region_viewer)
    add_project_with_data(world, "Extra project 0")
    cold_two, warm_two = cold_and_warm(client, url)
    for number in range(1, 7):
        add_project_with_data(world, f"Extra project {number}")
    with all_organisations(reason="test"):
        assert Measure.objects.filter(project__organisation=world.org_a).count() == 8
        assert Project.objects.filter(organisation=world.org_a).count() == 9
    cold_eight, warm_eight = cold_and_warm(client, url)
    assert (cold_eight, warm_eight) == (cold_two, warm_two)
