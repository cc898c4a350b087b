from datetime import date, timedelta

import pytest
from django.utils import timezone

from alwaysevents.models import AuditEvent
from alwaysevents.tenancy import all_organisations
from coaching.models import MonthlyReturn
from coproduction.models import PdsaCycle

from .helpers import last_month

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]


def list_url(world) -> str:
    return f"/projects/{world.project_a.pk}/returns/"


def make_return(world, month=None, **fields) -> MonthlyReturn:
    with all_organisations(reason="test set-up"):
        return MonthlyReturn.objects.create(
            organisation=world.org_a, project=world.project_a, month=month or last_month(), **fields
        )


def this_month() -> date:
    return timezone.localdate().replace(day=1)


class TestStarting:
    def test_the_team_starts_last_months_return(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(list_url(world), {"month": last_month().isoformat()})
        monthly_return = MonthlyReturn.objects.get()
        assert response.status_code == 302 and response["Location"] == monthly_return.get_absolute_url()
        assert (monthly_return.organisation, monthly_return.status) == (world.org_a, "draft")
        # starting it again gives the same return
        client_of(world.a_partner).post(list_url(world), {"month": last_month().isoformat()})
        assert MonthlyReturn.objects.count() == 1

    def test_a_future_month_is_refused(self, world, client_of, system_scope):
        future = (this_month() + timedelta(days=40)).isoformat()
        response = client_of(world.a_member).post(list_url(world), {"month": future})
        assert response.status_code == 200 and "this month or an earlier one" in response.content.decode()
        assert not MonthlyReturn.objects.exists()

    @pytest.mark.parametrize("persona", ["a_buddy", "coach_1", "a_viewer"])
    def test_readers_cannot_start_one(self, world, client_of, persona, system_scope):
        client = client_of(getattr(world, persona))
        assert client.get(list_url(world)).status_code == 200
        assert client.post(list_url(world), {"month": last_month().isoformat()}).status_code == 403
        assert not MonthlyReturn.objects.exists()

    @pytest.mark.parametrize("persona", ["b_member", "b_buddy", "coach_2", "nobody"])
    def test_outsiders_get_404(self, world, client_of, persona):
        monthly_return = make_return(world)
        client = client_of(getattr(world, persona))
        assert client.get(list_url(world)).status_code == 404
        assert client.get(monthly_return.get_absolute_url()).status_code == 404
        assert client.post(monthly_return.get_absolute_url() + "submit/", {"version": 1}).status_code == 404


class TestReviewAndSubmit:
    def test_the_page_shows_the_figures_the_team_recorded_that_month(self, world, client_of, system_scope):
        PdsaCycle.objects.filter(pk=world.records_a.cycle.pk).update(
            starts_on=this_month(), ends_on=this_month(), act_decision="adopt", status="complete"
        )
        monthly_return = make_return(world, month=this_month())
        body = client_of(world.a_member).get(monthly_return.get_absolute_url()).content.decode()
        assert world.project_a.phase.name in body
        assert "Found the way without asking: 80.0%" in body
        assert "Painted bones cycle 1" in body and "Painted bones on the floor" in body

    def test_saving_barriers_and_submitting_freezes_the_figures(self, world, client_of, system_scope):
        monthly_return = make_return(world)
        client = client_of(world.a_member)
        url = monthly_return.get_absolute_url()
        response = client.post(
            url, {"version": 1, "barriers": "Staff shortages", "help_wanted": "A data lead"}
        )
        assert response.status_code == 302
        response = client.post(url + "submit/", {"version": 2})
        assert response.status_code == 302
        monthly_return.refresh_from_db()
        assert (monthly_return.status, monthly_return.submitted_by) == ("submitted", world.a_member)
        assert monthly_return.barriers == "Staff shortages"
        assert monthly_return.snapshot["phase"] == world.project_a.phase.name
        assert monthly_return.snapshot["aim"]["latest_value"] == 80.0
        assert AuditEvent.objects.filter(action="monthly_return.submit").count() == 1
        # once submitted, nothing changes
        client.post(url, {"version": 3, "barriers": "Changed", "help_wanted": ""})
        monthly_return.refresh_from_db()
        assert monthly_return.barriers == "Staff shortages"

    def test_a_stale_save_is_refused_with_the_newer_values(self, world, client_of, system_scope):
        monthly_return = make_return(world)
        url = monthly_return.get_absolute_url()
        client_of(world.a_partner).post(url, {"version": 1, "barriers": "Partner's view", "help_wanted": ""})
        response = client_of(world.a_member).post(url, {"version": 1, "barriers": "Mine", "help_wanted": ""})
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s view" in body
        monthly_return.refresh_from_db()
        assert monthly_return.barriers == "Partner's view"

    def test_a_stale_submit_is_refused(self, world, client_of, system_scope):
        monthly_return = make_return(world)
        url = monthly_return.get_absolute_url()
        client_of(world.a_partner).post(url, {"version": 1, "barriers": "Late change", "help_wanted": ""})
        client_of(world.a_member).post(url + "submit/", {"version": 1})
        monthly_return.refresh_from_db()
        assert monthly_return.status == "draft"

    @pytest.mark.parametrize("persona", ["a_buddy", "coach_1"])
    def test_readers_see_it_but_cannot_change_or_submit(self, world, client_of, persona, system_scope):
        monthly_return = make_return(world)
        client = client_of(getattr(world, persona))
        url = monthly_return.get_absolute_url()
        assert client.get(url).status_code == 200
        assert client.post(url, {"version": 1, "barriers": "x", "help_wanted": ""}).status_code == 403
        assert client.post(url + "submit/", {"version": 1}).status_code == 403
        monthly_return.refresh_from_db()
        assert (monthly_return.status, monthly_return.barriers) == ("draft", "")

    def test_the_dashboard_shows_who_has_submitted(self, world, client_of):
        make_return(world, status="submitted")
        body = client_of(world.programme_admin).get("/dashboards/coach/csv/").content.decode()
        line_a = next(line for line in body.splitlines() if line.startswith(world.project_a.title))
        line_b = next(line for line in body.splitlines() if line.startswith(world.project_b.title))
        assert ",Submitted," in line_a and ",Not started," in line_b
