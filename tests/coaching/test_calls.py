from datetime import timedelta

import pytest
from django.utils import timezone

from alwaysevents.models import AuditEvent
from coaching.models import CallAction, CoachingCall

from .helpers import make_call

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]


def calls_url(world, project=None) -> str:
    return f"/projects/{(project or world.project_a).pk}/calls/"


def call_url(call, suffix: str = "") -> str:
    return f"/projects/{call.project_id}/calls/{call.pk}/{suffix}"


def when(days: int = 1) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form(**changes) -> dict:
    data = {"kind": "coaching", "scheduled_for": when(), "attendees": "Ana\nBen", "notes": ""}
    data.update(changes)
    return data


class TestScheduling:
    def test_a_coach_schedules_a_call_with_a_first_action(self, world, client_of, system_scope):
        response = client_of(world.coach_1).post(
            calls_url(world) + "new/", form(action_text="Share the run chart", action_owner="Ana")
        )
        assert response.status_code == 302
        call = CoachingCall.objects.get()
        assert (call.project, call.organisation, call.kind) == (world.project_a, world.org_a, "coaching")
        assert CallAction.objects.get().text == "Share the run chart"
        assert AuditEvent.objects.filter(action="call.create", actor=world.coach_1).exists()
        assert response["Location"] == call_url(call)

    def test_a_programme_admin_may_schedule_too(self, world, client_of, system_scope):
        response = client_of(world.programme_admin).post(calls_url(world) + "new/", form(kind="site_visit"))
        assert response.status_code == 302 and CoachingCall.objects.get().kind == "site_visit"

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.coach_1).post(
            calls_url(world) + "new/", form(scheduled_for="tomorrow", action_owner="Ana")
        )
        body = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in body
        assert "Enter a real date and time" in body and "Enter the action, or leave" in body
        assert not CoachingCall.objects.exists()

    @pytest.mark.parametrize("persona", ["a_member", "a_admin", "a_buddy", "a_viewer"])
    def test_the_team_and_its_readers_cannot_schedule(self, world, client_of, persona, system_scope):
        client = client_of(getattr(world, persona))
        assert client.get(calls_url(world) + "new/").status_code == 403
        assert client.post(calls_url(world) + "new/", form()).status_code == 403
        assert not CoachingCall.objects.exists()

    def test_a_coach_of_another_cohort_gets_404(self, world, client_of):
        assert client_of(world.coach_2).get(calls_url(world) + "new/").status_code == 404


class TestReading:
    @pytest.mark.parametrize("persona", ["a_member", "a_partner", "a_buddy", "coach_1", "programme_admin"])
    def test_the_team_its_buddy_and_coaches_read_the_calls(self, world, client_of, persona):
        call = make_call(world.project_a, days=1, with_action=True)
        client = client_of(getattr(world, persona))
        assert call_url(call) in client.get(calls_url(world)).content.decode()
        detail = client.get(call_url(call)).content.decode()
        assert "Send the posters" in detail
        assert client.get(call_url(call, "pack/")).status_code == 200

    @pytest.mark.parametrize("persona", ["b_member", "b_buddy", "b_viewer", "coach_2", "nobody"])
    def test_outsiders_get_404(self, world, client_of, persona):
        call = make_call(world.project_a, days=1, with_action=True)
        client = client_of(getattr(world, persona))
        for url in (calls_url(world), call_url(call), call_url(call, "edit/"), call_url(call, "pack/")):
            assert client.get(url).status_code == 404, url

    def test_a_call_of_another_project_is_not_found_under_this_one(self, world, client_of):
        call_b = make_call(world.project_b, days=1)
        assert client_of(world.programme_admin).get(f"{calls_url(world)}{call_b.pk}/").status_code == 404

    def test_actions_not_done_are_carried_to_the_next_call(self, world, client_of, system_scope):
        earlier = make_call(world.project_a, days=-14, with_action=True)
        done = CallAction.objects.create(
            organisation=world.org_a,
            project=world.project_a,
            call=earlier,
            text="Done already",
            done_on=timezone.localdate(),
        )
        later = make_call(world.project_a, days=1)
        body = client_of(world.a_member).get(call_url(later)).content.decode()
        assert "Actions carried from earlier calls" in body and "Send the posters" in body
        assert done.text not in body


class TestEditing:
    def data(self, call, **changes) -> dict:
        return form(version=str(call.version), notes="Talked about the posters", **changes)

    def test_a_coach_records_notes_and_adds_an_action(self, world, client_of, system_scope):
        call = make_call(world.project_a, days=1)
        response = client_of(world.coach_1).post(
            call_url(call, "edit/"), self.data(call, action_text="Print more", action_due_on="2026-12-01")
        )
        assert response.status_code == 302
        call.refresh_from_db()
        assert (call.notes, call.version) == ("Talked about the posters", 2)
        assert CallAction.objects.get(call=call).due_on.isoformat() == "2026-12-01"

    def test_a_stale_edit_is_refused_and_shows_the_newer_values(self, world, client_of, system_scope):
        call = make_call(world.project_a, days=1)
        client_of(world.programme_admin).post(call_url(call, "edit/"), self.data(call, attendees="Admin"))
        response = client_of(world.coach_1).post(
            call_url(call, "edit/"), self.data(call, attendees="Coach", action_text="Lost?")
        )
        body = response.content.decode()
        assert response.status_code == 200 and "Someone else saved this record" in body
        assert 'name="version" value="2"' in body and "Admin" in body
        call.refresh_from_db()
        assert call.attendees == "Admin" and not CallAction.objects.filter(call=call).exists()

    @pytest.mark.parametrize("persona", ["a_member", "a_buddy", "a_admin"])
    def test_the_team_and_buddy_cannot_edit(self, world, client_of, persona, system_scope):
        call = make_call(world.project_a, days=1)
        client = client_of(getattr(world, persona))
        assert client.get(call_url(call, "edit/")).status_code == 403
        assert client.post(call_url(call, "edit/"), self.data(call)).status_code == 403
        call.refresh_from_db()
        assert call.version == 1


class TestActionsDone:
    def url(self, action) -> str:
        return f"/projects/{action.project_id}/actions/{action.pk}/done/"

    @pytest.mark.parametrize("persona", ["a_member", "a_partner", "coach_1"])
    def test_the_team_and_the_coach_tick_an_action_done(self, world, client_of, persona, system_scope):
        call = make_call(world.project_a, days=1, with_action=True)
        action = CallAction.objects.get(call=call)
        response = client_of(getattr(world, persona)).post(self.url(action))
        assert response.status_code == 302 and response["Location"] == call_url(call)
        action.refresh_from_db()
        assert action.done_on == timezone.localdate()
        assert AuditEvent.objects.filter(action="call_action.done").count() == 1

    def test_a_future_date_is_refused(self, world, client_of, system_scope):
        action = CallAction.objects.get(call=make_call(world.project_a, days=1, with_action=True))
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        client_of(world.a_member).post(self.url(action), {"done_on": tomorrow})
        action.refresh_from_db()
        assert action.done_on is None

    def test_a_buddy_cannot_tick_and_an_outsider_gets_404(self, world, client_of, system_scope):
        action = CallAction.objects.get(call=make_call(world.project_a, days=1, with_action=True))
        assert client_of(world.a_buddy).post(self.url(action)).status_code == 403
        assert client_of(world.b_member).post(self.url(action)).status_code == 404
        assert client_of(world.a_member).get(self.url(action)).status_code == 405
        action.refresh_from_db()
        assert action.done_on is None


class TestPack:
    def test_the_pack_shows_phase_aim_cycles_actions_and_comments(self, world, client_of, system_scope):
        make_call(world.project_a, days=-30, with_action=True)
        call = make_call(world.project_a, days=1)
        body = client_of(world.coach_1).get(call_url(call, "pack/")).content.decode()
        assert world.project_a.phase.name in body
        assert "Found the way without asking" in body and "<svg" in body
        assert "Painted bones" in body  # the cycle was created after the earlier call
        assert "Send the posters" in body  # carried from the earlier call
        assert "Looks good @lead" in body
