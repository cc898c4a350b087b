from datetime import timedelta

import pytest

from accounts.models import Role, RoleGrant
from alwaysevents.audit import AuditEvent
from coaching.presenters_dashboards import PAGE_SIZE
from programmes.models import Enrolment, Programme
from tests.world import make_project, make_user

from .helpers import add_project_with_data, make_call, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]

URL = "/dashboards/programme/"
API = "/api/v1/dashboards/programme/"


def _coaches_url(world, cohort) -> str:
    return f"{URL}{world.programme.pk}/cohorts/{cohort.pk}/coaches/"


def _buddies_url(world, project) -> str:
    return f"{URL}{world.programme.pk}/projects/{project.pk}/buddies/"


def test_a_programme_admin_sees_cohorts_enrolments_and_assignments(world, client_of):
    Enrolment.objects.filter(organisation=world.org_b).update(status="withdrawn")
    response = client_of(world.programme_admin).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Programme dashboard: Test programme" in body
    assert "Cohort 1" in body and "1 Jan 2026" in body and "coach.one@example.org" in body
    assert "a.buddy@example.org" in body and "b.buddy@example.org" in body
    assert f"{world.project_a.phase.name}: 1" in body
    assert 'id="choose-programme"' not in body


def test_it_lists_projects_without_a_buddy_or_a_recent_call(world, client_of, system_scope):
    lonely = add_project_with_data(world, "Lonely project")  # its only call is in 3 days: none yet
    make_call(world.project_a, days=-10)
    make_call(world.project_b, days=-60)
    body = client_of(world.programme_admin).get(URL).content.decode()
    without_buddy = body.split("<h3>Without a buddy</h3>")[1].split("<h3>")[0]
    without_call = body.split("Without a coaching call in the last 6 weeks</h3>")[1].split("<h2")[0]
    assert lonely.title in without_buddy and world.project_a.title not in without_buddy
    assert lonely.title in without_call and "last coaching call Never" in without_call
    assert world.project_b.title in without_call and world.project_a.title not in without_call


@pytest.mark.parametrize("persona", ["coach_1", "a_viewer", "a_admin", "a_member", "nobody"])
def test_it_does_not_exist_for_anyone_else(world, client_of, persona):
    client = client_of(getattr(world, persona))
    assert client.get(URL).status_code == 404
    assert client.get(API).status_code == 404
    response = client.post(
        _coaches_url(world, world.cohort_1), {f"cohort-{world.cohort_1.pk}-email": "x@y.org"}
    )
    assert response.status_code == 404
    assert client.post(_buddies_url(world, world.project_a), {}).status_code == 404


def test_another_programme_is_not_found(world, client_of):
    other = Programme.objects.create(name="Another programme")
    client = client_of(world.programme_admin)
    assert client.get(URL + f"?programme={other.pk}").status_code == 404
    assert client.get(URL + "?programme=nonsense").status_code == 404
    response = client.post(f"{URL}{other.pk}/cohorts/{world.cohort_1.pk}/coaches/", {})
    assert response.status_code == 404


def test_it_assigns_a_coach_once_and_audits_it(world, client_of):
    client = client_of(world.programme_admin)
    data = {f"cohort-{world.cohort_1.pk}-email": "Coach.Two@example.org"}
    response = client.post(_coaches_url(world, world.cohort_1), data)
    assert response.status_code == 302 and response["Location"].endswith(f"#cohort-{world.cohort_1.pk}")
    client.post(_coaches_url(world, world.cohort_1), data)
    grants = RoleGrant.objects.filter(user=world.coach_2, role=Role.COACH, cohort=world.cohort_1)
    assert grants.count() == 1
    assert AuditEvent.objects.filter(action="role_grant.create", object_id=str(grants[0].pk)).count() == 1


def test_it_removes_a_coach(world, client_of):
    client = client_of(world.programme_admin)
    prefix = f"cohort-{world.cohort_1.pk}"
    response = client.post(
        _coaches_url(world, world.cohort_1), {"action": "remove", f"{prefix}-user": world.coach_1.pk}
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user=world.coach_1, cohort=world.cohort_1).exists()
    assert AuditEvent.objects.filter(action="role_grant.delete").count() == 1


def test_an_unknown_email_is_a_form_error_and_changes_nothing(world, client_of):
    before = RoleGrant.objects.count()
    prefix = f"cohort-{world.cohort_2.pk}"
    response = client_of(world.programme_admin).post(
        _coaches_url(world, world.cohort_2), {f"{prefix}-email": "stranger@example.org"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Programme dashboard" in body and "There is a problem" in body
    assert "invite them first" in body and f'href="#id_{prefix}-email"' in body
    assert RoleGrant.objects.count() == before


def test_it_assigns_and_removes_a_buddy(world, client_of):
    helper = make_user("helper@example.org")
    client = client_of(world.programme_admin)
    prefix = f"project-{world.project_b.pk}"
    assert (
        client.post(_buddies_url(world, world.project_b), {f"{prefix}-email": helper.email}).status_code
        == 302
    )
    assert RoleGrant.objects.filter(user=helper, role=Role.BUDDY, project=world.project_b).exists()
    client.post(_buddies_url(world, world.project_b), {"action": "remove", f"{prefix}-user": helper.pk})
    assert not RoleGrant.objects.filter(user=helper, role=Role.BUDDY).exists()


def test_a_team_member_cannot_be_the_projects_buddy(world, client_of):
    prefix = f"project-{world.project_a.pk}"
    response = client_of(world.programme_admin).post(
        _buddies_url(world, world.project_a), {f"{prefix}-email": world.a_member.email}
    )
    assert response.status_code == 400 and "on this project&#39;s team" in response.content.decode()
    assert not RoleGrant.objects.filter(user=world.a_member, role=Role.BUDDY).exists()


def test_the_api_gives_cohorts_assignments_and_projects_needing_support(world, client_of):
    data = client_of(world.programme_admin).get(API + f"?programme={world.programme.pk}").json()
    assert data["programme"]["name"] == "Test programme"
    cohort = next(c for c in data["cohorts"] if c["name"] == "Cohort 1")
    assert cohort["enrolments"]["active"] == 1 and cohort["coaches"][0]["email"] == "coach.one@example.org"
    assert {p["title"] for p in data["projects_without_recent_call"]} == {
        world.project_a.title,
        world.project_a2.title,
        world.project_b.title,
    }
    assert [p["title"] for p in data["projects_without_buddy"]] == [world.project_a2.title]


@pytest.mark.parametrize("url", [URL, API])
def test_it_issues_the_same_number_of_queries_for_2_and_8_projects(world, client_of, url):
    client = client_of(world.programme_admin)
    with_two = queries_of(client, url)
    for number in range(6):
        project = add_project_with_data(world, f"Extra project {number}")
        make_call(project, days=-number * 10)
        make_user(f"buddy{number}@example.org", Role.BUDDY, project)
    make_user("coach.three@example.org", Role.COACH, world.cohort_2)
    with_eight = queries_of(client, url)
    assert with_eight == with_two, f"{with_two} queries for 2 projects, {with_eight} for 8"


def test_a_call_six_weeks_ago_is_not_recent(world, client_of):
    make_call(world.project_a, days=-(timedelta(weeks=6).days + 1))
    body = client_of(world.programme_admin).get(URL).content.decode()
    assert world.project_a.title in body.split("Without a coaching call in the last 6 weeks</h3>")[1]


def test_buddy_forms_come_a_page_at_a_time_and_each_support_link_finds_its_page(world, client_of):
    for number in range(PAGE_SIZE + 2):
        make_project(world.org_a, world.cohort_1, f"Paged project {number:02d}", world.programme)
    client = client_of(world.programme_admin)
    first = client.get(URL).content.decode()
    buddies = first.split('id="buddies"')[1]
    assert buddies.count('<section id="project-') == PAGE_SIZE
    # the world's first two projects have buddies, A's second has none
    assert "And 33 more without a buddy (53 in all)" in first
    second = client.get(URL + f"?programme={world.programme.pk}&buddies_page=2").content.decode()
    assert second.split('id="buddies"')[1].count('<section id="project-') == 5
    world_titles = [world.project_a.title, world.project_a2.title, world.project_b.title]
    last = sorted(world_titles + [f"Paged project {n:02d}" for n in range(52)])[-1]
    assert last in second.split('id="buddies"')[1] and last not in buddies
