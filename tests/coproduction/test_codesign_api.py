import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import api_token_create
from coproduction.models import CandidateEvent, CoDesignSession, CriterionAssessment, Statement, TeamMember

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_codesign")]

CRITERIA = ("important", "evidence_based", "measurable", "affordable")


@pytest.fixture
def api_of():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


def base(world, project=None) -> str:
    return f"/api/v1/projects/{(project or world.project_a).pk}/"


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


class TestTeamApi:
    def test_it_lists_and_adds_members(self, world, api_of, system_scope):
        client = api_of(world.a_member)
        listed = client.get(base(world) + "team/").json()
        assert listed["count"] == 1 and listed["results"][0]["name"] == "Sam"
        response = post(
            client,
            base(world) + "team/",
            {"role": "staff", "name": "Dr Jones", "user": str(world.a_admin.pk)},
        )
        assert response.status_code == 201
        member = TeamMember.objects.get(pk=response.json()["id"])
        assert (member.user, member.organisation, member.has_lived_experience) == (
            world.a_admin,
            world.org_a,
            False,
        )

    def test_a_partner_without_consent_is_not_named(self, world, api_of, system_scope):
        response = post(api_of(world.a_member), base(world) + "team/", {"role": "patient", "name": "Jo"})
        assert response.status_code == 400 and "consent" in response.json()["name"][0]
        assert not TeamMember.objects.filter(name="Jo").exists()

    def test_an_account_that_cannot_see_the_project_is_refused(self, world, api_of, system_scope):
        response = post(
            api_of(world.a_member), base(world) + "team/", {"role": "staff", "user": str(world.nobody.pk)}
        )
        assert response.status_code == 400 and "user" in response.json()

    def test_it_updates_with_the_version_and_refuses_a_stale_one(self, world, api_of, system_scope):
        url = base(world) + f"team/{world.records_a.member.pk}/"
        client = api_of(world.a_member)
        response = patch(client, url, {"version": 1, "active": False})
        assert response.status_code == 200 and response.json()["version"] == 2
        assert patch(client, url, {"version": 1, "active": True}).status_code == 409
        assert TeamMember.objects.get(pk=world.records_a.member.pk).active is False

    def test_a_buddy_reads_but_cannot_write(self, world, api_of):
        client = api_of(world.a_buddy)
        assert client.get(base(world) + "team/").status_code == 200
        assert post(client, base(world) + "team/", {"role": "staff"}).status_code == 403
        url = base(world) + f"team/{world.records_a.member.pk}/"
        assert patch(client, url, {"version": 1, "active": False}).status_code == 403

    def test_another_organisation_gets_404(self, world, api_of):
        client = api_of(world.b_member)
        assert client.get(base(world) + "team/").status_code == 404
        assert client.get(base(world) + f"team/{world.records_a.member.pk}/").status_code == 404
        # A's member id under B's own project is not found either.
        assert (
            client.get(base(world, world.project_b) + f"team/{world.records_a.member.pk}/").status_code == 404
        )


class TestSessionApi:
    def test_it_creates_a_session_with_attendees_and_shows_what_it_produced(
        self, world, api_of, system_scope
    ):
        client = api_of(world.a_member)
        response = post(
            client,
            base(world) + "sessions/",
            {
                "held_on": "2026-04-02",
                "title": "Second workshop",
                "attendees": [str(world.records_a.member.pk)],
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["attendees"] == [str(world.records_a.member.pk)] and body["candidates"] == []
        CandidateEvent.objects.filter(pk=world.records_a.candidate.pk).update(session_id=body["id"])
        detail = client.get(base(world) + f"sessions/{body['id']}/").json()
        assert detail["candidates"] == [str(world.records_a.candidate.pk)]

    def test_another_projects_member_cannot_attend(self, world, api_of, system_scope):
        response = post(
            api_of(world.a_member),
            base(world) + "sessions/",
            {"held_on": "2026-04-02", "title": "Workshop", "attendees": [str(world.records_b.member.pk)]},
        )
        assert response.status_code == 400 and "attendees" in response.json()
        assert not CoDesignSession.objects.filter(title="Workshop").exists()

    def test_it_updates_and_refuses_a_stale_version(self, world, api_of, system_scope):
        url = base(world) + f"sessions/{world.records_a.session.pk}/"
        client = api_of(world.a_member)
        assert patch(client, url, {"version": 1, "decisions": "Choose wayfinding"}).status_code == 200
        assert patch(client, url, {"version": 1, "notes": "Late"}).status_code == 409
        assert CoDesignSession.objects.get(pk=world.records_a.session.pk).notes == ""

    def test_a_coach_cannot_write_and_another_organisation_gets_404(self, world, api_of):
        url = base(world) + f"sessions/{world.records_a.session.pk}/"
        assert patch(api_of(world.coach_1), url, {"version": 1, "notes": "x"}).status_code == 403
        assert api_of(world.b_member).get(url).status_code == 404


class TestCandidateApi:
    def test_the_output_nests_the_assessments(self, world, api_of):
        body = api_of(world.a_buddy).get(base(world) + f"candidates/{world.records_a.candidate.pk}/").json()
        assert (
            body["assessments"][0]["criterion"] == "important" and body["assessments"][0]["verdict"] == "met"
        )
        assert body["unmet_criteria"] == ["evidence_based", "measurable", "affordable"]
        assert body["chosen"] is True

    def test_it_creates_screens_shortlists_and_chooses(self, world, api_of, system_scope):
        client = api_of(world.a_member)
        created = post(
            client,
            base(world) + "candidates/",
            {"title": "I will always know who to call", "themes": [str(world.records_a.theme.pk)]},
        ).json()
        url = base(world) + f"candidates/{created['id']}/"
        choice = url + "choice/"
        assert client.get(choice).json() == {
            "candidate": created["id"],
            "chosen": False,
            "can_be_chosen": False,
            "unmet_criteria": list(CRITERIA),
        }
        refused = post(client, choice)
        assert refused.status_code == 400 and "four criteria" in json.dumps(refused.json())
        screened = patch(
            client,
            url,
            {
                "version": 1,
                "shortlisted": True,
                "assessments": [{"criterion": criterion, "verdict": "met"} for criterion in CRITERIA],
            },
        )
        assert screened.status_code == 200 and screened.json()["shortlisted"] is True
        assert len(screened.json()["assessments"]) == 4
        chosen = post(client, choice)
        assert chosen.status_code == 200 and chosen.json()["chosen"] is True
        chosen_ids = CandidateEvent.objects.filter(project=world.project_a, chosen=True).values_list(
            "pk", flat=True
        )
        assert [str(pk) for pk in chosen_ids] == [created["id"]]
        assert CandidateEvent.objects.get(pk=world.records_a.candidate.pk).chosen is False

    def test_a_failed_patch_changes_nothing(self, world, api_of, system_scope):
        url = base(world) + f"candidates/{world.records_a.candidate.pk}/"
        response = patch(
            api_of(world.a_member),
            url,
            {"version": 1, "title": "New", "session": str(world.records_b.session.pk)},
        )
        assert response.status_code == 400
        assert (
            CandidateEvent.objects.get(pk=world.records_a.candidate.pk).title
            == "I will always know where to go"
        )

    def test_a_stale_screening_is_refused(self, world, api_of, system_scope):
        url = base(world) + f"candidates/{world.records_a.candidate.pk}/"
        client = api_of(world.a_member)
        assert patch(client, url, {"version": 1, "title": "Renamed"}).status_code == 200
        stale = patch(
            client, url, {"version": 1, "assessments": [{"criterion": "measurable", "verdict": "met"}]}
        )
        assert stale.status_code == 409
        assert not CriterionAssessment.objects.filter(
            candidate=world.records_a.candidate, criterion="measurable"
        )

    def test_a_buddy_cannot_choose_and_another_organisation_gets_404(self, world, api_of):
        choice = base(world) + f"candidates/{world.records_a.candidate.pk}/choice/"
        assert post(api_of(world.a_buddy), choice).status_code == 403
        assert api_of(world.b_member).get(choice).status_code == 404
        assert post(api_of(world.b_member), choice).status_code == 404


class TestStatementApi:
    def test_it_reads_the_statement_with_its_aim_sentence(self, world, api_of):
        body = api_of(world.coach_1).get(base(world) + "statement/").json()
        assert body["vision"] == "I will always be able to find my way"
        assert body["aim"] == "Find the way for children and families, 90% of the time by 31 December 2026"

    def test_it_creates_the_statement_of_a_newly_chosen_event(self, world, api_of, system_scope):
        CandidateEvent.objects.filter(pk=world.records_a.candidate.pk).update(chosen=False)
        client = api_of(world.a_member)
        assert client.get(base(world) + "statement/").status_code == 404
        candidate = CandidateEvent.objects.create(
            organisation=world.org_a, project=world.project_a, title="I will always know", chosen=True
        )
        data = {
            "vision": "I will always know who to call",
            "aim_what": "Given the number",
            "aim_for_whom": "patients going home",
            "aim_by_when": (timezone.localdate() + timedelta(days=90)).isoformat(),
        }
        missing_target = post(client, base(world) + "statement/", data)
        assert missing_target.status_code == 400 and "aim_target_percent" in missing_target.json()
        third_person = post(
            client, base(world) + "statement/", {**data, "aim_target_percent": 80, "vision": "We"}
        )
        assert third_person.status_code == 400 and "vision" in third_person.json()
        created = post(client, base(world) + "statement/", {**data, "aim_target_percent": 80})
        assert (
            created.status_code == 201 and Statement.objects.get(candidate=candidate).aim_target_percent == 80
        )

    def test_it_updates_with_the_version(self, world, api_of, system_scope):
        client = api_of(world.a_member)
        assert (
            patch(client, base(world) + "statement/", {"version": 1, "aim_target_percent": 85}).status_code
            == 200
        )
        assert (
            patch(client, base(world) + "statement/", {"version": 1, "aim_target_percent": 70}).status_code
            == 409
        )
        bad = patch(client, base(world) + "statement/", {"version": 2, "aim_target_percent": 101})
        assert bad.status_code == 400
        assert Statement.objects.get(pk=world.records_a.statement.pk).aim_target_percent == 85

    def test_a_buddy_cannot_write_and_another_organisation_gets_404(self, world, api_of):
        assert patch(api_of(world.a_buddy), base(world) + "statement/", {"version": 1}).status_code == 403
        assert api_of(world.b_member).get(base(world) + "statement/").status_code == 404
