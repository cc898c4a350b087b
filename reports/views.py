"""Report pages: ask for a project's, organisation's, system's, cohort's or region's report; watch it (or a
call's pre-call pack: `coaching.views`) progress, download it, retry it. Thin views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduction.presenters.projects import ProjectPresenter
from projects.selectors import project_visible

from .downloads import report_file_response
from .forms import ReportRequestForm
from .models import ReportRun
from .presenters import ReportRunPresenter
from .scopes import scope_projects, scope_visible
from .selectors import run_visible, runs_of_project, runs_of_scope
from .services import report_request, report_retry, scope_report_request

RECENT_RUNS = 10


@require_http_methods(["GET", "POST"])
def report_new(request, project_id):
    """GET: the kinds of report to choose from and the project's recent runs. POST: ask for one."""
    project = project_visible(access=request.access, project_id=project_id)
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = report_request(access=request.access, scope=project, kind=form.cleaned_data["kind"])
        return redirect(run)
    runs = [ReportRunPresenter(run, request.access) for run in runs_of_project(project=project)[:RECENT_RUNS]]
    context = {
        "project": ProjectPresenter(project, request.access),
        "form": form,
        "runs": runs,
        "page_has_errors": bool(form.errors),
    }
    return render(request, "reports/report_new.jinja", context)


def _scope_report_new(request, kind, scope_id):
    """GET: the kinds of report and the scope's recent runs. POST: ask for one."""
    scope = scope_visible(access=request.access, kind=kind, scope_id=scope_id)
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = scope_report_request(access=request.access, scope=scope, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            return redirect(run)
    runs = [
        ReportRunPresenter(run, request.access) for run in runs_of_scope(access=request.access, scope=scope)
    ]
    context = {
        "scope": scope,
        "project_count": scope_projects(access=request.access, scope=scope).count(),
        "form": form,
        "runs": runs[:RECENT_RUNS],
        "page_has_errors": bool(form.errors),
    }
    return render(request, "reports/scope_report_new.jinja", context)


@require_http_methods(["GET", "POST"])
def organisation_report_new(request, organisation_id):
    return _scope_report_new(request, ReportRun.ScopeKind.ORGANISATION, organisation_id)


@require_http_methods(["GET", "POST"])
def system_report_new(request, system_id):
    return _scope_report_new(request, ReportRun.ScopeKind.SYSTEM, system_id)


@require_http_methods(["GET", "POST"])
def cohort_report_new(request, cohort_id):
    return _scope_report_new(request, ReportRun.ScopeKind.COHORT, cohort_id)


@require_http_methods(["GET", "POST"])
def region_report_new(request, region_id):
    return _scope_report_new(request, ReportRun.ScopeKind.REGION, region_id)


@require_GET
def report_run(request, run_id):
    """The run's progress. htmx polls the same address for the progress fragment; without JavaScript the
    page refreshes itself while the run is queued or running."""
    run = ReportRunPresenter(run_visible(access=request.access, run_id=run_id), request.access)
    if request.headers.get("HX-Request") == "true":
        return render(request, "reports/_run_progress.jinja", {"run": run})
    return render(request, "reports/report_run.jinja", {"run": run})


@require_GET
def report_download(request, run_id):
    return report_file_response(request, run_id)


@require_POST
def report_retry_view(request, run_id):
    run = report_retry(access=request.access, run=run_visible(access=request.access, run_id=run_id))
    if run.status == ReportRun.Status.QUEUED:
        messages.success(request, "Your report has been queued again")
    return redirect(run)


urlpatterns = [
    path("projects/<uuid:project_id>/reports/new/", report_new, name="report_request"),
    path(
        "organisations/<uuid:organisation_id>/reports/",
        organisation_report_new,
        name="report_request_organisation",
    ),
    path("systems/<uuid:system_id>/reports/", system_report_new, name="report_request_system"),
    path("cohorts/<uuid:cohort_id>/reports/", cohort_report_new, name="report_request_cohort"),
    path("regions/<uuid:region_id>/reports/", region_report_new, name="report_request_region"),
    path("reports/<uuid:run_id>/", report_run, name="report_run"),
    path("reports/<uuid:run_id>/download/", report_download, name="report_download"),
    path("reports/<uuid:run_id>/retry/", report_retry_view, name="report_retry"),
]
