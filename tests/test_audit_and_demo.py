from itertools import pairwise

import pytest
from django.core.management import call_command

from accounts.access import Access
from accounts.models import Role, RoleGrant, User
from alwaysevents.audit import audit
from alwaysevents.models import AuditEvent
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coproduction.models import (
    ChangeIdeaPartner,
    PdsaCycle,
    PdsaCyclePartner,
    ProjectPartner,
    SessionPartner,
    TeamMember,
)
from measurement.models import DataPoint, Measure
from programmes.models import Organisation, Place
from projects.models import Project
from projects.selectors import projects_visible


@pytest.mark.django_db
class TestAudit:
    def test_it_refuses_to_log_without_an_actor_or_a_system_job(self, world):
        with pytest.raises(ValueError, match="needs the user who acted"):
            audit(action="organisation.update", obj=world.org_a)

    def test_it_keeps_field_names_never_values(self, world):
        event = audit(
            actor=world.a_member,
            action="project.update",
            obj=world.project_a,
            changed={"title": "secret words"},
        )
        assert event.changed_fields == ["title"] and event.organisation_id == world.org_a.pk


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_builds_the_demo_world_and_running_it_again_changes_nothing(self, system_scope):
        call_command("seed_demo")
        counts = (
            Organisation.objects.count(),
            Project.objects.count(),
            User.objects.count(),
            RoleGrant.objects.count(),
            AuditEvent.objects.count(),
        )
        call_command("seed_demo")
        assert counts == (
            Organisation.objects.count(),
            Project.objects.count(),
            User.objects.count(),
            RoleGrant.objects.count(),
            AuditEvent.objects.count(),
        )
        assert counts[1] == 6 and counts[2] == 10

    def test_the_demo_coach_has_calls_a_group_call_and_a_submitted_return(self, system_scope):
        call_command("seed_demo")
        call_command("seed_demo")
        rnoh = Project.objects.get(title="Finding our way to children's outpatients")
        calls = CoachingCall.objects.filter(project=rnoh)
        assert calls.count() == 3
        assert CallAction.objects.filter(project=rnoh, done_on__isnull=True).count() == 1
        group = CoachingCall.objects.exclude(group_id=None)
        assert group.count() == 2 and len({call.group_id for call in group}) == 1
        assert len({call.organisation_id for call in group}) == 2, "a group call spans two organisations"
        monthly_return = MonthlyReturn.objects.get(project=rnoh)
        assert monthly_return.status == "submitted" and monthly_return.snapshot["phase"]

    def test_every_demo_user_signs_in_with_the_demo_password_and_sees_only_their_grants(
        self, client, settings
    ):
        call_command("seed_demo")
        expected = {
            "admin@example.org": 6,
            "coach@example.org": 6,
            "buddy@example.org": 1,
            "ics@example.org": 1,
            "lead@example.org": 1,
            "partner@example.org": 1,
            "other@example.org": 1,
            "region@example.org": 1,
            "partner-org@example.org": 1,
            "tyneside@example.org": 1,
        }
        settings.MFA_REQUIRED_ROLES = []
        for email, count in expected.items():
            assert client.login(email=email, password=settings.DEMO_PASSWORD), email
            assert client.get("/api/v1/projects/").json()["count"] == count, email
            client.logout()


@pytest.mark.django_db
class TestSeedDemoIntegratedCare:
    """The seed's integrated-care examples: multi-partner projects, places, regions, per-site data."""

    @pytest.fixture
    def demo(self, system_scope):
        call_command("seed_demo")
        return {project.title: project for project in Project.objects.all()}

    def test_somerset_discharge_has_four_partners_of_its_system_and_lived_experience_on_the_team(self, demo):
        somerset = demo["Supported moving on in care"]
        assert somerset.organisation.is_system and somerset.organisation.region.name == "South West"
        partners = ProjectPartner.objects.filter(project=somerset).select_related("partner_organisation")
        assert sorted(p.partner_organisation.provider_type for p in partners) == [
            "acute",
            "community",
            "gp_practice",
            "mental_health",
        ]
        assert {p.partner_organisation.system_id for p in partners} == {somerset.organisation_id}
        lived = TeamMember.objects.filter(project=somerset, role__in=["patient", "carer"])
        assert lived.count() >= 3 and lived.filter(consent_to_be_named=True).exists()
        assert SessionPartner.objects.filter(project=somerset).count() == 4

    def test_greater_manchester_joint_reviews_belong_to_the_council_and_the_agency(self, demo):
        manchester = demo["Joint reviews of domiciliary care"]
        partners = {
            p.partner_organisation.kind: p
            for p in ProjectPartner.objects.filter(project=manchester).select_related("partner_organisation")
        }
        assert set(partners) == {"local_authority", "independent_care"}
        agency = partners["independent_care"].partner_organisation
        assert agency.cqc_location_id == "1-101234567" and agency.ods_code is None
        assert agency.provider_type == "domiciliary_care"
        staff = RoleGrant.objects.get(role=Role.PARTNER_STAFF, partnership=partners["independent_care"])
        assert staff.user.email == "partner-org@example.org"
        cycles = PdsaCycle.objects.filter(project=manchester)
        assert cycles.count() == 3
        for cycle in cycles:
            attributed = set(
                PdsaCyclePartner.objects.filter(cycle=cycle).values_list("partner_id", flat=True)
            )
            assert attributed == {partner.pk for partner in partners.values()}, cycle
        assert ChangeIdeaPartner.objects.filter(project=manchester).count() == 2

    def test_per_site_measures_have_weekly_data_for_every_site(self, demo):
        manchester = demo["Joint reviews of domiciliary care"]
        measure = Measure.objects.get(project=manchester, is_aim_measure=True)
        assert measure.per_site
        sites = ProjectPartner.objects.filter(project=manchester)
        for site in sites:
            weeks = sorted(
                DataPoint.objects.filter(measure=measure, site=site).values_list("period_start", flat=True)
            )
            assert len(weeks) == 24 and all((b - a).days == 7 for a, b in pairwise(weeks))
        assert not DataPoint.objects.filter(measure=measure, site__isnull=True).exists()
        derbyshire = demo["Knowing what happens next in frailty care"]
        frailty = Measure.objects.get(project=derbyshire, per_site=True)
        assert DataPoint.objects.filter(measure=frailty).values("site").distinct().count() == 3

    def test_derbyshire_tests_the_frailty_model_in_three_place_alliances(self, demo):
        derbyshire = demo["Knowing what happens next in frailty care"]
        system = derbyshire.organisation
        assert system.region.name == "Midlands"
        places = set(Place.objects.filter(system=system).values_list("name", flat=True))
        assert places == {"Chesterfield Place Alliance", "Erewash Place Alliance", "High Peak Place Alliance"}
        partners = ProjectPartner.objects.filter(project=derbyshire).select_related("partner_organisation")
        assert {p.partner_organisation.place.name for p in partners} == places
        assert PdsaCyclePartner.objects.filter(project=derbyshire).values("partner").distinct().count() == 3
        in_a_place = demo["A frailty plan written with me"]
        assert in_a_place.organisation == system and in_a_place.place.name == "Chesterfield Place Alliance"

    def test_south_tyneside_works_with_its_council_and_a_charity_and_every_system_has_its_region(self, demo):
        south_tyneside = demo["Living well with long-term conditions"]
        kinds = set(
            ProjectPartner.objects.filter(project=south_tyneside).values_list(
                "partner_organisation__kind", flat=True
            )
        )
        assert kinds == {"local_authority", "vcse"}
        assert south_tyneside.organisation.system.region.name == "North East and Yorkshire"
        assert not Organisation.objects.filter(kind="system", region__isnull=True).exists()
        assert Organisation.objects.get(ods_code="QOP").region.name == "North West"

    def test_the_partner_organisations_staff_member_sees_the_greater_manchester_project_alone(
        self, demo, client, settings
    ):
        agency_user = User.objects.get(email="partner-org@example.org")
        visible = list(projects_visible(access=Access.for_user(agency_user)))
        assert [project.title for project in visible] == ["Joint reviews of domiciliary care"]
        settings.MFA_REQUIRED_ROLES = []
        client.force_login(agency_user)
        manchester = demo["Joint reviews of domiciliary care"]
        assert client.get(manchester.get_absolute_url()).status_code == 200
        assert client.get(demo["Supported moving on in care"].get_absolute_url()).status_code == 404
        listed = client.get("/api/v1/projects/").json()["results"]
        assert [row["title"] for row in listed] == ["Joint reviews of domiciliary care"]

    def test_the_regional_user_sees_south_west_systems_on_the_regional_dashboard(
        self, demo, client, settings
    ):
        settings.MFA_REQUIRED_ROLES = []
        client.force_login(User.objects.get(email="region@example.org"))
        page = client.get("/dashboards/region/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "NHS Somerset Integrated Care System" in body and "Supported moving on in care" in body
        assert "Greater Manchester" not in body and "Joint reviews of domiciliary care" not in body
        manchester = demo["Joint reviews of domiciliary care"]
        assert client.get(manchester.get_absolute_url()).status_code == 404
