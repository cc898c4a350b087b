from datetime import date

import pytest
from django.urls import reverse

from alwaysevents.models import AuditEvent
from coproduction.models import ChangeIdeaSession, CoDesignSession, SessionAttendance, TeamMember

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_codesign")]


def url(world, name, **kwargs):
    return reverse(name, kwargs={"project_id": world.project_a.pk, **kwargs})


def staff_member(world, **fields):
    return TeamMember.objects.create(
        organisation=world.org_a, project=world.project_a, role="staff", name="Dr Jones", **fields
    )


class TestSessionCreate:
    def form(self, world, **changes):
        data = {
            "held_on": "2026-04-02",
            "title": "Second workshop",
            "attendees": [str(world.records_a.member.pk)],
            "notes": "Talked about signs",
            "decisions": "Screen three candidates",
        }
        data.update(changes)
        return data

    def test_it_records_a_session_with_its_attendees(self, world, client_of, system_scope):
        staff = staff_member(world)
        response = client_of(world.a_member).post(
            url(world, "session_create"),
            self.form(world, attendees=[str(world.records_a.member.pk), str(staff.pk)]),
        )
        session = CoDesignSession.objects.get(title="Second workshop")
        assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/")
        assert session.held_on == date(2026, 4, 2) and session.organisation == world.org_a
        links = SessionAttendance.objects.filter(session=session)
        assert {link.member_id for link in links} == {world.records_a.member.pk, staff.pk}
        assert {(link.organisation_id, link.project_id) for link in links} == {
            (world.org_a.pk, world.project_a.pk)
        }
        assert AuditEvent.objects.filter(action="session.create").exists()

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            url(world, "session_create"), self.form(world, held_on="31/31")
        )
        body = response.content.decode()
        assert "Enter a real date" in body and "<title>Error: " in body
        assert not CoDesignSession.objects.filter(title="Second workshop").exists()

    def test_an_inactive_member_or_another_projects_member_cannot_attend(
        self, world, client_of, system_scope
    ):
        inactive = staff_member(world, active=False)
        for member in (inactive, world.records_b.member):
            response = client_of(world.a_member).post(
                url(world, "session_create"), self.form(world, attendees=[str(member.pk)])
            )
            assert "Choose attendees from the project&#39;s active team members" in response.content.decode()
        assert not CoDesignSession.objects.filter(title="Second workshop").exists()

    def test_only_active_members_are_offered(self, world, client_of, system_scope):
        inactive = staff_member(world, active=False)
        body = client_of(world.a_member).get(url(world, "session_create")).content.decode()
        assert str(world.records_a.member.pk) in body and str(inactive.pk) not in body
        assert 'class="nhsuk-fieldset"' in body and "Who attended" in body

    def test_a_coach_cannot_record_a_session(self, world, client_of):
        assert client_of(world.coach_1).get(url(world, "session_create")).status_code == 403

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).post(url(world, "session_create"), {}).status_code == 404


class TestSessionPages:
    def test_the_list_shows_sessions(self, world, client_of):
        body = client_of(world.a_buddy).get(url(world, "session_list")).content.decode()
        assert "First workshop" in body and "1 March 2026" in body

    def test_the_detail_shows_attendees_and_what_the_session_produced(self, world, client_of, system_scope):
        records = world.records_a
        SessionAttendance.objects.create(
            organisation=world.org_a, project=world.project_a, session=records.session, member=records.member
        )
        records.candidate.session = records.session
        records.candidate.save()
        ChangeIdeaSession.objects.create(
            organisation=world.org_a,
            project=world.project_a,
            change_idea=records.idea,
            session=records.session,
        )
        body = client_of(world.a_buddy).get(url(world, "session_detail", session_id=records.session.pk)).text
        assert "Sam (carer)" in body
        assert "I will always know where to go" in body and "Painted bones on the floor" in body
        assert "Change this session" not in body

    def test_another_projects_session_is_not_found(self, world, client_of):
        assert (
            client_of(world.a_member)
            .get(url(world, "session_detail", session_id=world.records_b.session.pk))
            .status_code
            == 404
        )
        assert (
            client_of(world.b_member)
            .get(url(world, "session_detail", session_id=world.records_a.session.pk))
            .status_code
            == 404
        )


class TestSessionEdit:
    def edit_url(self, world):
        return url(world, "session_edit", session_id=world.records_a.session.pk)

    def form(self, world, **changes):
        data = {
            "held_on": "2026-03-01",
            "title": "First workshop",
            "notes": "",
            "decisions": "",
            "version": "1",
        }
        data.update(changes)
        return data

    def test_changing_only_the_attendees_is_a_new_version(self, world, client_of, system_scope):
        member = world.records_a.member
        response = client_of(world.a_member).post(
            self.edit_url(world), self.form(world, attendees=[str(member.pk)])
        )
        assert response.status_code == 302
        session = CoDesignSession.objects.get(pk=world.records_a.session.pk)
        assert session.version == 2 and list(session.attendees.all()) == [member]
        assert AuditEvent.objects.get(action="session.update").changed_fields == ["attendees"]

    def test_an_attendee_who_became_inactive_stays_on_the_session(self, world, client_of, system_scope):
        member = world.records_a.member
        SessionAttendance.objects.create(
            organisation=world.org_a, project=world.project_a, session=world.records_a.session, member=member
        )
        TeamMember.objects.filter(pk=member.pk).update(active=False)
        response = client_of(world.a_member).post(
            self.edit_url(world), self.form(world, attendees=[str(member.pk)], notes="Added notes")
        )
        assert response.status_code == 302
        session = CoDesignSession.objects.get(pk=world.records_a.session.pk)
        assert session.notes == "Added notes" and list(session.attendees.all()) == [member]

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        member = world.records_a.member
        client_of(world.a_partner).post(self.edit_url(world), self.form(world, attendees=[str(member.pk)]))
        response = client_of(world.a_member).post(self.edit_url(world), self.form(world, title="Renamed"))
        body = response.content.decode()
        assert "Someone else saved this record" in body
        assert f'value="{member.pk}" checked' in body and 'name="version" value="2"' in body
        assert CoDesignSession.objects.get(pk=world.records_a.session.pk).title == "First workshop"

    def test_a_buddy_cannot_edit(self, world, client_of):
        assert client_of(world.a_buddy).get(self.edit_url(world)).status_code == 403
        assert client_of(world.a_buddy).post(self.edit_url(world), self.form(world)).status_code == 403
