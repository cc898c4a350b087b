"""Change ideas: list, create, detail and versioned edit with linked drivers and sessions; and their API."""

import pytest

from alwaysevents.models import AuditEvent
from coproduction.models import ChangeIdea, ChangeIdeaDriver, ChangeIdeaSession

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_improvement")]


def base(world) -> str:
    return f"/projects/{world.project_a.pk}/change-ideas/"


def idea_form(world, **changes) -> dict:
    data = {
        "title": "Footprints to the lifts",
        "description": "Painted footprints from the car park",
        "origin": "co_designed",
        "status": "idea",
        "drivers": [str(world.records_a.driver.pk)],
        "sessions": [str(world.records_a.session.pk)],
    }
    data.update(changes)
    return data


class TestIdeaPages:
    def test_the_list_shows_each_idea_with_its_status(self, world, client_of):
        body = client_of(world.a_buddy).get(base(world)).content.decode()
        assert "Painted bones on the floor" in body and "<caption" in body and 'scope="col"' in body

    def test_the_detail_shows_drivers_sessions_and_ramps(self, world, client_of):
        body = client_of(world.a_buddy).get(base(world) + f"{world.records_a.idea.pk}/").content.decode()
        assert "Signs at child height" in body and "Painted bones</a>" in body and "Cycle 1" in body
        assert "Change this change idea" not in body

    def test_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.b_member).get(base(world)).status_code == 404
        assert client_of(world.b_member).get(base(world) + f"{world.records_a.idea.pk}/").status_code == 404
        # An idea of project B is never found under project A, even by someone who can see both.
        url = base(world) + f"{world.records_b.idea.pk}/"
        assert client_of(world.programme_admin).get(url).status_code == 404


class TestIdeaCreate:
    def test_it_creates_an_idea_with_its_links(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(base(world) + "new/", idea_form(world))
        idea = ChangeIdea.objects.get(title="Footprints to the lifts")
        assert response.status_code == 302 and response["Location"].endswith(f"/{idea.pk}/")
        assert (idea.organisation, idea.project, idea.origin) == (world.org_a, world.project_a, "co_designed")
        link = ChangeIdeaDriver.objects.get(change_idea=idea)
        assert (link.driver, link.organisation, link.project) == (
            world.records_a.driver,
            world.org_a,
            world.project_a,
        )
        session = ChangeIdeaSession.objects.get(change_idea=idea)
        assert (session.session, session.organisation) == (world.records_a.session, world.org_a)
        assert AuditEvent.objects.filter(action="change_idea.create", object_id=str(idea.pk)).exists()

    def test_the_form_uses_fieldsets_for_choices(self, world, client_of):
        body = client_of(world.a_member).get(base(world) + "new/").content.decode()
        # drivers, origin, status, the partners it belongs to (A's project has partners) and one more
        assert body.count("<fieldset") == 5 and 'type="checkbox"' in body and 'type="radio"' in body

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(base(world) + "new/", idea_form(world, title=""))
        body = response.content.decode()
        assert "Enter the change idea&#39;s title" in body and "<title>Error: " in body
        assert ChangeIdea.objects.filter(project=world.project_a).count() == 1

    def test_a_driver_of_another_project_is_refused(self, world, client_of, system_scope):
        data = idea_form(world, drivers=[str(world.records_b.driver.pk)])
        response = client_of(world.a_member).post(base(world) + "new/", data)
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        assert not ChangeIdea.objects.filter(title="Footprints to the lifts").exists()

    def test_a_buddy_and_a_coach_cannot_create(self, world, client_of):
        for user in (world.a_buddy, world.coach_1):
            assert client_of(user).get(base(world) + "new/").status_code == 403
            assert client_of(user).post(base(world) + "new/", idea_form(world)).status_code == 403


class TestIdeaEdit:
    def url(self, world) -> str:
        return base(world) + f"{world.records_a.idea.pk}/edit/"

    def test_the_form_shows_the_current_links(self, world, client_of):
        body = client_of(world.a_member).get(self.url(world)).content.decode()
        assert f'value="{world.records_a.driver.pk}" checked' in body

    def test_it_saves_fields_and_replaces_links(self, world, client_of, system_scope):
        data = idea_form(world, title="Painted bones", status="adopted", drivers=[], version=1)
        assert client_of(world.a_member).post(self.url(world), data).status_code == 302
        idea = ChangeIdea.objects.get(pk=world.records_a.idea.pk)
        assert (idea.title, idea.status, idea.version) == ("Painted bones", "adopted", 2)
        assert not ChangeIdeaDriver.objects.filter(change_idea=idea).exists()
        assert list(idea.sessions.all()) == [world.records_a.session]

    def test_changing_only_the_links_still_moves_the_version_on(self, world, client_of, system_scope):
        idea = world.records_a.idea
        data = {"title": idea.title, "description": "", "origin": "patient", "status": "idea", "version": 1}
        client_of(world.a_member).post(self.url(world), data)
        assert ChangeIdea.objects.get(pk=idea.pk).version == 2
        event = AuditEvent.objects.get(action="change_idea.update")
        assert event.changed_fields == ["drivers"]

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        client_of(world.a_partner).post(self.url(world), idea_form(world, title="Partner's idea", version=1))
        response = client_of(world.a_member).post(
            self.url(world), idea_form(world, title="Lead's idea", drivers=[], version=1)
        )
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s idea" in body
        assert f'value="{world.records_a.driver.pk}" checked' in body and 'name="version" value="2"' in body
        idea = ChangeIdea.objects.get(pk=world.records_a.idea.pk)
        assert idea.title == "Partner's idea" and idea.drivers.count() == 1

    def test_a_buddy_cannot_edit_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).get(self.url(world)).status_code == 403
        assert client_of(world.b_member).get(self.url(world)).status_code == 404


class TestIdeaApi:
    def url(self, world) -> str:
        return f"/api/v1/projects/{world.project_a.pk}/change-ideas/"

    def test_it_lists_and_shows_ideas_with_their_links(self, world, client_of):
        client = client_of(world.a_buddy)
        row = client.get(self.url(world)).json()["results"][0]
        assert row["drivers"] == [str(world.records_a.driver.pk)] and row["project"] == str(
            world.project_a.pk
        )
        detail = client.get(self.url(world) + f"{world.records_a.idea.pk}/").json()
        assert detail["title"] == "Painted bones on the floor"

    def test_it_creates_and_patches(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        created = client.post(
            self.url(world),
            {"title": "Maps", "origin": "staff", "drivers": [str(world.records_a.primary_driver.pk)]},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        url = self.url(world) + f"{created.json()['id']}/"
        patched = client.patch(
            url, {"version": 1, "status": "testing", "drivers": []}, content_type="application/json"
        )
        assert patched.json()["status"] == "testing" and patched.json()["drivers"] == []
        assert (
            client.patch(url, {"version": 1, "title": "x"}, content_type="application/json").status_code
            == 409
        )

    def test_links_to_another_project_are_refused(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            self.url(world),
            {"title": "Maps", "drivers": [str(world.records_b.driver.pk)]},
            content_type="application/json",
        )
        assert response.status_code == 400 and not ChangeIdea.objects.filter(title="Maps").exists()

    def test_a_buddy_cannot_write_and_another_organisation_gets_404(self, world, client_of):
        url = self.url(world) + f"{world.records_a.idea.pk}/"
        assert client_of(world.a_buddy).post(self.url(world), {"title": "x"}).status_code == 403
        assert (
            client_of(world.a_buddy).patch(url, {"version": 1}, content_type="application/json").status_code
            == 403
        )
        assert client_of(world.b_member).get(url).status_code == 404
