from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alwaysevents.models import AuditEvent
from coproduction.models import CandidateEvent, Statement

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_codesign")]


def url(world, name):
    return reverse(name, kwargs={"project_id": world.project_a.pk})


def future(days=200) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def choose_new_candidate(world) -> CandidateEvent:
    """A new chosen event with no statements yet (the world's chosen one already has them)."""
    CandidateEvent.objects.filter(pk=world.records_a.candidate.pk).update(chosen=False)
    return CandidateEvent.objects.create(
        organisation=world.org_a, project=world.project_a, title="I will always know who to call", chosen=True
    )


def statement_form(**changes):
    data = {
        "vision": "I will always know who to call when I get home",
        "aim_what": "Patients are given the number to call",
        "aim_for_whom": "patients discharged from ward 5",
        "aim_target_percent": "85",
        "aim_by_when": future(),
        "aim_time_window": "before they leave the ward",
    }
    data.update(changes)
    return data


class TestStatementPage:
    def test_it_shows_the_vision_and_the_aim_as_a_sentence(self, world, client_of):
        body = client_of(world.a_buddy).get(url(world, "statement_detail")).content.decode()
        assert "I will always be able to find my way" in body
        assert "Find the way for children and families, 90% of the time by 31 December 2026." in body
        assert "Change the statements" not in body

    def test_it_says_when_no_event_has_been_chosen(self, world, client_of, system_scope):
        CandidateEvent.objects.filter(pk=world.records_a.candidate.pk).update(chosen=False)
        body = client_of(world.a_member).get(url(world, "statement_detail")).content.decode()
        assert "has not chosen its Always Event yet" in body

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(url(world, "statement_detail")).status_code == 404


class TestStatementCreate:
    def test_it_writes_the_statements_for_the_chosen_event(self, world, client_of, system_scope):
        candidate = choose_new_candidate(world)
        response = client_of(world.a_member).post(url(world, "statement_edit"), statement_form())
        assert response.status_code == 302
        statement = Statement.objects.get(candidate=candidate)
        assert statement.aim_target_percent == 85 and statement.organisation == world.org_a
        assert statement.aim == (
            "Patients are given the number to call for patients discharged from ward 5, before they "
            f"leave the ward, 85% of the time by {statement.aim_by_when:%-d %B %Y}"
        )
        assert AuditEvent.objects.filter(action="statement.create").exists()

    def test_the_form_never_suggests_a_target(self, world, client_of, system_scope):
        choose_new_candidate(world)
        body = client_of(world.a_member).get(url(world, "statement_edit")).content.decode()
        assert 'name="aim_target_percent" type="number" value=""' in " ".join(body.split())
        assert "Start with &#39;I will always…&#39;" in body

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"vision": "Patients will always know who to call"}, "first person, starting with"),
            ({"aim_target_percent": ""}, "Enter the target percentage"),
            ({"aim_target_percent": "0"}, "Enter a target between 1% and 100%"),
            ({"aim_target_percent": "101"}, "Enter a target between 1% and 100%"),
            ({"aim_by_when": "2020-01-01"}, "must be in the future"),
            ({"aim_what": ""}, "Enter what the aim is"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_changes_nothing(
        self, world, client_of, system_scope, changes, message
    ):
        candidate = choose_new_candidate(world)
        response = client_of(world.a_member).post(url(world, "statement_edit"), statement_form(**changes))
        body = response.content.decode()
        assert message in body and "<title>Error: " in body
        assert not Statement.objects.filter(candidate=candidate).exists()

    def test_an_apostrophe_after_i_is_first_person(self, world, client_of, system_scope):
        candidate = choose_new_candidate(world)
        client_of(world.a_member).post(
            url(world, "statement_edit"), statement_form(vision="I\u2019ll always know who to call")
        )
        assert Statement.objects.filter(candidate=candidate).exists()

    def test_with_no_chosen_event_it_sends_the_team_to_the_candidates(self, world, client_of, system_scope):
        CandidateEvent.objects.filter(pk=world.records_a.candidate.pk).update(chosen=False)
        response = client_of(world.a_member).post(url(world, "statement_edit"), statement_form())
        assert response.status_code == 302 and response["Location"] == url(world, "candidate_list")
        assert Statement.objects.count() == 2  # the two worlds' statements, nothing new


class TestStatementEdit:
    def form(self, **changes):
        data = statement_form(
            vision="I will always be able to find my way",
            aim_what="Find the way",
            aim_for_whom="children and families",
            aim_target_percent="90",
            aim_by_when="2026-12-31",
            aim_time_window="",
            version="1",
        )
        data.update(changes)
        return data

    def test_it_changes_the_aim(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            url(world, "statement_edit"), self.form(aim_target_percent="80")
        )
        assert response.status_code == 302
        statement = Statement.objects.get(pk=world.records_a.statement.pk)
        assert (statement.aim_target_percent, statement.version) == (80, 2)
        assert AuditEvent.objects.get(action="statement.update").changed_fields == ["aim_target_percent"]

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        client_of(world.a_partner).post(url(world, "statement_edit"), self.form(aim_for_whom="all families"))
        response = client_of(world.a_member).post(
            url(world, "statement_edit"), self.form(aim_target_percent="95")
        )
        body = response.content.decode()
        assert "Someone else saved this record" in body and "all families" in body
        statement = Statement.objects.get(pk=world.records_a.statement.pk)
        assert (statement.aim_for_whom, statement.aim_target_percent) == ("all families", 90)
        assert statement.aim_by_when == date(2026, 12, 31)

    def test_a_third_person_vision_is_refused(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            url(world, "statement_edit"), self.form(vision="Children will find their way")
        )
        assert "first person" in response.content.decode()
        assert Statement.objects.get(pk=world.records_a.statement.pk).version == 1

    @pytest.mark.parametrize("persona", ["a_buddy", "coach_1"])
    def test_supporters_cannot_edit(self, world, client_of, persona):
        client = client_of(getattr(world, persona))
        assert client.get(url(world, "statement_edit")).status_code == 403
        assert client.post(url(world, "statement_edit"), self.form()).status_code == 403

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).post(url(world, "statement_edit"), self.form()).status_code == 404
