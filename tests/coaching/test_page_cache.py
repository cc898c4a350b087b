"""The dashboards' cached bodies: a write shows at once, and no reader is served another reader's page."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.access import Access
from alwaysevents import freshness
from alwaysevents.audit import audit
from alwaysevents.tenancy import all_organisations
from coproduction.services.conversation import comment_create

pytestmark = pytest.mark.django_db

COACH = "/dashboards/coach/"
SYSTEM = "/dashboards/system/"


def tokens(*organisation_ids) -> dict:
    return cache.get_many([freshness._key(organisation_id) for organisation_id in organisation_ids])


def test_an_audited_write_replaces_its_organisations_token_when_it_commits(
    world, django_capture_on_commit_callbacks
):
    before = freshness.stamp([world.org_a.pk, world.org_b.pk])
    untouched = tokens(world.org_b.pk)
    with django_capture_on_commit_callbacks(execute=False) as pending, all_organisations(reason="test"):
        audit(actor=world.a_member, action="project.update", obj=world.project_a)
    assert freshness.stamp([world.org_a.pk, world.org_b.pk]) == before, "nothing changes before the commit"
    for callback in pending:
        callback()
    assert freshness.stamp([world.org_a.pk, world.org_b.pk]) != before
    assert tokens(world.org_b.pk) == untouched


def test_a_change_to_reference_data_changes_every_stamp(world, django_capture_on_commit_callbacks):
    before = freshness.stamp([world.org_b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        audit(actor=world.programme_admin, action="organisation.update", obj=world.org_a)
    assert freshness.stamp([world.org_b.pk]) != before


def test_a_lost_token_is_replaced_rather_than_matching_an_old_page(world):
    before = freshness.stamp([world.org_a.pk])
    cache.delete(freshness._key(world.org_a.pk))
    assert freshness.stamp([world.org_a.pk]) != before


def test_the_coach_sees_a_new_call_and_comment_at_once(world, client_of, django_capture_on_commit_callbacks):
    client = client_of(world.coach_1)
    page = client.get(COACH).content.decode()
    unbooked = page.count("None booked")  # both of cohort 1's projects
    assert unbooked == 2
    when = timezone.localtime(timezone.now() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{world.project_a.pk}/calls/new/",
            {
                "kind": "coaching",
                "scheduled_for": when.strftime("%Y-%m-%dT%H:%M"),
                "attendees": "",
                "notes": "",
            },
        )
    assert response.status_code == 302
    page = client.get(COACH).content.decode()
    assert page.count("None booked") == unbooked - 1 and f"{when:%-d %b %Y %H:%M}" in page


def test_a_comment_through_the_service_updates_the_count(
    world, client_of, django_capture_on_commit_callbacks
):
    client = client_of(world.coach_1)
    client.get(COACH)
    with all_organisations(reason="test"):
        before = client.get("/dashboards/coach/csv/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            comment_create(
                access=Access.for_user(world.coach_1),
                project=world.project_a,
                target="project",
                target_id=world.project_a.pk,
                body="Shall we look at the run chart?",
            )
    after_csv = client.get("/dashboards/coach/csv/").content.decode()
    assert before != after_csv
    rows = list(csv.DictReader(io.StringIO(after_csv)))
    count = next(row for row in rows if row["Project"] == world.project_a.title)["Unresolved comments"]
    page = client.get(COACH).content.decode()
    assert f'nhsuk-table__cell--numeric">{count}</td>' in page


def test_readers_are_never_served_each_others_pages(world, client_of):
    assert "Beta discharge project" in client_of(world.programme_admin).get(COACH).content.decode()
    page = client_of(world.coach_1).get(COACH).content.decode()
    assert "Alpha wayfinding project" in page and "Beta discharge project" not in page
    assert client_of(world.coach_2).get(COACH).content.decode().count("Alpha wayfinding project") == 0


def test_a_system_viewer_is_not_served_another_systems_page(world, client_of):
    assert client_of(world.programme_admin).get(f"{SYSTEM}?system={world.system_b.pk}").status_code == 200
    assert client_of(world.a_viewer).get(f"{SYSTEM}?system={world.system_b.pk}").status_code == 404


def test_the_system_page_offers_a_system_report(world, client_of):
    page = client_of(world.a_viewer).get(SYSTEM).content.decode()
    assert f'action="/systems/{world.system_a.pk}/reports/"' in page and "csrfmiddlewaretoken" in page


def test_the_project_page_shows_an_edit_at_once(world, client_of, django_capture_on_commit_callbacks):
    project = world.project_a
    client = client_of(world.a_member)
    assert project.title in client.get(project.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.pk}/edit/",
            {
                "title": "Alpha wayfinding, renamed",
                "area_of_focus": project.area_of_focus,
                "phase": project.phase_id,
                "version": project.version,
            },
        )
    assert response.status_code == 302
    assert "Alpha wayfinding, renamed" in client.get(project.get_absolute_url()).content.decode()


def test_the_project_page_is_not_served_to_a_reader_outside_its_scope(world, client_of):
    project = world.project_a
    assert client_of(world.a_member).get(project.get_absolute_url()).status_code == 200
    assert client_of(world.b_member).get(project.get_absolute_url()).status_code == 404
