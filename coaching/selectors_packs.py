"""Reads for pre-call packs, a report about one call: `reports.ReportRun`s of scope "call", rendered by the
reports task (docs/reports.md)."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from coproduction.models import Comment, PdsaCycle
from measurement.models import DataPoint, Measure
from projects.models import Project
from projects.selectors import records_of
from reports.models import ReportRun

from .models import CallAction, CoachingCall, MonthlyReturn
from .selectors import pre_call_pack_days


def packs_of_call(*, call: CoachingCall) -> QuerySet[ReportRun]:
    """A call's pre-call pack runs, newest first. The caller has read `call` through `call_visible`."""
    return ReportRun.objects.filter(
        organisation_id=call.organisation_id, call=call, scope_kind=ReportRun.ScopeKind.CALL
    ).select_related("requested_by")


def calls_needing_pack(*, now: datetime) -> list[CoachingCall]:
    """Calls due within PRE_CALL_PACK_DAYS that have no pack run yet (asked for by the job or a coach).
    Runs in the job's all-organisations scope."""
    has_pack = ReportRun.objects.filter(call=OuterRef("pk"), scope_kind=ReportRun.ScopeKind.CALL)
    return list(
        CoachingCall.objects.filter(
            scheduled_for__gte=now, scheduled_for__lte=now + timedelta(days=pre_call_pack_days())
        )
        .filter(~Exists(has_pack))
        .order_by("scheduled_for", "pk")
    )


def last_return_of(*, project: Project) -> MonthlyReturn | None:
    """The project's most recent submitted monthly return, for its pre-call pack."""
    return (
        records_of(project=project, model=MonthlyReturn)
        .filter(status=MonthlyReturn.Status.SUBMITTED)
        .order_by("-month")
        .first()
    )


def pack_call(*, run: ReportRun) -> CoachingCall:
    """The call a pre-call pack run is for, with its project. Read in the task's tenant scope."""
    call = CoachingCall.objects.select_related(
        "project__organisation__system", "project__enrolment__cohort__programme", "project__phase"
    ).get(pk=run.call_id)
    return call


def pack_data_changed_since(*, call: CoachingCall, moment: datetime) -> bool:
    """Whether anything a pre-call pack shows changed after `moment`: one query per kind of record."""
    project = call.project
    if call.updated_at > moment or project.updated_at > moment:
        return True
    for model in (CallAction, PdsaCycle, Comment, Measure, MonthlyReturn):
        if records_of(project=project, model=model).filter(updated_at__gt=moment).exists():
            return True
    return DataPoint.objects.filter(
        organisation_id=project.organisation_id, measure__project=project, updated_at__gt=moment
    ).exists()
