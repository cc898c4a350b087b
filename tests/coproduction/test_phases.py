from decimal import Decimal

import pytest

from coproduction.models import ChecklistTick, PdsaCycle, TeamMember
from coproduction.progress import progress_score
from projects.models import Project


@pytest.mark.django_db
class TestChecklistAndPhases:
    def url(self, world, name="progress/"):
        return f"/projects/{world.project_a.pk}/{name}"

    def tick_all(self, world, client):
        for item in world.project_a.phase.checklist_items.all():
            client.post(f"/projects/{world.project_a.pk}/checklist/{item.pk}/")

    def test_the_team_ticks_an_item_and_unticks_it(self, world, client_of, system_scope):
        item = world.records_a.checklist_item
        client = client_of(world.a_member)
        client.post(f"/projects/{world.project_a.pk}/checklist/{item.pk}/")
        assert ChecklistTick.objects.filter(project=world.project_a, item=item).exists()
        client.post(f"/projects/{world.project_a.pk}/checklist/{item.pk}/")
        assert not ChecklistTick.objects.filter(project=world.project_a, item=item).exists()

    def test_a_project_cannot_leave_a_phase_with_its_checklist_unfinished(
        self, world, client_of, system_scope
    ):
        response = client_of(world.a_member).post(
            self.url(world, "progress/phase/"), {"version": "1", "direction": "forward"}, follow=True
        )
        assert "Finish this phase&#39;s checklist first" in response.content.decode()
        assert Project.objects.get(pk=world.project_a.pk).phase.order == 1

    def test_a_project_moves_on_when_its_checklist_is_done(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        self.tick_all(world, client)
        client.post(self.url(world, "progress/phase/"), {"version": "1", "direction": "forward"})
        project = Project.objects.get(pk=world.project_a.pk)
        assert project.phase.order == 2
        client.post(self.url(world, "progress/phase/"), {"version": "2", "direction": "back"})
        assert Project.objects.get(pk=world.project_a.pk).phase.order == 1

    def test_a_buddy_cannot_tick_or_move(self, world, client_of, system_scope):
        client = client_of(world.a_buddy)
        item = world.records_a.checklist_item
        assert client.post(f"/projects/{world.project_a.pk}/checklist/{item.pk}/").status_code == 403
        assert (
            client.post(
                self.url(world, "progress/phase/"), {"version": "1", "direction": "forward"}
            ).status_code
            == 403
        )

    def test_the_coach_sees_every_project_by_phase(self, world, client_of):
        body = client_of(world.programme_admin).get("/phases/").content.decode()
        assert world.project_a.title in body and world.project_b.title in body
        coach_body = client_of(world.coach_1).get("/phases/").content.decode()
        assert world.project_a.title in coach_body and world.project_b.title not in coach_body


@pytest.mark.django_db
class TestProgressScore:
    def test_the_suggestion_follows_the_evidence_in_order(self, world, system_scope):
        # The world's project A has a carer but no staff member yet, so the team is not formed.
        assert progress_score(world.project_a).suggested == Decimal("0.5")
        TeamMember.objects.create(organisation=world.org_a, project=world.project_a, role="staff")
        assert progress_score(world.project_a).suggested == Decimal(
            "2.0"
        )  # themed responses, chosen + statement
        PdsaCycle.objects.filter(pk=world.records_a.cycle.pk).update(status="studied")
        assert progress_score(world.project_a).suggested == Decimal("2.5")

    def test_the_team_overrides_with_a_reason(self, world, client_of, system_scope):
        url = f"/projects/{world.project_a.pk}/progress/score/"
        response = client_of(world.a_member).post(url, {"version": "1", "score": "3.0", "reason": ""})
        assert response.status_code == 400 and "Say why the score differs" in response.content.decode()
        client_of(world.a_member).post(
            url, {"version": "1", "score": "3.0", "reason": "Data show improvement"}
        )
        assert progress_score(Project.objects.get(pk=world.project_a.pk)).score == Decimal("3.0")

    def test_the_api_reports_the_score_and_checklist(self, world, client_of):
        data = client_of(world.a_buddy).get(f"/api/v1/projects/{world.project_a.pk}/progress/").json()
        assert data["phase_order"] == 1 and data["suggested_score"] == "0.5" and len(data["checklist"]) == 4


@pytest.mark.django_db
def test_the_board_by_phase_makes_the_same_queries_for_more_projects(world, client_of, system_scope):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.world import make_project

    client = client_of(world.programme_admin)
    client.get("/phases/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get("/phases/")
    for number in range(4):
        make_project(world.org_a, world.cohort_1, f"Extra project {number}", world.programme)
    with CaptureQueriesContext(connection) as more:
        body = client.get("/phases/").content.decode()
    assert "Extra project 3" in body
    assert len(more) == len(few)
