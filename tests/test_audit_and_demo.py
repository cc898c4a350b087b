import pytest
from django.core.management import call_command

from accounts.models import RoleGrant, User
from alwaysevents.audit import audit
from alwaysevents.models import AuditEvent
from coproduction.models import Project
from programmes.models import CallAction, CoachingCall, MonthlyReturn, Organisation


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
        assert counts[1] == 5 and counts[2] == 7

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
            "admin@example.org": 5,
            "coach@example.org": 2,
            "buddy@example.org": 1,
            "ics@example.org": 1,
            "lead@example.org": 1,
            "partner@example.org": 1,
            "other@example.org": 1,
        }
        settings.MFA_REQUIRED_ROLES = []
        for email, count in expected.items():
            assert client.login(email=email, password=settings.DEMO_PASSWORD), email
            assert client.get("/api/v1/projects/").json()["count"] == count, email
            client.logout()
