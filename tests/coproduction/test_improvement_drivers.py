"""The driver diagram: aim → primary → secondary drivers → change ideas, as nested lists and as an SVG;
add, edit, reorder and remove without JavaScript; and its API."""

import re

import pytest

from alwaysevents.models import AuditEvent
from coproduction.models import ChangeIdeaDriver, Driver, Statement

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_improvement")]


def base(world) -> str:
    return f"/projects/{world.project_a.pk}/drivers/"


class TestDiagramPage:
    def test_it_shows_the_aim_drivers_and_ideas_as_nested_lists(self, world, client_of):
        response = client_of(world.a_buddy).get(base(world))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Find the way for children and families, 90% of the time by 31 December 2026" in body
        primary_at = body.index("<h3>Clear signs</h3>")
        secondary_at = body.index("Signs at child height", primary_at)
        assert body.index("Painted bones on the floor", secondary_at) > secondary_at

    def test_it_draws_an_accessible_svg_without_inline_styles(self, world, client_of):
        body = client_of(world.a_member).get(base(world)).content.decode()
        svg = re.search(r"<svg id=\"driver-diagram\".*?</svg>", body, re.S).group(0)
        assert 'role="img"' in svg and 'aria-labelledby="driver-diagram-title driver-diagram-desc"' in svg
        assert '<title id="driver-diagram-title">' in svg and '<desc id="driver-diagram-desc">' in svg
        for column in ("Aim", "Primary drivers", "Secondary drivers", "Change ideas"):
            assert f">{column}</text>" in svg
        assert svg.count("<rect") == 4  # aim, primary, secondary, idea
        assert svg.count("<path") == 3  # aim→primary, primary→secondary, secondary→idea
        assert "style=" not in body

    def test_long_text_wraps_onto_several_lines(self, world, client_of, system_scope):
        Driver.objects.filter(pk=world.records_a.primary_driver.pk).update(
            text="Families can find the children's outpatients department from every entrance of the hospital"
        )
        svg = re.search(
            r"<svg id=\"driver-diagram\".*?</svg>",
            client_of(world.a_member).get(base(world)).content.decode(),
            re.S,
        )
        assert svg.group(0).count("<tspan") >= 4 + 3

    def test_with_no_statement_it_says_there_is_no_aim_yet(self, world, client_of, system_scope):
        Statement.objects.filter(project=world.project_a).delete()
        body = client_of(world.a_member).get(base(world)).content.decode()
        assert "No aim yet." in body and "SMART aim of the chosen Always Event" in body

    def test_the_team_sees_controls_and_a_buddy_does_not(self, world, client_of):
        assert "Add a primary driver" in client_of(world.a_member).get(base(world)).content.decode()
        body = client_of(world.a_buddy).get(base(world)).content.decode()
        assert "Add a primary driver" not in body and "Move up" not in body

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(base(world)).status_code == 404


class TestDriverCreate:
    def test_it_adds_a_primary_driver_last(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(base(world) + "new/", {"text": "Staff know the route"})
        assert response.status_code == 302
        driver = Driver.objects.get(text="Staff know the route")
        primaries = Driver.objects.filter(project=world.project_a, parent=None)
        assert driver.parent is None and list(primaries)[-1] == driver
        assert (driver.organisation, driver.project) == (world.org_a, world.project_a)
        assert AuditEvent.objects.filter(action="driver.create", object_id=str(driver.pk)).exists()

    def test_it_adds_a_secondary_driver_under_a_primary(self, world, client_of, system_scope):
        primary = world.records_a.primary_driver
        form = client_of(world.a_member).get(base(world) + f"new/?parent={primary.pk}").content.decode()
        assert f'value="{primary.pk}" selected' in form
        client_of(world.a_member).post(
            base(world) + "new/", {"text": "Colour-coded routes", "parent": primary.pk}
        )
        assert Driver.objects.get(text="Colour-coded routes").parent == primary

    def test_a_secondary_driver_cannot_be_the_parent(self, world, client_of, system_scope):
        secondary = world.records_a.driver
        response = client_of(world.a_member).post(
            base(world) + "new/", {"text": "Deep", "parent": secondary.pk}
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        assert not Driver.objects.filter(text="Deep").exists()

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(base(world) + "new/", {"text": ""})
        body = response.content.decode()
        assert "Enter the driver" in body and "<title>Error: " in body
        assert Driver.objects.filter(project=world.project_a).count() == 2

    def test_another_projects_driver_cannot_be_the_parent(self, world, client_of, system_scope):
        other = world.records_b.primary_driver
        response = client_of(world.a_member).post(base(world) + "new/", {"text": "X", "parent": other.pk})
        assert response.status_code == 200 and not Driver.objects.filter(text="X").exists()

    def test_a_buddy_and_a_coach_cannot_add(self, world, client_of):
        for user in (world.a_buddy, world.coach_1):
            assert client_of(user).get(base(world) + "new/").status_code == 403
            assert client_of(user).post(base(world) + "new/", {"text": "No"}).status_code == 403


class TestDriverEdit:
    def url(self, world, driver=None) -> str:
        return base(world) + f"{(driver or world.records_a.driver).pk}/edit/"

    def test_it_saves_the_words_and_moves_a_secondary_under_another_primary(
        self, world, client_of, system_scope
    ):
        other = Driver.objects.create(
            organisation=world.org_a, project=world.project_a, text="Welcome", order=2
        )
        data = {"text": "Signs at a child's eye level", "parent": other.pk, "version": 1}
        assert client_of(world.a_member).post(self.url(world), data).status_code == 302
        driver = Driver.objects.get(pk=world.records_a.driver.pk)
        assert (driver.text, driver.parent, driver.version) == ("Signs at a child's eye level", other, 2)

    def test_a_primary_driver_has_no_parent_field(self, world, client_of):
        body = client_of(world.a_member).get(self.url(world, world.records_a.primary_driver)).content.decode()
        assert 'name="parent"' not in body and 'name="text"' in body

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        parent = world.records_a.primary_driver.pk
        client_of(world.a_partner).post(
            self.url(world), {"text": "Partner's words", "parent": parent, "version": 1}
        )
        response = client_of(world.a_member).post(
            self.url(world), {"text": "Lead's words", "parent": parent, "version": 1}
        )
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s words" in body
        assert 'name="version" value="2"' in body
        assert Driver.objects.get(pk=world.records_a.driver.pk).text == "Partner's words"

    def test_a_buddy_cannot_edit_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).get(self.url(world)).status_code == 403
        assert client_of(world.b_member).get(self.url(world)).status_code == 404


class TestDriverMove:
    def test_move_up_and_down_swap_neighbours(self, world, client_of, system_scope):
        common = {"organisation": world.org_a, "project": world.project_a}
        second = Driver.objects.create(**common, text="Second", order=2)
        third = Driver.objects.create(**common, text="Third", order=3)
        client = client_of(world.a_member)
        assert client.post(base(world) + f"{third.pk}/move/", {"direction": "up"}).status_code == 302
        order = list(
            Driver.objects.filter(parent=None, project=world.project_a).values_list("text", flat=True)
        )
        assert order == ["Clear signs", "Third", "Second"]
        client.post(base(world) + f"{world.records_a.primary_driver.pk}/move/", {"direction": "down"})
        order = list(
            Driver.objects.filter(parent=None, project=world.project_a).values_list("text", flat=True)
        )
        assert order == ["Third", "Clear signs", "Second"]
        assert second.pk

    def test_moving_the_first_up_changes_nothing(self, world, client_of, system_scope):
        primary = world.records_a.primary_driver
        client_of(world.a_member).post(base(world) + f"{primary.pk}/move/", {"direction": "up"})
        assert Driver.objects.get(pk=primary.pk).version == 1

    def test_the_diagram_offers_only_moves_that_exist(self, world, client_of, system_scope):
        Driver.objects.create(organisation=world.org_a, project=world.project_a, text="Second", order=2)
        body = client_of(world.a_member).get(base(world)).content.decode()
        assert body.count(">Move up<") == 1 and body.count(">Move down<") == 1

    def test_a_buddy_cannot_move_and_another_organisation_gets_404(self, world, client_of):
        url = base(world) + f"{world.records_a.primary_driver.pk}/move/"
        assert client_of(world.a_buddy).post(url, {"direction": "down"}).status_code == 403
        assert client_of(world.b_member).post(url, {"direction": "down"}).status_code == 404


class TestDriverDelete:
    def test_it_refuses_while_change_ideas_link_to_it(self, world, client_of, system_scope):
        url = base(world) + f"{world.records_a.primary_driver.pk}/delete/"
        page = client_of(world.a_member).get(url).content.decode()
        assert "Painted bones on the floor" in page and "Remove driver</button>" not in page
        response = client_of(world.a_member).post(url)
        assert "cannot be removed while change ideas link to it" in response.content.decode()
        assert Driver.objects.filter(project=world.project_a).count() == 2

    def test_it_removes_an_unlinked_primary_with_its_secondary_drivers(self, world, client_of, system_scope):
        ChangeIdeaDriver.objects.filter(project=world.project_a).delete()
        url = base(world) + f"{world.records_a.primary_driver.pk}/delete/"
        page = client_of(world.a_member).get(url).content.decode()
        assert "Its secondary drivers will be removed with it" in page and "Signs at child height" in page
        assert client_of(world.a_member).post(url).status_code == 302
        assert not Driver.objects.filter(project=world.project_a).exists()
        assert AuditEvent.objects.filter(action="driver.delete").count() == 2

    def test_a_buddy_cannot_remove_and_another_organisation_gets_404(self, world, client_of):
        url = base(world) + f"{world.records_a.driver.pk}/delete/"
        assert client_of(world.a_buddy).post(url).status_code == 403
        assert client_of(world.b_member).post(url).status_code == 404


class TestDriverApi:
    def url(self, world) -> str:
        return f"/api/v1/projects/{world.project_a.pk}/drivers/"

    def test_it_lists_the_drivers(self, world, client_of):
        data = client_of(world.a_buddy).get(self.url(world)).json()
        assert {row["text"] for row in data["results"]} == {"Clear signs", "Signs at child height"}

    def test_it_creates_updates_and_deletes(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        primary = world.records_a.primary_driver
        created = client.post(
            self.url(world), {"text": "Maps", "parent": str(primary.pk)}, content_type="application/json"
        )
        assert created.status_code == 201 and created.json()["parent"] == str(primary.pk)
        url = self.url(world) + f"{created.json()['id']}/"
        patched = client.patch(url, {"text": "Printed maps", "version": 1}, content_type="application/json")
        assert patched.json()["text"] == "Printed maps" and patched.json()["version"] == 2
        stale = client.patch(url, {"text": "Old", "version": 1}, content_type="application/json")
        assert stale.status_code == 409
        assert client.delete(url).status_code == 204
        assert not Driver.objects.filter(text="Printed maps").exists()

    def test_deleting_a_linked_driver_is_refused(self, world, client_of):
        url = self.url(world) + f"{world.records_a.driver.pk}/"
        response = client_of(world.a_member).delete(url)
        assert response.status_code == 400 and "cannot be removed" in response.content.decode()

    def test_a_buddy_cannot_write_and_another_organisation_gets_404(self, world, client_of):
        url = self.url(world) + f"{world.records_a.driver.pk}/"
        assert client_of(world.a_buddy).post(self.url(world), {"text": "x"}).status_code == 403
        assert client_of(world.a_buddy).delete(url).status_code == 403
        assert client_of(world.b_member).get(url).status_code == 404
        assert client_of(world.b_member).get(self.url(world)).status_code == 404
