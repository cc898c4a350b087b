"""The discovery API: responses, themes and collection links, scoped like the pages."""

import pytest
from django.test import Client

from accounts.services import api_token_create
from alwaysevents.models import AuditEvent
from coproduction.models import CollectionLink, Response, ResponseTheme, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_discovery")]

NHS_NUMBER = "943 476 5919"


@pytest.fixture
def api():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


def base(world) -> str:
    return f"/api/v1/projects/{world.project_a.pk}"


def new_response(**changes) -> dict:
    data = {"method": "survey", "collected_on": "2026-03-02", "respondent": "patient", "text": "Clear signs"}
    data.update(changes)
    return data


class TestResponsesApi:
    def test_it_lists_responses_with_their_themes(self, world, api):
        body = api(world.a_buddy).get(f"{base(world)}/responses/").json()
        assert body["count"] == 1
        item = body["results"][0]
        assert item["text"] == "Knowing where to go" and item["themes"] == [str(world.records_a.theme.pk)]
        assert item["project"] == str(world.project_a.pk)

    def test_it_filters(self, world, api, system_scope):
        Response.objects.create(
            organisation=world.org_a,
            project=world.project_a,
            method="workshop",
            collected_on="2026-04-01",
            text="Parking",
        )
        client = api(world.a_member)

        def texts(query):
            return [r["text"] for r in client.get(f"{base(world)}/responses/", query).json()["results"]]

        assert texts({"theme": "untagged"}) == ["Parking"]
        assert texts({"theme": str(world.records_a.theme.pk)}) == ["Knowing where to go"]
        assert texts({"method": "workshop"}) == ["Parking"]
        assert texts({"respondent": "carer"}) == ["Knowing where to go"]
        assert texts({"date_from": "2026-03-01"}) == ["Parking"]
        assert (
            client.get(f"{base(world)}/responses/", {"theme": str(world.records_b.theme.pk)}).status_code
            == 400
        )
        assert (
            client.get(
                f"{base(world)}/responses/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}
            ).status_code
            == 400
        )

    def test_flagged_words_are_withheld_from_readers(self, world, api, system_scope):
        created = api(world.a_member).post(
            f"{base(world)}/responses/",
            new_response(text=f"NHS number {NHS_NUMBER}"),
            content_type="application/json",
        )
        assert created.status_code == 201
        data = created.json()
        assert data["identifier_flags"] == ["nhs_number"] and data["text"] == f"NHS number {NHS_NUMBER}"
        for reader in (world.a_buddy, world.coach_1, world.a_viewer):
            detail = api(reader).get(f"{base(world)}/responses/{data['id']}/")
            assert NHS_NUMBER not in detail.content.decode()
            assert detail.json()["text"] is None and detail.json()["text_hidden"] is True
            assert NHS_NUMBER not in api(reader).get(f"{base(world)}/responses/").content.decode()

    def test_it_creates_a_response_and_refuses_bad_input(self, world, api, system_scope):
        client = api(world.a_member)
        response = client.post(f"{base(world)}/responses/", new_response(), content_type="application/json")
        assert response.status_code == 201
        saved = Response.objects.get(pk=response.json()["id"])
        assert saved.organisation == world.org_a and saved.project == world.project_a
        bad = client.post(
            f"{base(world)}/responses/",
            new_response(text="", method="shout"),
            content_type="application/json",
        )
        assert bad.status_code == 400 and set(bad.json()) >= {"text", "method"}
        assert Response.objects.filter(project=world.project_a).count() == 2

    def test_it_patches_words_and_themes_and_refuses_a_stale_patch(self, world, api, system_scope):
        url = f"{base(world)}/responses/{world.records_a.response.pk}/"
        client = api(world.a_member)
        response = client.patch(
            url, {"version": 1, "text": "Knowing the way", "themes": []}, content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["text"] == "Knowing the way" and response.json()["themes"] == []
        assert response.json()["version"] == 3
        stale = client.patch(url, {"version": 1, "text": "Old"}, content_type="application/json")
        assert stale.status_code == 409
        assert Response.objects.get(pk=world.records_a.response.pk).text == "Knowing the way"
        other_theme = client.patch(
            url, {"version": 3, "themes": [str(world.records_b.theme.pk)]}, content_type="application/json"
        )
        assert other_theme.status_code == 400

    def test_readers_cannot_write(self, world, api, system_scope):
        url = f"{base(world)}/responses/{world.records_a.response.pk}/"
        assert (
            api(world.a_buddy)
            .patch(url, {"version": 1, "text": "x"}, content_type="application/json")
            .status_code
            == 403
        )
        assert (
            api(world.coach_1)
            .post(f"{base(world)}/responses/", new_response(), content_type="application/json")
            .status_code
            == 403
        )
        assert Response.objects.filter(project=world.project_a).count() == 1

    def test_it_is_not_found_for_another_organisation(self, world, api):
        url = f"{base(world)}/responses/{world.records_a.response.pk}/"
        assert api(world.b_member).get(url).status_code == 404
        assert (
            api(world.b_member).patch(url, {"version": 1}, content_type="application/json").status_code == 404
        )
        assert (
            api(world.a_member).get(f"{base(world)}/responses/{world.records_b.response.pk}/").status_code
            == 404
        )


class TestThemesApi:
    def test_it_lists_themes_with_counts_and_quotes(self, world, api):
        body = api(world.coach_1).get(f"{base(world)}/themes/").json()
        assert body["results"] == [
            {
                "id": str(world.records_a.theme.pk),
                "project": str(world.project_a.pk),
                "name": "Finding the way",
                "description": "",
                "version": 1,
                "response_count": 1,
                "quotes": ["Knowing where to go"],
            }
        ]

    def test_it_creates_and_renames_a_theme(self, world, api, system_scope):
        client = api(world.a_member)
        created = client.post(f"{base(world)}/themes/", {"name": "Waiting"}, content_type="application/json")
        assert created.status_code == 201
        duplicate = client.post(
            f"{base(world)}/themes/", {"name": "waiting"}, content_type="application/json"
        )
        assert duplicate.status_code == 400 and "name" in duplicate.json()
        url = f"{base(world)}/themes/{created.json()['id']}/"
        renamed = client.patch(url, {"version": 1, "name": "Waiting times"}, content_type="application/json")
        assert renamed.status_code == 200 and renamed.json()["name"] == "Waiting times"
        assert (
            client.patch(url, {"version": 1, "name": "Queues"}, content_type="application/json").status_code
            == 409
        )
        assert Theme.objects.get(pk=created.json()["id"]).name == "Waiting times"

    def test_it_merges_a_theme(self, world, api, system_scope):
        target = Theme.objects.create(organisation=world.org_a, project=world.project_a, name="Signs")
        url = f"{base(world)}/themes/{world.records_a.theme.pk}/merge/"
        options = api(world.a_member).get(url).json()
        assert options["tagged_count"] == 1 and [theme["name"] for theme in options["targets"]] == ["Signs"]
        merged = api(world.a_member).post(url, {"into": str(target.pk)}, content_type="application/json")
        assert merged.status_code == 200 and merged.json()["id"] == str(target.pk)
        assert list(
            ResponseTheme.objects.filter(project=world.project_a).values_list("theme_id", flat=True)
        ) == [target.pk]
        assert not Theme.objects.filter(pk=world.records_a.theme.pk).exists()
        assert AuditEvent.objects.filter(action="theme.merge").exists()

    def test_merging_into_another_projects_theme_is_refused(self, world, api, system_scope):
        url = f"{base(world)}/themes/{world.records_a.theme.pk}/merge/"
        response = api(world.a_member).post(
            url, {"into": str(world.records_b.theme.pk)}, content_type="application/json"
        )
        assert response.status_code == 400
        assert Theme.objects.filter(pk=world.records_a.theme.pk).exists()

    def test_a_buddy_cannot_change_themes(self, world, api):
        url = f"{base(world)}/themes/{world.records_a.theme.pk}/"
        assert (
            api(world.a_buddy)
            .patch(url, {"version": 1, "name": "X"}, content_type="application/json")
            .status_code
            == 403
        )
        assert (
            api(world.a_buddy)
            .post(f"{url}merge/", {"into": str(world.records_a.theme.pk)}, content_type="application/json")
            .status_code
            == 403
        )

    def test_it_is_not_found_for_another_organisation(self, world, api):
        assert (
            api(world.b_viewer).get(f"{base(world)}/themes/{world.records_a.theme.pk}/merge/").status_code
            == 404
        )


class TestCollectionLinksApi:
    def test_the_team_lists_opens_and_closes_links(self, world, api, system_scope, settings):
        settings.SITE_URL = "https://always.example.org"
        client = api(world.a_member)
        listed = client.get(f"{base(world)}/links/").json()["results"]
        assert listed[0]["public_url"] == f"https://always.example.org/r/{world.records_a.link.code}/"
        created = client.post(f"{base(world)}/links/", {"setting": "Ward 3"}, content_type="application/json")
        assert created.status_code == 201 and created.json()["question"] == "What matters to you?"
        url = f"{base(world)}/links/{created.json()['id']}/"
        closed = client.patch(url, {"version": 1, "is_open": False}, content_type="application/json")
        assert closed.status_code == 200 and closed.json()["is_open"] is False
        assert (
            client.patch(url, {"version": 1, "is_open": True}, content_type="application/json").status_code
            == 409
        )
        assert not CollectionLink.objects.get(pk=created.json()["id"]).is_open

    def test_links_are_the_teams_only(self, world, api, system_scope):
        url = f"{base(world)}/links/{world.records_a.link.pk}/"
        assert api(world.a_buddy).get(f"{base(world)}/links/").status_code == 403
        assert (
            api(world.coach_1)
            .patch(url, {"version": 1, "is_open": False}, content_type="application/json")
            .status_code
            == 403
        )
        assert CollectionLink.objects.get(pk=world.records_a.link.pk).is_open

    def test_it_is_not_found_for_another_organisation(self, world, api):
        assert api(world.b_member).get(f"{base(world)}/links/{world.records_a.link.pk}/").status_code == 404
        assert api(world.a_member).get(f"{base(world)}/links/{world.records_b.link.pk}/").status_code == 404
