import pytest

from projects.models import Project


@pytest.mark.django_db
class TestProjectPages:
    def test_the_list_shows_the_projects_a_person_can_see(self, world, client_of):
        body = client_of(world.a_member).get("/projects/").content.decode()
        assert world.project_a.title in body and world.project_b.title not in body

    def test_the_detail_page_shows_the_project(self, world, client_of):
        response = client_of(world.a_buddy).get(world.project_a.get_absolute_url())
        assert response.status_code == 200
        assert "Alpha Hospital Trust" in response.content.decode()

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(world.project_a.get_absolute_url()).status_code == 404

    def test_a_buddy_can_read_but_not_edit(self, world, client_of):
        assert client_of(world.a_buddy).get(f"/projects/{world.project_a.pk}/edit/").status_code == 403


@pytest.mark.django_db
class TestProjectEdit:
    def url(self, world):
        return f"/projects/{world.project_a.pk}/edit/"

    def form(self, world, **changes):
        data = {
            "title": "New title",
            "area_of_focus": "Fracture clinic",
            "phase": str(world.project_a.phase_id),
            "version": "1",
        }
        data.update(changes)
        return data

    def test_it_saves_a_project_and_audits_the_change(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), self.form(world))
        assert response.status_code == 302
        project = Project.objects.get(pk=world.project_a.pk)
        assert (project.title, project.version) == ("New title", 2)
        from alwaysevents.models import AuditEvent

        event = AuditEvent.objects.get(action="project.update")
        assert event.actor == world.a_member and event.organisation == world.org_a
        assert event.changed_fields == ["area_of_focus", "title"]

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        client_of(world.a_partner).post(self.url(world), self.form(world, title="Partner's title"))
        response = client_of(world.a_member).post(self.url(world), self.form(world, title="Lead's title"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Someone else saved this record" in body and "Partner&#39;s title" in body
        assert body.count('name="version" value="2"') == 1
        assert Project.objects.get(pk=world.project_a.pk).title == "Partner's title"

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), self.form(world, title=""))
        body = response.content.decode()
        assert "Enter the project&#39;s title" in body and "<title>Error: " in body
        assert Project.objects.get(pk=world.project_a.pk).version == 1


@pytest.mark.django_db
def test_the_project_page_shows_the_statements_its_measures_and_the_way_to_each_step(world, client_of):
    body = client_of(world.a_buddy).get(world.project_a.get_absolute_url()).content.decode()
    assert world.records_a.statement.vision in body
    assert "Measured by" in body and world.records_a.measure.name in body
    steps = ("Responses", "Co-design team", "Candidate events", "Driver diagram", "PDSA cycles", "Activity")
    for step in steps:
        assert step in body
