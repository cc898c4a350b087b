"""Calls held with a group of projects: one call per project sharing a group id, all or nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import api_token_create
from alwaysevents.models import AuditEvent
from coaching.models import CoachingCall
from tests.world import make_project

pytestmark = [pytest.mark.django_db]

NEW = "/calls/group/new/"


def when(days: int = 2) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form(*projects, **changes) -> dict:
    data = {
        "projects": [str(project.pk) for project in projects],
        "kind": "all_site",
        "scheduled_for": when(),
        "attendees": "Ana\nBen",
        "notes": "",
    }
    data.update(changes)
    return data


def call_url(call, suffix: str = "") -> str:
    return f"/projects/{call.project_id}/calls/{call.pk}/{suffix}"


@pytest.fixture
def api_of():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


class TestScheduling:
    def test_a_programme_admin_schedules_one_call_with_teams_of_two_organisations(
        self, world, client_of, system_scope
    ):
        response = client_of(world.programme_admin).post(NEW, form(world.project_a, world.project_b))
        calls = list(CoachingCall.objects.order_by("organisation__name"))
        assert [(call.project, call.organisation) for call in calls] == [
            (world.project_a, world.org_a),
            (world.project_b, world.org_b),
        ]
        assert calls[0].group_id is not None and calls[0].group_id == calls[1].group_id
        assert {call.kind for call in calls} == {"all_site"}
        assert response.status_code == 302 and response["Location"] in {call_url(call) for call in calls}
        assert AuditEvent.objects.filter(action="call.create", actor=world.programme_admin).count() == 2

    def test_a_coach_is_offered_only_the_projects_they_coach(self, world, client_of, system_scope):
        second = make_project(world.org_a, world.cohort_1, "Alpha second project", world.programme)
        page = client_of(world.coach_1).get(NEW).content.decode()
        assert "Alpha wayfinding project" in page and "Alpha second project" in page
        assert "Beta discharge project" not in page
        response = client_of(world.coach_1).post(NEW, form(world.project_a, world.project_b))
        assert response.status_code == 200 and "Choose projects from the list" in response.content.decode()
        assert not CoachingCall.objects.exists()
        response = client_of(world.coach_1).post(NEW, form(world.project_a, second))
        assert response.status_code == 302 and CoachingCall.objects.count() == 2

    def test_the_list_narrows_to_a_cohort(self, world, client_of):
        page = client_of(world.programme_admin).get(f"{NEW}?cohort={world.cohort_1.pk}").content.decode()
        assert "Show projects of" in page
        assert "Alpha wayfinding project" in page and "Beta discharge project" not in page

    def test_one_project_is_not_a_group(self, world, client_of, system_scope):
        response = client_of(world.programme_admin).post(NEW, form(world.project_a))
        body = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in body and "at least two projects" in body
        assert not CoachingCall.objects.exists()

    def test_bad_input_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.programme_admin).post(
            NEW, form(world.project_a, world.project_b, scheduled_for="soon")
        )
        assert "Enter a real date and time" in response.content.decode()
        assert not CoachingCall.objects.exists()

    @pytest.mark.parametrize("persona", ["a_member", "a_admin", "a_buddy", "a_viewer"])
    def test_the_page_does_not_exist_for_people_who_do_not_run_calls(self, world, client_of, persona):
        assert client_of(getattr(world, persona)).get(NEW).status_code == 404


class TestReadingAndMoving:
    @pytest.fixture
    def group(self, world, client_of, system_scope):
        client_of(world.programme_admin).post(NEW, form(world.project_a, world.project_b))
        return {call.project_id: call for call in CoachingCall.objects.all()}

    def test_each_team_sees_its_call_but_not_the_other_organisations_project(self, world, client_of, group):
        call_a = group[world.project_a.pk]
        page = client_of(world.a_member).get(call_url(call_a)).content.decode()
        assert "Beta discharge project" not in page
        page = client_of(world.programme_admin).get(call_url(call_a)).content.decode()
        assert "Group call" in page and "Beta discharge project" in page
        assert client_of(world.a_member).get(call_url(group[world.project_b.pk])).status_code == 404

    def test_moving_the_whole_group_moves_every_call(self, world, client_of, group, system_scope):
        call_a = group[world.project_a.pk]
        form_page = client_of(world.programme_admin).get(call_url(call_a, "edit/")).content.decode()
        assert form_page.count('name="whole_group"') == 1
        response = client_of(world.programme_admin).post(
            call_url(call_a, "edit/"),
            {**form(scheduled_for=when(5), kind="leadership"), "version": 1, "whole_group": "on"},
        )
        assert response.status_code == 302
        moved = {call.project_id: call for call in CoachingCall.objects.all()}
        assert moved[world.project_b.pk].kind == "leadership"
        assert moved[world.project_b.pk].scheduled_for == moved[world.project_a.pk].scheduled_for
        assert moved[world.project_b.pk].version == 2

    def test_moving_one_call_leaves_the_others(self, world, client_of, group, system_scope):
        call_a = group[world.project_a.pk]
        client_of(world.programme_admin).post(
            call_url(call_a, "edit/"), {**form(scheduled_for=when(5), kind="leadership"), "version": 1}
        )
        call_b = CoachingCall.objects.get(project=world.project_b)
        assert call_b.kind == "all_site" and call_b.version == 1

    def test_a_coach_moving_the_group_moves_only_calls_they_coach(
        self, world, client_of, group, system_scope
    ):
        call_a = group[world.project_a.pk]
        client_of(world.coach_1).post(
            call_url(call_a, "edit/"),
            {**form(scheduled_for=when(5), kind="leadership"), "version": 1, "whole_group": "on"},
        )
        assert CoachingCall.objects.get(project=world.project_a).kind == "leadership"
        assert CoachingCall.objects.get(project=world.project_b).kind == "all_site"


class TestApi:
    def body(self, *projects) -> dict:
        return {
            "projects": [str(project.pk) for project in projects],
            "call_type": "leadership",
            "scheduled_for": (timezone.now() + timedelta(days=3)).isoformat(),
        }

    def test_a_programme_admin_creates_a_group_call(self, world, api_of, system_scope):
        response = api_of(world.programme_admin).post(
            "/api/v1/calls/group/",
            self.body(world.project_a, world.project_b),
            content_type="application/json",
        )
        assert response.status_code == 201
        calls = response.json()
        assert len(calls) == 2 and calls[0]["group_id"] == calls[1]["group_id"] is not None
        assert CoachingCall.objects.count() == 2

    def test_a_project_out_of_scope_is_404_and_nothing_is_made(self, world, api_of, system_scope):
        response = api_of(world.coach_1).post(
            "/api/v1/calls/group/",
            self.body(world.project_a, world.project_b),
            content_type="application/json",
        )
        assert response.status_code == 404 and not CoachingCall.objects.exists()

    def test_a_reader_who_does_not_run_calls_finds_no_such_api(self, world, api_of, system_scope):
        second = make_project(world.org_a, world.cohort_1, "Alpha second project", world.programme)
        response = api_of(world.a_admin).post(
            "/api/v1/calls/group/", self.body(world.project_a, second), content_type="application/json"
        )
        assert response.status_code == 404 and not CoachingCall.objects.exists()

    def test_one_project_is_refused(self, world, api_of, system_scope):
        response = api_of(world.programme_admin).post(
            "/api/v1/calls/group/", self.body(world.project_a), content_type="application/json"
        )
        assert response.status_code == 400 and not CoachingCall.objects.exists()
