import pytest
from django.core import mail
from django.utils import timezone

from alwaysevents.tenancy import all_organisations
from coaching.models import MonthlyReturn
from coaching.tasks import prepare_pre_call_packs, send_return_reminders
from reports.models import ReportRun

from .helpers import last_month, make_call

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coaching.urls_coaching")]


class TestPreCallPacks:
    def test_calls_due_within_the_window_get_one_pack_run_each(
        self, world, settings, system_scope, django_capture_on_commit_callbacks
    ):
        settings.PRE_CALL_PACK_DAYS = 2
        soon = make_call(world.project_a, days=1)
        other = make_call(world.project_b, days=2 - 1 / 24)
        make_call(world.project_a, days=5)
        make_call(world.project_b, days=-1)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            assert prepare_pre_call_packs() == 2
        runs = ReportRun.objects.filter(scope_kind="call")
        assert {run.call_id for run in runs} == {soon.pk, other.pk}
        enqueued = [callback for callback in queued if "pack_request_automatic" in callback.__qualname__]
        assert len(enqueued) == 2, "each pack is queued once its run is committed"
        for run in runs:
            assert run.requested_by is None and run.kind == "pdf" and run.status == "queued"
            assert run.project_id == run.call.project_id and run.organisation_id == run.call.organisation_id
        assert prepare_pre_call_packs() == 0, "beat running twice asks for each call's pack once"
        assert runs.count() == 2

    def test_a_call_whose_pack_a_coach_already_asked_for_is_left_alone(self, world, settings, system_scope):
        from accounts.access import Access
        from coaching.services_packs import pack_request

        settings.PRE_CALL_PACK_DAYS = 2
        call = make_call(world.project_a, days=1)
        pack_request(access=Access.for_user(world.coach_1), call=call)
        assert prepare_pre_call_packs() == 0
        assert ReportRun.objects.filter(call=call).count() == 1

    def test_the_automatic_pack_is_unique_even_when_asked_for_twice_at_once(self, world, system_scope):
        from coaching.services_packs import pack_request_automatic

        call = make_call(world.project_a, days=1)
        assert pack_request_automatic(call=call, job="test") is not None
        assert pack_request_automatic(call=call, job="test") is None, "the unique constraint holds"
        assert ReportRun.objects.filter(call=call).count() == 1

    def test_the_window_follows_the_setting(self, world, settings, system_scope):
        settings.PRE_CALL_PACK_DAYS = 7
        make_call(world.project_a, days=5)
        assert prepare_pre_call_packs() == 1


class TestReturnReminders:
    @pytest.fixture
    def reminder_day(self, settings):
        settings.RETURN_REMINDER_DAY = 5
        return timezone.localdate().replace(day=6)

    def test_team_members_are_emailed_once_per_project_and_month(self, world, reminder_day, system_scope):
        from coaching.services import return_reminders_send

        with all_organisations(reason="test"):
            MonthlyReturn.objects.create(
                organisation=world.org_b,
                project=world.project_b,
                month=last_month(reminder_day),
                status="submitted",
            )
            assert return_reminders_send(today=reminder_day) == 1
            assert return_reminders_send(today=reminder_day) == 0
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [world.a_member.email]
        assert world.project_a.title in mail.outbox[0].subject
        reminded = MonthlyReturn.objects.get(project=world.project_a)
        assert reminded.reminded_at is not None and reminded.status == "draft"
        assert reminded.get_absolute_url() in mail.outbox[0].body

    def test_nothing_is_sent_before_the_reminder_day(self, world, settings, system_scope):
        from coaching.services import return_reminders_send

        settings.RETURN_REMINDER_DAY = 5
        with all_organisations(reason="test"):
            assert return_reminders_send(today=timezone.localdate().replace(day=3)) == 0
        assert mail.outbox == [] and not MonthlyReturn.objects.exists()

    def test_the_task_runs_in_a_system_scope(self, world, settings):
        settings.RETURN_REMINDER_DAY = 1
        sent = send_return_reminders()  # no ScopeError: it opens its own all-organisations scope
        assert send_return_reminders() == 0
        assert len(mail.outbox) == sent
