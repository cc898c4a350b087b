"""Partner organisations on a project (docs/adr/009-integrated-care.md): the lead's team adds and removes
them and their staff; a partner's staff work on that project alone; sessions, change ideas and cycles are
attributed to partners; the pages and the API share the services."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Role, RoleGrant
from accounts.services import api_token_create
from alwaysevents.models import AuditEvent
from coproduction.models import PdsaCycle, ProjectPartner
from programmes.models import Organisation
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


@pytest.fixture
def council(world):
    return Organisation.objects.create(
        kind="local_authority", name="Alpha Council adult social care", system=world.system_a
    )


def partners_url(world, project=None) -> str:
    return f"/projects/{(project or world.project_a).pk}/partners/"


API_CYCLE = {
    "objective": "Joint review through the API",
    "questions": [{"question": "Within a week?", "prediction": "Yes"}],
}


def cycle_plan(**changes) -> dict:
    data = {
        "objective": "Joint review of one person's care at home",
        "question_1": "Will the review happen within a week of discharge?",
        "prediction_1": "Yes",
        "question_2": "",
        "prediction_2": "",
        "question_3": "",
        "prediction_3": "",
    }
    data.update(changes)
    return data


class TestManagingPartners:
    def test_the_page_says_who_leads_and_what_partners_staff_may_do(self, world, client_of):
        body = client_of(world.a_member).get(partners_url(world)).content.decode()
        assert "<p>Alpha Hospital Trust leads this project with 1 partner organisation" in body
        assert "&lt;p&gt;" not in body

    def test_the_lead_team_adds_a_partner_and_it_is_listed(self, world, client_of, council, system_scope):
        client = client_of(world.a_member)
        response = client.post(
            partners_url(world) + "new/",
            {
                "partner_organisation": council.pk,
                "role_in_pathway": "Commissions care at home",
                "site_name": "",
                "joined_on": "2026-11-02",
            },
        )
        assert response.status_code == 302
        partner = ProjectPartner.objects.get(project=world.project_a, partner_organisation=council)
        assert partner.site_name == council.name  # a blank site is the organisation's name
        assert AuditEvent.objects.filter(action="project_partner.add", object_id=partner.pk).exists()
        page = client.get(partners_url(world)).content.decode()
        assert council.name in page and "Commissions care at home" in page
        assert "Alpha Carers Network" in page  # the removed partner stays listed, as past

    def test_a_system_and_an_existing_partner_are_refused(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        before = ProjectPartner.objects.count()
        for organisation in (world.system_a, world.partner_org_a):
            response = client.post(
                partners_url(world) + "new/",
                {"partner_organisation": organisation.pk, "role_in_pathway": "x", "joined_on": "2026-11-02"},
            )
            assert response.status_code == 200
            assert "Choose" in response.content.decode() or "already" in response.content.decode()
        assert ProjectPartner.objects.count() == before

    def test_bad_dates_change_nothing(self, world, client_of, system_scope):
        partner = world.partnership_a
        response = client_of(world.a_member).post(
            partners_url(world) + f"{partner.pk}/edit/",
            {
                "version": partner.version,
                "role_in_pathway": "Care at home",
                "site_name": partner.site_name,
                "joined_on": "2026-06-01",
                "left_on": "2026-05-01",
            },
        )
        assert "on or after the day it joined" in response.content.decode()
        partner.refresh_from_db()
        assert partner.left_on is None

    def test_a_stale_edit_is_detected(self, world, client_of, system_scope):
        partner = world.partnership_a
        form = {
            "version": partner.version,
            "role_in_pathway": "Visits at home",
            "site_name": partner.site_name,
            "joined_on": "2026-01-01",
        }
        client = client_of(world.a_member)
        assert client.post(partners_url(world) + f"{partner.pk}/edit/", form).status_code == 302
        stale = client.post(partners_url(world) + f"{partner.pk}/edit/", {**form, "role_in_pathway": "Other"})
        assert "Someone else saved this record" in stale.content.decode()
        partner.refresh_from_db()
        assert partner.role_in_pathway == "Visits at home"

    def test_a_partners_staff_may_not_manage_partners(self, world, client_of, council, system_scope):
        client = client_of(world.a_partner_staff)
        assert client.get(partners_url(world)).status_code == 200  # they see who the partners are
        assert client.get(partners_url(world) + "new/").status_code == 403
        response = client.post(partners_url(world) + f"{world.partnership_a.pk}/remove/")
        assert response.status_code == 403
        world.partnership_a.refresh_from_db()
        assert world.partnership_a.left_on is None

    def test_removing_a_partner_ends_its_staffs_access_at_once(self, world, client_of, system_scope):
        staff = client_of(world.a_partner_staff)
        cycle = staff.post(
            f"/projects/{world.project_a.pk}/ramps/{world.records_a.ramp.pk}/cycles/new/",
            cycle_plan(partners=[world.partnership_a.pk]),
        )
        assert cycle.status_code == 302
        written = PdsaCycle.objects.get(objective="Joint review of one person's care at home")
        lead = client_of(world.a_member)
        assert lead.get(partners_url(world) + f"{world.partnership_a.pk}/remove/").status_code == 200
        assert lead.post(partners_url(world) + f"{world.partnership_a.pk}/remove/").status_code == 302
        world.partnership_a.refresh_from_db()
        assert world.partnership_a.left_on == timezone.localdate()
        assert staff.get(f"/projects/{world.project_a.pk}/").status_code == 404
        # What they recorded stays, attributed to their organisation.
        assert list(written.partners.all()) == [world.partnership_a]


class TestPartnerStaff:
    def test_an_existing_user_is_given_the_project_at_once(self, world, client_of, system_scope):
        person = make_user("new.carer@example.org", None, None)
        response = client_of(world.a_member).post(
            partners_url(world) + f"{world.partnership_a.pk}/staff/", {"email": "New.Carer@example.org"}
        )
        assert response.status_code == 302
        grant = RoleGrant.objects.get(user=person, role=Role.PARTNER_STAFF)
        assert grant.partnership == world.partnership_a
        assert client_of(person).get(f"/projects/{world.project_a.pk}/").status_code == 200
        assert client_of(person).get(f"/projects/{world.project_a2.pk}/").status_code == 404

    def test_an_unknown_email_is_invited(self, world, client_of, system_scope):
        client_of(world.a_member).post(
            partners_url(world) + f"{world.partnership_a.pk}/staff/", {"email": "someone@agency.example"}
        )
        invitation = Invitation.objects.get(email="someone@agency.example")
        assert invitation.role == Role.PARTNER_STAFF

    def test_a_bad_email_is_a_message_and_changes_nothing(self, world, client_of, system_scope):
        before = RoleGrant.objects.count(), Invitation.objects.count()
        response = client_of(world.a_member).post(
            partners_url(world) + f"{world.partnership_a.pk}/staff/", {"email": "not an email"}
        )
        assert response.status_code == 400
        assert (RoleGrant.objects.count(), Invitation.objects.count()) == before

    def test_removing_a_staff_member_takes_the_project_away(self, world, client_of, system_scope):
        grant = world.a_partner_staff.grants.get()
        url = partners_url(world) + f"{world.partnership_a.pk}/staff/{grant.pk}/remove/"
        assert client_of(world.a_member).post(url).status_code == 302
        assert client_of(world.a_partner_staff).get(f"/projects/{world.project_a.pk}/").status_code == 404


class TestAttribution:
    def test_a_partners_own_cycle_is_theirs_unless_they_say_otherwise(
        self, world, client_of, api, system_scope
    ):
        url = f"/projects/{world.project_a.pk}/ramps/{world.records_a.ramp.pk}/cycles/new/"
        form = client_of(world.a_partner_staff).get(url).content.decode()
        own_box = re.search(rf'<input[^>]*value="{world.partnership_a.pk}"[^>]*>', form).group(0)
        assert "checked" in own_box  # ticked for them on the form
        lead_form = client_of(world.a_member).get(url).content.decode()
        assert "checked" not in re.search(
            rf'<input[^>]*value="{world.partnership_a.pk}"[^>]*>', lead_form
        ).group(0)
        created = api(world.a_partner_staff).post(
            f"/api/v1/projects/{world.project_a.pk}/cycles/",
            {"ramp": str(world.records_a.ramp.pk), **API_CYCLE},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        assert created.json()["partners"] == [str(world.partnership_a.pk)]  # and by default through the API

    def test_a_joint_review_is_attributed_to_two_partners(self, world, client_of, council, system_scope):
        second = ProjectPartner.objects.create(
            organisation=world.org_a,
            project=world.project_a,
            partner_organisation=council,
            role_in_pathway="Social work",
            site_name="Alpha Council",
            joined_on=timezone.localdate(),
        )
        url = f"/projects/{world.project_a.pk}/ramps/{world.records_a.ramp.pk}/cycles/new/"
        client_of(world.a_member).post(url, cycle_plan(partners=[world.partnership_a.pk, second.pk]))
        cycle = PdsaCycle.objects.get(objective="Joint review of one person's care at home")
        assert set(cycle.partners.all()) == {world.partnership_a, second}
        page = client_of(world.a_member).get(f"/projects/{world.project_a.pk}/cycles/{cycle.pk}/")
        assert "Alpha home visits" in page.content.decode() and "Alpha Council" in page.content.decode()

    def test_a_partner_of_another_project_is_refused(self, world, client_of, system_scope):
        other = ProjectPartner.objects.get(project=world.project_a2)
        url = f"/projects/{world.project_a.pk}/ramps/{world.records_a.ramp.pk}/cycles/new/"
        before = PdsaCycle.objects.count()
        response = client_of(world.a_member).post(url, cycle_plan(partners=[other.pk]))
        assert response.status_code == 200 and "Choose partners of this project" in response.content.decode()
        assert PdsaCycle.objects.count() == before

    def test_a_project_without_partners_offers_no_choice(self, world, client_of, system_scope):
        body = (
            client_of(world.b_member)
            .get(f"/projects/{world.project_b.pk}/change-ideas/new/")
            .content.decode()
        )
        assert "Partners it belongs to" not in body

    def test_a_session_and_an_idea_are_attributed_through_the_api(self, world, api, system_scope):
        client = api(world.a_member)
        base = f"/api/v1/projects/{world.project_a.pk}"
        session = client.post(
            f"{base}/sessions/",
            {"held_on": "2026-11-03", "title": "Joint review", "partners": [str(world.partnership_a.pk)]},
            content_type="application/json",
        )
        assert session.status_code == 201 and session.json()["partners"] == [str(world.partnership_a.pk)]
        idea = client.post(
            f"{base}/change-ideas/",
            {"title": "Shared care record", "partners": [str(world.partnership_a.pk)]},
            content_type="application/json",
        )
        assert idea.status_code == 201, idea.content
        assert idea.json()["partners"] == [str(world.partnership_a.pk)]
        changed = client.patch(
            f"{base}/change-ideas/{idea.json()['id']}/",
            {"version": idea.json()["version"], "partners": []},
            content_type="application/json",
        )
        assert changed.json()["partners"] == []


class TestPartnersApi:
    def test_the_lead_lists_adds_changes_and_removes_partners(self, world, api, council, system_scope):
        client = api(world.a_member)
        base = f"/api/v1/projects/{world.project_a.pk}/partners/"
        listed = client.get(base).json()
        assert {item["site_name"] for item in listed["results"]} == {
            "Alpha home visits",
            "Alpha Carers Network",
        }
        created = client.post(
            base,
            {"partner_organisation": str(council.pk), "role_in_pathway": "Social work"},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        partner = created.json()
        assert partner["is_current"] and partner["partner_organisation_kind"] == "local_authority"
        stale = client.patch(
            f"{base}{partner['id']}/",
            {"version": partner["version"] + 1, "role_in_pathway": "x"},
            content_type="application/json",
        )
        assert stale.status_code == 409
        removed = client.delete(f"{base}{partner['id']}/")
        assert removed.status_code == 200 and removed.json()["is_current"] is False

    def test_bad_input_answers_400_and_changes_nothing(self, world, api, system_scope):
        client = api(world.a_member)
        base = f"/api/v1/projects/{world.project_a.pk}/partners/"
        before = ProjectPartner.objects.count()
        for body in (
            {"partner_organisation": str(world.system_a.pk), "role_in_pathway": "Leads"},
            {"partner_organisation": str(world.partner_org_a.pk), "role_in_pathway": "Again"},
            {"role_in_pathway": "No organisation"},
        ):
            assert client.post(base, body, content_type="application/json").status_code == 400
        assert ProjectPartner.objects.count() == before

    def test_staff_are_listed_added_and_removed_by_the_lead_only(self, world, api, system_scope):
        base = f"/api/v1/projects/{world.project_a.pk}/partners/{world.partnership_a.pk}/staff/"
        lead = api(world.a_member)
        assert [row["email"] for row in lead.get(base).json()] == ["a.partner.staff@example.org"]
        assert api(world.a_partner_staff).get(base).status_code == 403
        added = lead.post(base, {"email": "another@agency.example"}, content_type="application/json")
        assert added.status_code == 201 and added.json()["status"] == "invited"
        grant = world.a_partner_staff.grants.get()
        assert lead.delete(f"{base}{grant.pk}/").status_code == 204
        assert api(world.a_partner_staff).get(f"/api/v1/projects/{world.project_a.pk}/").status_code == 404

    def test_partners_of_another_project_are_not_found(self, world, api, system_scope):
        other = ProjectPartner.objects.get(project=world.project_a2)
        url = f"/api/v1/projects/{world.project_a.pk}/partners/{other.pk}/"
        assert api(world.a_member).get(url).status_code == 404
        assert (
            api(world.a2_partner_staff).get(f"/api/v1/projects/{world.project_a.pk}/partners/").status_code
            == 404
        )
