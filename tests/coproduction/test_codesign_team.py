import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import Access
from alwaysevents.models import AuditEvent
from coproduction.models import TeamMember
from coproduction.presenters.codesign import TeamBalance
from coproduction.services.codesign import team_member_create

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_codesign")]


def team_url(world, name="team_list", **kwargs):
    return reverse(name, kwargs={"project_id": world.project_a.pk, **kwargs})


def add(world, role, name="", consent=False, active=True):
    member = TeamMember.objects.create(
        organisation=world.org_a,
        project=world.project_a,
        role=role,
        name=name,
        consent_to_be_named=consent,
        active=active,
    )
    return member


class TestTeamBalance:
    def test_it_says_the_balance_in_plain_english(self):
        balance = TeamBalance(lived_experience=4, staff=5)
        assert balance.sentence == "4 of 9 members (44%) have lived experience; the aim is at least half"
        assert not balance.meets_aim
        assert balance.advice == "Add 1 more patient, carer or service user to reach it."

    def test_half_meets_the_aim(self):
        balance = TeamBalance(lived_experience=3, staff=3)
        assert (balance.percent, balance.meets_aim, balance.advice) == (
            50,
            True,
            "The team meets the 50:50 aim.",
        )

    def test_it_rounds_half_up_and_counts_what_is_missing(self):
        balance = TeamBalance(lived_experience=1, staff=7)
        assert balance.percent == 13
        assert balance.advice == "Add 6 more patients, carers or service users to reach it."

    def test_an_empty_team_has_no_percentage(self):
        balance = TeamBalance(lived_experience=0, staff=0)
        assert balance.percent == 0 and not balance.meets_aim
        assert "no active members" in balance.sentence


class TestTeamList:
    def test_it_shows_the_roster_and_the_live_balance_of_active_members(self, world, client_of, system_scope):
        # The world has one carer (Sam); add three staff, a patient, and an inactive carer who does not count.
        add(world, "staff", "Dr Jones")
        add(world, "lead", "Ann Lead")
        add(world, "executive_sponsor")
        add(world, "patient")
        add(world, "carer", active=False)
        body = client_of(world.a_buddy).get(team_url(world)).content.decode()
        assert "2 of 5 members (40%) have lived experience; the aim is at least half." in body
        assert "Sam" in body and "Patient partner" in body and "Inactive" in body
        assert "Add a team member" not in body  # the buddy reads only

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(team_url(world)).status_code == 404


class TestTeamMemberCreate:
    def test_it_adds_a_member_with_consent_and_audits_it(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            team_url(world, "team_member_create"),
            {
                "role": "patient",
                "name": "Priya",
                "consent_to_be_named": "on",
                "user": str(world.a_partner.pk),
            },
        )
        assert response.status_code == 302
        member = TeamMember.objects.get(project=world.project_a, name="Priya")
        assert (member.role, member.user, member.organisation) == ("patient", world.a_partner, world.org_a)
        assert AuditEvent.objects.filter(action="team_member.create", object_id=str(member.pk)).exists()

    def test_a_partner_without_consent_cannot_be_named(self, world, client_of, system_scope):
        before = TeamMember.objects.count()
        response = client_of(world.a_member).post(
            team_url(world, "team_member_create"), {"role": "carer", "name": "Priya"}
        )
        body = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in body
        assert "can be named only when they consent to be named" in body
        assert 'href="#id_name"' in body
        assert TeamMember.objects.count() == before

    def test_staff_may_be_named_without_the_consent_box(self, world, client_of, system_scope):
        client_of(world.a_member).post(
            team_url(world, "team_member_create"), {"role": "staff", "name": "Dr Jones"}
        )
        assert TeamMember.objects.filter(name="Dr Jones", role="staff").exists()

    def test_a_role_is_required(self, world, client_of, system_scope):
        body = client_of(world.a_member).post(team_url(world, "team_member_create"), {}).content.decode()
        assert "Choose the member&#39;s role on the team" in body and 'href="#id_role"' in body

    def test_only_accounts_that_can_see_the_project_can_be_linked(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            team_url(world, "team_member_create"), {"role": "staff", "user": str(world.b_member.pk)}
        )
        assert "Choose the account of someone who can see this project" in response.content.decode()
        assert not TeamMember.objects.filter(user=world.b_member).exists()
        options = client_of(world.a_member).get(team_url(world, "team_member_create")).content.decode()
        assert world.a_buddy.email in options and world.b_member.email not in options

    def test_the_service_refuses_a_name_without_consent(self, world, system_scope):
        with pytest.raises(ValidationError):
            team_member_create(
                access=Access.for_user(world.a_member), project=world.project_a, role="carer", name="Jo"
            )

    def test_the_service_refuses_a_buddy(self, world, system_scope):
        with pytest.raises(PermissionDenied):
            team_member_create(access=Access.for_user(world.a_buddy), project=world.project_a, role="staff")

    @pytest.mark.parametrize("persona", ["a_buddy", "coach_1", "a_viewer"])
    def test_people_who_support_the_team_cannot_add_members(self, world, client_of, persona):
        client = client_of(getattr(world, persona))
        assert client.get(team_url(world, "team_member_create")).status_code == 403
        assert client.post(team_url(world, "team_member_create"), {"role": "staff"}).status_code == 403

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        response = client_of(world.b_member).post(team_url(world, "team_member_create"), {"role": "staff"})
        assert response.status_code == 404


class TestTeamMemberEdit:
    def url(self, world):
        return team_url(world, "team_member_edit", member_id=world.records_a.member.pk)

    def form(self, **changes):
        data = {"role": "carer", "name": "Sam", "consent_to_be_named": "on", "active": "on", "version": "1"}
        data.update(changes)
        return {name: value for name, value in data.items() if value is not None}

    def test_it_marks_a_member_inactive(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), self.form(active=None))
        assert response.status_code == 302
        member = TeamMember.objects.get(pk=world.records_a.member.pk)
        assert (member.active, member.version) == (False, 2)
        assert AuditEvent.objects.get(action="team_member.update").changed_fields == ["active"]

    def test_withdrawing_consent_needs_the_name_removed(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), self.form(consent_to_be_named=None))
        assert "can be named only when they consent to be named" in response.content.decode()
        assert TeamMember.objects.get(pk=world.records_a.member.pk).consent_to_be_named is True

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        client_of(world.a_partner).post(self.url(world), self.form(name="Samira"))
        response = client_of(world.a_member).post(self.url(world), self.form(name="Sammy"))
        body = response.content.decode()
        assert "Someone else saved this record" in body and 'value="Samira"' in body
        assert 'name="version" value="2"' in body
        assert TeamMember.objects.get(pk=world.records_a.member.pk).name == "Samira"

    def test_a_buddy_cannot_edit(self, world, client_of):
        assert client_of(world.a_buddy).get(self.url(world)).status_code == 403

    def test_a_member_of_another_project_is_not_found(self, world, client_of):
        url = team_url(world, "team_member_edit", member_id=world.records_b.member.pk)
        assert client_of(world.a_member).get(url).status_code == 404
        assert client_of(world.b_member).get(self.url(world)).status_code == 404
