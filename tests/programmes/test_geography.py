"""The reference data programme admins keep: organisations (with their ODS code or CQC location ID), NHS
England's seven regions (a system's region is set on the system) and the places of each system. Pages and API
share the selectors and services; nobody else finds these pages (404)."""

import pytest
from django.test import Client

from accounts.services import api_token_create
from alwaysevents.models import AuditEvent
from programmes.models import Organisation, Place, Region
from programmes.services_geography import edit_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


@pytest.fixture
def admin(world, client_of):
    return client_of(world.programme_admin)


@pytest.fixture
def spare_place(world):
    """A place nothing belongs to yet."""
    return Place.objects.create(system=world.system_a, name="Alpha North Locality")


def organisation_form(organisation: Organisation | None = None, **changes) -> dict:
    data = {"name": "", "kind": "", "provider_type": "", "ods_code": "", "cqc_location_id": ""}
    data.update({"system": "", "place": "", "region": ""})
    if organisation is not None:
        data.update(
            version=edit_version(organisation),
            name=organisation.name,
            kind=organisation.kind,
            provider_type=organisation.provider_type,
            ods_code=organisation.ods_code or "",
            cqc_location_id=organisation.cqc_location_id or "",
            system=organisation.system_id or "",
            place=organisation.place_id or "",
            region=organisation.region_id or "",
        )
    data.update(changes)
    return data


def body(response) -> str:
    return response.content.decode()


def table_of(response) -> str:
    """The listing itself, without the filter's choices."""
    return body(response).split("<tbody", 1)[1]


def edit_url(organisation) -> str:
    return f"/organisations/{organisation.pk}/edit/"


class TestNavigation:
    def test_a_programme_admin_can_open_every_page_and_find_the_reference_data(self, world, admin):
        page = body(admin.get("/"))
        assert 'href="/organisations/"' in page and 'href="/regions/"' in page


class TestOrganisationList:
    def test_it_lists_every_kind_with_its_identifier(self, world, admin):
        page = body(admin.get("/organisations/"))
        for name, identifier in (
            ("Alpha Hospital Trust", "RA1"),
            ("Beta Community Trust", "RB1"),
            ("Alpha ICS", "QA1"),
            ("Alpha Home Care Agency", "1-100000001"),
            ("Alpha Surgery", "A10001"),
        ):
            assert name in page and identifier in page

    def test_it_filters_by_kind(self, world, admin):
        page = table_of(admin.get("/organisations/", {"kind": "system"}))
        assert "Alpha ICS" in page and "Beta ICS" in page
        assert "Alpha Hospital Trust" not in page and "Alpha Surgery" not in page

    def test_it_filters_by_system(self, world, admin):
        page = table_of(admin.get("/organisations/", {"system": str(world.system_a.pk)}))
        assert "Alpha Hospital Trust" in page and "Alpha Home Care Agency" in page and "Alpha ICS" in page
        assert "Beta Community Trust" not in page and "Beta ICS" not in page

    def test_it_is_paginated(self, world, admin):
        Organisation.objects.bulk_create(
            Organisation(kind="vcse", name=f"Zulu charity {number:02}") for number in range(60)
        )
        first, second = table_of(admin.get("/organisations/")), table_of(admin.get("/organisations/?page=2"))
        assert "Alpha ICS" in first and "Zulu charity 59" not in first
        assert "Zulu charity 59" in second and "Alpha ICS" not in second


class TestOrganisationCreate:
    def test_it_adds_an_organisation_with_its_identifier_in_capitals(self, world, admin):
        form = organisation_form(
            name="Alpha Mental Health Trust",
            kind="provider",
            provider_type="mental_health",
            ods_code="rx4",
            system=world.system_a.pk,
            place=world.place_a.pk,
        )
        response = admin.post("/organisations/new/", form)
        assert response.status_code == 302
        created = Organisation.objects.get(name="Alpha Mental Health Trust")
        assert (
            created.ods_code == "RX4" and created.system == world.system_a and created.place == world.place_a
        )
        assert AuditEvent.objects.filter(action="organisation.create", object_id=created.pk).exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"ods_code": "NOT-AN-ODS"}, "An ODS code is 3 to 6 capital letters and digits"),
            ({"ods_code": ""}, "Enter the ODS code of this nhs provider"),
            ({"cqc_location_id": "12345"}, "A CQC location ID looks like 1-123456789."),
            ({"ods_code": "RA1"}, "Alpha Hospital Trust already has the ODS code RA1."),
        ],
    )
    def test_bad_identifiers_are_refused_beside_the_field_and_nothing_is_saved(
        self, world, admin, changes, message
    ):
        before = Organisation.objects.count()
        form = organisation_form(name="New Trust", kind="provider", provider_type="acute", ods_code="RZZ")
        response = admin.post("/organisations/new/", {**form, **changes})
        page = body(response)
        assert response.status_code == 400
        assert "<title>Error:" in page and "There is a problem" in page
        assert message in page
        field = "cqc_location_id" if "cqc_location_id" in changes else "ods_code"
        assert f'href="#id_{field}"' in page and f'id="id_{field}-error"' in page
        assert Organisation.objects.count() == before

    def test_a_duplicate_cqc_location_id_names_who_has_it(self, world, admin):
        form = organisation_form(
            name="Another agency",
            kind="independent_care",
            provider_type="domiciliary_care",
            cqc_location_id="1-100000001",
        )
        response = admin.post("/organisations/new/", form)
        assert "Alpha Home Care Agency already has the CQC location ID 1-100000001." in body(response)
        assert not Organisation.objects.filter(name="Another agency").exists()


class TestOrganisationEdit:
    def test_it_saves_a_change(self, world, admin):
        response = admin.post(edit_url(world.org_a), organisation_form(world.org_a, name="Alpha Acute Trust"))
        assert response.status_code == 302
        world.org_a.refresh_from_db()
        assert world.org_a.name == "Alpha Acute Trust"
        assert AuditEvent.objects.filter(action="organisation.update", object_id=world.org_a.pk).exists()

    def test_the_page_carries_the_edit_version(self, world, admin):
        page = body(admin.get(edit_url(world.org_a)))
        assert f'name="version" value="{edit_version(world.org_a)}"' in page

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, admin):
        loaded = organisation_form(world.org_a)
        assert admin.post(edit_url(world.org_a), {**loaded, "name": "First change"}).status_code == 302
        stale = admin.post(edit_url(world.org_a), {**loaded, "name": "Second change"})
        page = body(stale)
        assert stale.status_code == 400
        assert "Someone else saved this record after you opened it" in page
        assert 'value="First change"' in page
        world.org_a.refresh_from_db()
        assert world.org_a.name == "First change"

    def test_a_system_is_put_in_a_region_and_listed_there(self, world, admin):
        midlands = Region.objects.get(code="Y60")
        response = admin.post(edit_url(world.system_b), organisation_form(world.system_b, region=midlands.pk))
        assert response.status_code == 302
        world.system_b.refresh_from_db()
        assert world.system_b.region == midlands
        assert "Beta ICS" in body(admin.get(f"/regions/{midlands.pk}/"))

    def test_a_provider_cannot_have_a_region_and_nothing_changes(self, world, admin):
        response = admin.post(edit_url(world.org_a), organisation_form(world.org_a, region=world.region_a.pk))
        assert response.status_code == 400 and "Only a system belongs to a region" in body(response)
        world.org_a.refresh_from_db()
        assert world.org_a.region is None

    def test_a_system_with_members_cannot_stop_being_a_system(self, world, admin):
        form = organisation_form(world.system_a, kind="vcse", ods_code="")
        response = admin.post(edit_url(world.system_a), form)
        assert "Move them to another system" in body(response)
        world.system_a.refresh_from_db()
        assert world.system_a.kind == "system"


class TestRegions:
    def test_the_seven_regions_are_listed_with_their_systems_and_places(self, world, admin):
        page = body(admin.get("/regions/"))
        assert Region.objects.count() == 7
        for region in Region.objects.all():
            assert region.name in page
        assert "Alpha ICS" in page and "Alpha Place Alliance" in page

    def test_a_system_without_a_region_is_listed_apart(self, world, admin):
        Organisation.objects.create(kind="system", name="Gamma ICS", ods_code="QG1")
        page = body(admin.get("/regions/"))
        unplaced = page.split("Systems without a region")[1]
        assert "Gamma ICS" in unplaced and "Alpha ICS" not in unplaced

    def test_a_region_shows_its_systems(self, world, admin):
        page = body(admin.get(f"/regions/{world.region_a.pk}/"))
        assert "South West" in page and "Alpha ICS" in page and "Beta ICS" not in page


class TestPlaces:
    def test_the_places_page_lists_places_with_what_belongs_to_them(self, world, admin):
        page = body(admin.get(f"/systems/{world.system_a.pk}/places/"))
        assert "Alpha Place Alliance" in page and "1 project" in page

    def test_it_adds_a_place(self, world, admin):
        response = admin.post(f"/systems/{world.system_a.pk}/places/new/", {"name": " Alpha South "})
        assert response.status_code == 302
        place = Place.objects.get(system=world.system_a, name="Alpha South")
        assert AuditEvent.objects.filter(action="place.create", object_id=place.pk).exists()

    def test_a_duplicate_name_in_the_system_is_refused(self, world, admin):
        response = admin.post(f"/systems/{world.system_a.pk}/places/new/", {"name": "alpha place alliance"})
        page = body(response)
        assert response.status_code == 400
        assert "Alpha ICS already has a place called alpha place alliance." in page
        assert 'href="#id_name"' in page
        assert Place.objects.filter(system=world.system_a).count() == 1

    def test_the_same_name_in_another_system_is_fine(self, world, admin):
        response = admin.post(f"/systems/{world.system_b.pk}/places/new/", {"name": "Alpha Place Alliance"})
        assert response.status_code == 302
        assert Place.objects.filter(system=world.system_b, name="Alpha Place Alliance").exists()

    def test_a_place_is_renamed(self, world, admin):
        place = world.place_a
        data = {"version": edit_version(place), "name": "Alpha Central"}
        response = admin.post(f"/places/{place.pk}/edit/", data)
        assert response.status_code == 302
        place.refresh_from_db()
        assert place.name == "Alpha Central"

    def test_a_stale_rename_is_refused(self, world, admin):
        place = world.place_a
        version = edit_version(place)
        admin.post(f"/places/{place.pk}/edit/", {"version": version, "name": "Alpha Central"})
        stale = admin.post(f"/places/{place.pk}/edit/", {"version": version, "name": "Alpha East"})
        assert "Someone else saved this record" in body(stale)
        place.refresh_from_db()
        assert place.name == "Alpha Central"

    def test_renaming_to_a_name_taken_in_the_system_is_refused(self, world, admin, spare_place):
        data = {"version": edit_version(spare_place), "name": "Alpha Place Alliance"}
        response = admin.post(f"/places/{spare_place.pk}/edit/", data)
        assert "already has a place called" in body(response)
        spare_place.refresh_from_db()
        assert spare_place.name == "Alpha North Locality"

    def test_a_place_shows_its_organisations(self, world, admin):
        Organisation.objects.filter(pk=world.partner_org_a.pk).update(place=world.place_a)
        page = body(admin.get(f"/places/{world.place_a.pk}/"))
        assert "Alpha Home Care Agency" in page and "1 organisation and 1 project" in page

    def test_a_place_in_use_is_not_removed(self, world, admin):
        response = admin.post(f"/places/{world.place_a.pk}/delete/", follow=True)
        assert "Alpha Place Alliance cannot be removed: 1 project belong to it." in body(response)
        assert Place.objects.filter(pk=world.place_a.pk).exists()

    def test_a_place_nothing_belongs_to_is_removed(self, world, admin, spare_place):
        response = admin.post(f"/places/{spare_place.pk}/delete/")
        assert response.status_code == 302
        assert not Place.objects.filter(pk=spare_place.pk).exists()
        assert AuditEvent.objects.filter(action="place.delete", object_id=spare_place.pk).exists()


def page_urls(world) -> list[str]:
    return [
        "/organisations/",
        "/organisations/new/",
        edit_url(world.org_a),
        "/regions/",
        f"/regions/{world.region_a.pk}/",
        f"/systems/{world.system_a.pk}/places/",
        f"/places/{world.place_a.pk}/",
        f"/places/{world.place_a.pk}/edit/",
    ]


class TestOnlyProgrammeAdmins:
    @pytest.mark.parametrize("persona", ["a_member", "coach_1", "a_admin", "a_viewer", "a_region_viewer"])
    def test_the_pages_are_not_found_by_anyone_else(self, world, client_of, persona):
        client = client_of(getattr(world, persona))
        for url in page_urls(world):
            assert client.get(url).status_code == 404, url

    @pytest.mark.parametrize("persona", ["a_member", "coach_1"])
    def test_their_posts_change_nothing(self, world, client_of, persona, spare_place):
        client = client_of(getattr(world, persona))
        form = organisation_form(name="Sneaky Trust", kind="vcse")
        assert client.post("/organisations/new/", form).status_code == 404
        assert client.post(edit_url(world.org_a), organisation_form(world.org_a, name="X")).status_code == 404
        assert client.post(f"/systems/{world.system_a.pk}/places/new/", {"name": "X"}).status_code == 404
        assert client.post(f"/places/{spare_place.pk}/delete/").status_code == 404
        assert not Organisation.objects.filter(name__in=["Sneaky Trust", "X"]).exists()
        assert Place.objects.filter(pk=spare_place.pk).exists()
        assert not Place.objects.filter(name="X").exists()


# --- API ----------------------------------------------------------------------------------------------


class TestOrganisationsApi:
    def test_it_lists_and_filters(self, world, api):
        client = api(world.programme_admin)
        names = [row["name"] for row in client.get("/api/v1/organisations/?kind=system").json()["results"]]
        assert names == ["Alpha ICS", "Beta ICS"]
        rows = client.get(f"/api/v1/organisations/?system={world.system_b.pk}").json()["results"]
        assert {row["name"] for row in rows} == {"Beta ICS", "Beta Community Trust"}

    def test_it_creates_and_refuses_a_duplicate(self, world, api):
        client = api(world.programme_admin)
        data = {"name": "Gamma ICS", "kind": "system", "ods_code": "qg1", "region": str(world.region_a.pk)}
        created = client.post("/api/v1/organisations/", data, content_type="application/json")
        assert created.status_code == 201, created.content
        assert created.json()["ods_code"] == "QG1"
        assert Organisation.objects.get(ods_code="QG1").region == world.region_a
        again = client.post(
            "/api/v1/organisations/", {**data, "name": "Gamma again"}, content_type="application/json"
        )
        assert again.status_code == 400
        assert "Gamma ICS already has the ODS code QG1" in again.json()["ods_code"][0]
        assert not Organisation.objects.filter(name="Gamma again").exists()

    def test_an_unknown_system_is_refused(self, world, api):
        data = {"name": "Odd", "kind": "vcse", "system": str(world.org_a.pk)}  # a provider, not a system
        response = api(world.programme_admin).post(
            "/api/v1/organisations/", data, content_type="application/json"
        )
        assert response.status_code == 400 and response.json() == {"system": ["No such system"]}
        assert not Organisation.objects.filter(name="Odd").exists()

    def test_it_updates_and_answers_409_on_a_stale_version(self, world, api):
        client = api(world.programme_admin)
        url = f"/api/v1/organisations/{world.system_b.pk}/"
        version = client.get(url).json()["version"]
        midlands = Region.objects.get(code="Y60")
        changed = client.patch(
            url, {"version": version, "region": str(midlands.pk)}, content_type="application/json"
        )
        assert changed.status_code == 200 and changed.json()["region"] == str(midlands.pk)
        stale = client.patch(url, {"version": version, "name": "Old news"}, content_type="application/json")
        assert stale.status_code == 409
        world.system_b.refresh_from_db()
        assert world.system_b.region == midlands and world.system_b.name == "Beta ICS"

    @pytest.mark.parametrize("persona", ["a_member", "coach_1", "a_region_viewer"])
    def test_it_is_not_found_by_anyone_else(self, world, api, persona):
        client = api(getattr(world, persona))
        assert client.get("/api/v1/organisations/").status_code == 404
        assert client.get(f"/api/v1/organisations/{world.org_a.pk}/").status_code == 404
        response = client.patch(
            f"/api/v1/organisations/{world.org_a.pk}/",
            {"version": edit_version(world.org_a), "name": "X"},
            content_type="application/json",
        )
        assert response.status_code == 404
        world.org_a.refresh_from_db()
        assert world.org_a.name == "Alpha Hospital Trust"


class TestRegionsApi:
    def test_a_programme_admin_reads_all_seven(self, world, api):
        rows = api(world.programme_admin).get("/api/v1/regions/").json()["results"]
        assert len(rows) == 7
        south_west = next(row for row in rows if row["code"] == "Y58")
        assert [system["name"] for system in south_west["systems"]] == ["Alpha ICS"]

    def test_a_regional_team_reads_only_its_own(self, world, api):
        client = api(world.a_region_viewer)
        rows = client.get("/api/v1/regions/").json()["results"]
        assert [row["id"] for row in rows] == [str(world.region_a.pk)]
        assert client.get(f"/api/v1/regions/{world.region_a.pk}/").status_code == 200
        assert client.get(f"/api/v1/regions/{world.region_b.pk}/").status_code == 404

    def test_nobody_else_reads_them(self, world, api):
        assert api(world.a_member).get("/api/v1/regions/").status_code == 404
        assert api(world.a_viewer).get(f"/api/v1/regions/{world.region_a.pk}/").status_code == 404


class TestPlacesApi:
    def test_a_reader_of_the_system_dashboard_lists_its_places(self, world, api):
        response = api(world.a_viewer).get(f"/api/v1/systems/{world.system_a.pk}/places/")
        assert response.status_code == 200
        assert [row["name"] for row in response.json()["results"]] == ["Alpha Place Alliance"]
        assert api(world.b_viewer).get(f"/api/v1/systems/{world.system_a.pk}/places/").status_code == 404
        assert api(world.a_member).get(f"/api/v1/systems/{world.system_a.pk}/places/").status_code == 404

    def test_only_a_programme_admin_adds_one(self, world, api):
        url = f"/api/v1/systems/{world.system_a.pk}/places/"
        refused = api(world.a_viewer).post(url, {"name": "Viewer place"}, content_type="application/json")
        assert refused.status_code == 404
        created = api(world.programme_admin).post(
            url, {"name": "Admin place"}, content_type="application/json"
        )
        assert created.status_code == 201 and created.json()["uses"]["in_use"] is False
        duplicate = api(world.programme_admin).post(
            url, {"name": "admin PLACE"}, content_type="application/json"
        )
        assert duplicate.status_code == 400 and "already has a place called" in duplicate.json()["name"][0]
        names = set(Place.objects.filter(system=world.system_a).values_list("name", flat=True))
        assert names == {"Admin place", "Alpha Place Alliance"}

    def test_a_place_is_renamed_and_a_stale_rename_answers_409(self, world, api):
        client = api(world.programme_admin)
        url = f"/api/v1/places/{world.place_a.pk}/"
        read = client.get(url).json()
        assert read["uses"] == {"organisations": 0, "projects": 1, "in_use": True}
        renamed = client.patch(
            url, {"version": read["version"], "name": "Alpha Central"}, content_type="application/json"
        )
        assert renamed.status_code == 200 and renamed.json()["name"] == "Alpha Central"
        stale = client.patch(
            url, {"version": read["version"], "name": "Alpha East"}, content_type="application/json"
        )
        assert stale.status_code == 409
        world.place_a.refresh_from_db()
        assert world.place_a.name == "Alpha Central"

    def test_a_place_in_use_is_not_deleted_and_an_unused_one_is(self, world, api, spare_place):
        client = api(world.programme_admin)
        refused = client.delete(f"/api/v1/places/{world.place_a.pk}/")
        assert refused.status_code == 400 and "cannot be removed" in refused.json()["non_field_errors"][0]
        assert Place.objects.filter(pk=world.place_a.pk).exists()
        assert client.delete(f"/api/v1/places/{spare_place.pk}/").status_code == 204
        assert not Place.objects.filter(pk=spare_place.pk).exists()

    @pytest.mark.parametrize("persona", ["a_member", "coach_1", "a_viewer"])
    def test_a_place_is_not_found_by_anyone_else(self, world, api, persona, spare_place):
        client = api(getattr(world, persona))
        assert client.get(f"/api/v1/places/{spare_place.pk}/").status_code == 404
        assert client.delete(f"/api/v1/places/{spare_place.pk}/").status_code == 404
        assert Place.objects.filter(pk=spare_place.pk).exists()


def test_the_schema_names_the_reference_data_serializers(client):
    schema = client.get("/api/schema/?format=json").json()
    for name in ("ReferenceOrganisationOutput", "ReferenceRegionOutput", "ReferencePlaceDetailOutput"):
        assert name in schema["components"]["schemas"]
    for path in (
        "/api/v1/organisations/",
        "/api/v1/organisations/{organisation_id}/",
        "/api/v1/regions/",
        "/api/v1/regions/{region_id}/",
        "/api/v1/systems/{system_id}/places/",
        "/api/v1/places/{place_id}/",
    ):
        assert path in schema["paths"]
