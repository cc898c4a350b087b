"""Writes of pre-call packs, a report about one call: ask for a call's pack, by a coach or ahead of each
call by the beat job, and render it on reports' toolkit (the reports task calls `pack_render` for a run of
scope "call": `reports.registry`). Every request is audited."""

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from reports.models import ReportRun
from reports.services import render_pdf, report_enqueue

from .models import CoachingCall
from .presenters import PreCallPack, ReturnPresenter
from .presenters_packs import PackReportPresenter
from .selectors_packs import calls_needing_pack, last_return_of, pack_call

JOB = "prepare_pre_call_packs"


@transaction.atomic
def pack_request(*, access: Access, call: CoachingCall) -> ReportRun:
    """A coach (or anyone who reads the project) asks for the call's pre-call pack PDF, again if they like:
    each request is a new run, so the pack can be made again once its data changed. The caller has read
    `call` through `call_visible`."""
    access.require_read_project(call.project)
    run = ReportRun.objects.create(**_pack_fields(call), requested_by=access.user)
    audit(actor=access.user, action="report.request", obj=run, changed=["kind", "scope_kind", "scope_id"])
    transaction.on_commit(lambda: report_enqueue(run_id=run.pk))
    return run


def pack_request_automatic(*, call: CoachingCall, job: str) -> ReportRun | None:
    """The beat job asks for a call's pack: once per call, however often or concurrently it runs (a
    unique constraint holds the line). Nobody requested it, so nobody is emailed. Runs in the job's
    all-organisations scope; returns None when the call already has its automatic pack."""
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(**_pack_fields(call), requested_by=None)
    except IntegrityError:
        return None
    audit(system_job=job, action="report.request", obj=run, changed=["kind", "scope_kind", "scope_id"])
    transaction.on_commit(lambda: report_enqueue(run_id=run.pk))
    return run


def _pack_fields(call: CoachingCall) -> dict:
    return {
        "organisation_id": call.organisation_id,
        "project_id": call.project_id,
        "call": call,
        "scope_kind": ReportRun.ScopeKind.CALL,
        "scope_id": call.pk,
        "kind": ReportRun.Kind.PDF,
    }


def pre_call_packs_request(*, now: datetime | None = None) -> int:
    """Ask for the pack of every call due soon that has none; running twice (or twice at once) asks once
    per call. Runs in the job's all-organisations scope. Returns how many packs were asked for."""
    now = now or timezone.now()
    requested = [pack_request_automatic(call=call, job=JOB) for call in calls_needing_pack(now=now)]
    return sum(1 for run in requested if run is not None)


def pack_render(run: ReportRun, *, access: Access, progress: Callable[[int], None]) -> bytes:
    """The pack's PDF, for `reports.services.report_render`, in the task's tenant scope."""
    call = pack_call(run=run)
    last_return = last_return_of(project=call.project)
    report = PackReportPresenter(
        pack=PreCallPack(call, access),
        last_return=ReturnPresenter(last_return, access) if last_return else None,
        generated_on_date=timezone.localdate(),
    )
    if report.aim is not None:
        report.aim.svg  # noqa: B018 - draw the chart before the layout
    progress(60)
    return render_pdf(
        template="reports/pre_call_pack.jinja", context={"report": report}, title=report.document_title
    )
