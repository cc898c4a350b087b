"""Writes for report runs: request, render (idempotent), fail and retry. Every one is audited."""

import logging
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.access import Access
from alwaysevents.audit import audit
from projects.models import Project

from .exports import tables_to_csv, tables_to_xlsx
from .models import ReportRun, report_file_name
from .presenters import MultiProjectReportPresenter, ProjectReportPresenter, ReportRunPresenter
from .registry import renderer_of
from .scopes import Scope, may_read_scope, scope_projects
from .selectors import may_read_run, multi_project_run_projects, project_report_data, projects_report_data

logger = logging.getLogger(__name__)

UNAVAILABLE = "Report generation is unavailable right now; try again later."
TOO_LONG = "The report took longer than allowed and was stopped. Try again; if it happens again, tell us."
# Publishing gives up fast when the broker is down, so the page that asked still answers quickly.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def render_pdf(**kwargs) -> bytes:
    """WeasyPrint needs the system's Pango library: load it only when a PDF is rendered, so the web and
    the other jobs start on a machine without it."""
    from .pdf import render_pdf as render

    return render(**kwargs)


def render_in_parts(report, **kwargs) -> bytes:
    """A multi-project PDF, one part at a time (reports/parts.py); WeasyPrint is loaded as for render_pdf."""
    from .parts import render_in_parts as render

    return render(report, **kwargs)


def report_enqueue(*, run_id: uuid.UUID) -> None:
    """Publish the run's render task, once the run is committed (`transaction.on_commit`); with the broker
    unreachable the run fails with a clear message instead of the page failing with a server error."""
    from .tasks import render_report_task

    try:
        render_report_task.apply_async(args=[str(run_id)], retry_policy=PUBLISH_RETRY)
    except (BrokerError, OSError):
        logger.warning("report run %s not queued: the broker is unreachable", run_id, exc_info=True)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.FAILED, error=UNAVAILABLE, finished_at=timezone.now()
        )


@transaction.atomic
def report_request(
    *, access: Access, scope: Project, kind: str = ReportRun.Kind.PDF, parameters: dict | None = None
) -> ReportRun:
    """Store a run for a project report and queue its rendering once the run is saved. Anyone who may read
    the project may ask for its report: the report holds nothing they cannot already read."""
    access.require_read_project(scope)
    if kind not in ReportRun.Kind.values:
        raise ValueError(f"Unknown report kind {kind!r}")
    run = ReportRun.objects.create(
        organisation=scope.organisation,
        project=scope,
        scope_kind=ReportRun.ScopeKind.PROJECT,
        scope_id=scope.pk,
        kind=kind,
        parameters=parameters or {},
        requested_by=access.user,
    )
    audit(actor=access.user, action="report.request", obj=run, changed=["kind", "scope_kind", "scope_id"])
    transaction.on_commit(lambda: report_enqueue(run_id=run.pk))
    return run


@transaction.atomic
def scope_report_request(*, access: Access, scope: Scope, kind: str = ReportRun.Kind.PDF) -> ReportRun:
    """Store a run for an organisation, system or cohort report and queue it once saved. The caller has
    read `scope` through `scope_visible`; the run holds the projects of the scope the requester may read
    now, and belongs to the first one's organisation (docs/adr/006-report-scopes.md)."""
    if not may_read_scope(access, scope):
        raise Http404("No such report scope")
    if kind not in ReportRun.Kind.values:
        raise ValueError(f"Unknown report kind {kind!r}")
    projects = list(scope_projects(access=access, scope=scope))
    if not projects:
        raise ValidationError(f"There are no projects in {scope.name} to report on yet")
    run = ReportRun.objects.create(
        organisation_id=projects[0].organisation_id,
        scope_kind=scope.kind,
        scope_id=scope.pk,
        kind=kind,
        parameters={"project_ids": [str(project.pk) for project in projects], "scope_name": scope.name},
        requested_by=access.user,
    )
    audit(actor=access.user, action="report.request", obj=run, changed=["kind", "scope_kind", "scope_id"])
    transaction.on_commit(lambda: report_enqueue(run_id=run.pk))
    return run


@transaction.atomic
def report_retry(*, access: Access, run: ReportRun) -> ReportRun:
    """Queue a failed run again; any other run is left as it is."""
    run = (
        ReportRun.objects.select_for_update(of=("self",))
        .select_related("project__organisation", "project__enrolment__cohort")
        .get(pk=run.pk)
    )
    if not may_read_run(access, run):
        raise Http404("No such report")
    if run.status != ReportRun.Status.FAILED:
        return run
    run.status, run.progress, run.error, run.finished_at = ReportRun.Status.QUEUED, 0, "", None
    run.save(update_fields=["status", "progress", "error", "finished_at", "updated_at"])
    audit(actor=access.user, action="report.retry", obj=run, changed=["status"])
    transaction.on_commit(lambda: report_enqueue(run_id=run.pk))
    return run


def report_fail(*, run_id: uuid.UUID, error: str) -> None:
    ReportRun.objects.filter(pk=run_id).exclude(status=ReportRun.Status.DONE).update(
        status=ReportRun.Status.FAILED, error=error, finished_at=timezone.now()
    )


def _set_progress(run_id: uuid.UUID, progress: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(progress=progress)


def _set_parts_progress(run_id: uuid.UUID, done: int, total: int) -> None:
    """Part `done` of `total` is rendered: the parts are most of the work, the merge the rest."""
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
        parts_done=done, parts_total=total, progress=30 + 65 * done // total
    )


def report_render(*, run_id: uuid.UUID, transient: tuple[type[Exception], ...] = ()) -> bool:
    """Render the run's file and email the requester, once: a run already done returns at once, and of two
    deliveries rendering at the same time only the first to finish stores its file (under the run's one
    storage name) and sends the email. `transient` errors propagate so the task can retry them; any other
    error fails the run with a message the requester can act on."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return False
        run.status, run.progress, run.error = ReportRun.Status.RUNNING, 5, ""
        run.parts_done = run.parts_total = 0
        run.started_at, run.attempts = timezone.now(), run.attempts + 1
        run.save(
            update_fields=[
                *("status", "progress", "error", "parts_done", "parts_total"),
                *("started_at", "attempts", "updated_at"),
            ]
        )
    try:
        return _store(run_id=run_id, content=_render(run))
    except transient:
        raise
    except SoftTimeLimitExceeded:
        report_fail(run_id=run_id, error=TOO_LONG)
        return False
    except Exception as error:
        logger.exception("report run %s failed", run_id)
        report_fail(
            run_id=run_id,
            error=f"The report could not be made ({type(error).__name__}). Try again; if it fails again, "
            "tell us and quote the report's address.",
        )
        return False


@transaction.atomic
def _store(*, run_id: uuid.UUID, content: bytes) -> bool:
    run = ReportRun.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=run_id)
    if run.status == ReportRun.Status.DONE:
        return False
    name = report_file_name(run, "")
    if default_storage.exists(name):
        default_storage.delete(name)  # an earlier, unfinished delivery's file: replace it, never add one
    run.file.save(name, ContentFile(content), save=False)
    run.status, run.progress, run.finished_at = ReportRun.Status.DONE, 100, timezone.now()
    run.save(update_fields=["file", "status", "progress", "finished_at", "updated_at"])
    audit(system_job="render_report", action="report.render", obj=run, changed=["file", "status"])
    _email_requester_once(run)
    return True


def _render(run: ReportRun) -> bytes:
    access = Access(user=run.requested_by)
    renderer = renderer_of(run.scope_kind)
    if renderer is not None:
        return renderer(run, access=access, progress=lambda percent: _set_progress(run.pk, percent))
    if run.scope_kind == ReportRun.ScopeKind.PROJECT:
        project = Project.objects.select_related(
            "organisation__system", "enrolment__cohort__programme", "phase"
        ).get(pk=run.project_id)
        report = ProjectReportPresenter(project_report_data(project=project), access)
    else:
        data = projects_report_data(projects=multi_project_run_projects(run=run))
        report = MultiProjectReportPresenter(
            scope_kind=run.scope_kind,
            scope_name=run.parameters.get("scope_name", ""),
            projects=[ProjectReportPresenter(entry, access) for entry in data],
            generated_on_date=timezone.localdate(),
        )
    _set_progress(run.pk, 30)
    if run.kind == ReportRun.Kind.XLSX:
        return tables_to_xlsx(report.tables(), title=report.document_title)
    if run.kind == ReportRun.Kind.CSV:
        return tables_to_csv(report.tables())
    if run.scope_kind != ReportRun.ScopeKind.PROJECT:
        # Each chapter draws its charts as it is rendered, and its layout is let go before the next.
        return render_in_parts(report, on_part=lambda done, total: _set_parts_progress(run.pk, done, total))
    charted = report.measures
    for index, measure in enumerate(charted, start=1):
        measure.svg  # noqa: B018 - the charts are the slow part; draw each once, before the layout
        if measure.equity:
            measure.equity.svg  # noqa: B018 - and the gap's chart of a measure broken down by group
        _set_progress(run.pk, 30 + 40 * index // len(charted))
    _set_progress(run.pk, 70)
    return render_pdf(
        template="reports/project_report.jinja", context={"report": report}, title=report.document_title
    )


def _email_requester_once(run: ReportRun) -> None:
    """Called with the run locked: the email goes once, whoever delivers the task."""
    if run.emailed_at is not None or run.requested_by is None or not run.requested_by.email:
        return  # a pack the beat job asked for is read on the pack page; nobody is emailed
    presenter = ReportRunPresenter(run, Access(user=run.requested_by))
    context = {"run": presenter, "url": settings.SITE_URL + run.get_absolute_url()}
    send_mail(
        subject=f"Your report is ready: {presenter.subject}",
        message=render_to_string("reports/email/report_ready.txt.jinja", context),
        from_email=None,
        recipient_list=[run.requested_by.email],
    )
    run.emailed_at = timezone.now()
    run.save(update_fields=["emailed_at"])
    audit(system_job="render_report", action="report.email", obj=run, changed=["emailed_at"])
