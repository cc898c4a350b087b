from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import api_token_create
from coaching.models import CallAction, CoachingCall, MonthlyReturn

from .helpers import last_month, make_call

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]


@pytest.fixture
def api_of():
    def make(user) -> Client:
        _, key = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    return make


def base(world, project=None) -> str:
    return f"/api/v1/projects/{(project or world.project_a).pk}/"


def soon() -> str:
    return (timezone.now() + timedelta(days=2)).isoformat()


class TestDashboardApi:
    def test_it_gives_the_same_rows_as_the_page(self, world, api_of):
        body = api_of(world.programme_admin).get("/api/v1/dashboards/coach/?sort=-title").json()
        assert body["count"] == 3  # A's two projects and B's
        row = next(row for row in body["results"] if row["title"] == world.project_a.title)
        assert row["organisation"] == "Alpha Hospital Trust" and row["system"] == "Alpha ICS"
        assert row["latest_value"] == 80.0 and row["variation_icon"]
        assert row["return_status"] == "missing" and row["unresolved_comments"] == 1

    def test_filters_apply(self, world, api_of):
        body = (
            api_of(world.programme_admin).get(f"/api/v1/dashboards/coach/?cohort={world.cohort_1.pk}").json()
        )
        assert {row["title"] for row in body["results"]} == {world.project_a.title, world.project_a2.title}

    def test_it_does_not_exist_for_a_team_member(self, world, api_of):
        assert api_of(world.a_member).get("/api/v1/dashboards/coach/").status_code == 404


class TestCallsApi:
    def test_a_coach_creates_lists_and_patches_a_call(self, world, api_of, system_scope):
        client = api_of(world.coach_1)
        response = client.post(
            base(world) + "calls/",
            {
                "call_type": "leadership",
                "scheduled_for": soon(),
                "action": {"text": "Book the room", "owner": "Ana"},
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        call = CoachingCall.objects.get()
        assert call.organisation == world.org_a and response.json()["actions"][0]["text"] == "Book the room"
        assert client.get(base(world) + "calls/").json()["count"] == 1
        url = base(world) + f"calls/{call.pk}/"
        response = client.patch(url, {"version": 1, "notes": "Went well"}, content_type="application/json")
        assert response.status_code == 200 and response.json()["version"] == 2
        stale = client.patch(url, {"version": 1, "notes": "Older"}, content_type="application/json")
        assert stale.status_code == 409
        assert CoachingCall.objects.get().notes == "Went well"

    def test_bad_input_is_refused(self, world, api_of, system_scope):
        response = api_of(world.coach_1).post(
            base(world) + "calls/",
            {"call_type": "party", "scheduled_for": "soon"},
            content_type="application/json",
        )
        assert response.status_code == 400 and set(response.json()) == {"call_type", "scheduled_for"}
        assert not CoachingCall.objects.exists()

    @pytest.mark.parametrize("persona", ["a_member", "a_buddy"])
    def test_the_team_and_buddy_read_but_cannot_write(self, world, api_of, persona, system_scope):
        call = make_call(world.project_a, days=1, with_action=True)
        client = api_of(getattr(world, persona))
        assert (
            client.get(base(world) + f"calls/{call.pk}/").json()["actions"][0]["text"] == "Send the posters"
        )
        create = client.post(
            base(world) + "calls/",
            {"call_type": "coaching", "scheduled_for": soon()},
            content_type="application/json",
        )
        patch = client.patch(
            base(world) + f"calls/{call.pk}/", {"version": 1, "notes": "x"}, content_type="application/json"
        )
        assert (create.status_code, patch.status_code) == (403, 403)
        assert CoachingCall.objects.count() == 1 and CallAction.objects.count() == 1

    def test_outsiders_get_404(self, world, api_of):
        call = make_call(world.project_a, days=1)
        client = api_of(world.b_member)
        assert client.get(base(world) + "calls/").status_code == 404
        assert client.get(base(world) + f"calls/{call.pk}/").status_code == 404


class TestReturnsApi:
    def test_the_team_starts_and_submits_a_return(self, world, api_of, system_scope):
        client = api_of(world.a_member)
        response = client.post(
            base(world) + "returns/", {"month": last_month().isoformat()}, content_type="application/json"
        )
        assert response.status_code == 201
        return_id = response.json()["id"]
        submit = client.post(
            base(world) + f"returns/{return_id}/submit/",
            {"version": 1, "barriers": "Time", "help_wanted": "Data help"},
            content_type="application/json",
        )
        assert submit.status_code == 200, submit.content
        body = submit.json()
        assert body["status"] == "submitted" and body["snapshot"]["phase"] == world.project_a.phase.name
        assert body["barriers"] == "Time" and body["submitted_by"] == world.a_member.email
        assert client.get(base(world) + "returns/").json()["count"] == 1

    def test_a_stale_submit_is_refused(self, world, api_of, system_scope):
        monthly_return = MonthlyReturn.objects.create(
            organisation=world.org_a, project=world.project_a, month=last_month(), version=2
        )
        response = api_of(world.a_member).post(
            base(world) + f"returns/{monthly_return.pk}/submit/",
            {"version": 1},
            content_type="application/json",
        )
        assert response.status_code == 409
        assert MonthlyReturn.objects.get().status == "draft"

    def test_a_coach_reads_but_cannot_submit_and_an_outsider_gets_404(self, world, api_of, system_scope):
        monthly_return = MonthlyReturn.objects.create(
            organisation=world.org_a, project=world.project_a, month=last_month()
        )
        url = base(world) + f"returns/{monthly_return.pk}/"
        assert api_of(world.coach_1).get(url).status_code == 200
        assert api_of(world.coach_1).post(url + "submit/", {"version": 1}).status_code == 403
        assert api_of(world.b_member).get(url).status_code == 404
        assert MonthlyReturn.objects.get().status == "draft"
