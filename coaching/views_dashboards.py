"""Dashboard pages. Thin views: read through selectors, display through presenters."""

import csv
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from alwaysevents.page_cache import cached_page, page_key
from alwaysevents.shortcuts import render_with_form

from .forms_dashboards import AssignForm, RemoveForm
from .presenters_dashboards import (
    CSV_HEADER,
    CoachDashboard,
    ProgrammeDashboard,
    RowPresenter,
    page_number,
    regional_dashboard_presenter,
    system_dashboard_presenter,
)
from .selectors_dashboards import (
    DashboardFilters,
    cohort_of_programme,
    dashboard_rows,
    programme_dashboard,
    project_of_programme,
    regional_dashboard,
    require_dashboard,
    require_regional_dashboard,
    system_dashboard,
)
from .services_assignments import (
    AssignmentRefused,
    buddy_assign,
    buddy_remove,
    coach_assign,
    coach_remove,
)

TEMPLATES = "programmes/"


def _render(request, template: str, context: dict):
    return render_with_form(request, TEMPLATES + template, context, None)


# --- Coach dashboard ----------------------------------------------------------------------------------


def _filters(request) -> DashboardFilters:
    return DashboardFilters(
        programme=request.GET.get("programme", ""),
        cohort=request.GET.get("cohort", ""),
        system=request.GET.get("system", ""),
        phase=request.GET.get("phase", ""),
        icon=request.GET.get("icon", ""),
        needs_attention=request.GET.get("attention") == "yes",
        place=request.GET.get("place", ""),
    )


def _page_params(request, filters: DashboardFilters) -> dict:
    return {
        **asdict(filters),
        "sort": request.GET.get("sort", "project"),
        "page": page_number(request.GET.get("page")),
    }


def _body(request, template: str, dashboard) -> str:
    return render_to_string(TEMPLATES + template, {"dashboard": dashboard}, request)


@require_GET
def coach_dashboard(request):
    require_dashboard(request.access)
    filters = _filters(request)
    params = _page_params(request, filters)

    def build() -> dict:
        rows = dashboard_rows(access=request.access, filters=filters, sort=params["sort"])
        dashboard = CoachDashboard(
            rows=rows, filters=filters, options=rows.facets.options(), page=params["page"]
        )
        return {"body": _body(request, "_coach_dashboard_body.jinja", dashboard)}

    page = cached_page(page_key(request.access, "coach", params), build)
    return _render(request, "coach_dashboard.jinja", {"body": mark_safe(page["body"])})  # noqa: S308 - rendered


@require_GET
def coach_dashboard_csv(request):
    rows = dashboard_rows(access=request.access, filters=_filters(request), sort=request.GET.get("sort", ""))
    return _csv_response(rows, name="coach-dashboard")


def _csv_response(rows, *, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(_csv_safe(RowPresenter(row).csv_row(settings.SITE_URL)))
    return response


def _csv_safe(cells: list[str]) -> list[str]:
    """A cell a spreadsheet would run as a formula is written as text (CSV injection)."""
    return [f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell for cell in cells]


# --- System dashboard ---------------------------------------------------------------------------------


@require_GET
def system_dashboard_page(request):
    filters = _filters(request)
    params = {**_page_params(request, filters), "system": request.GET.get("system", "")}

    def build() -> dict:
        data = system_dashboard(access=request.access, system_id=params["system"], place_id=filters.place)
        dashboard = system_dashboard_presenter(data, filters, params["sort"], params["page"])
        return {
            "title": dashboard.title,
            "system_id": str(data.system.pk),
            "body": _body(request, "_system_dashboard_body.jinja", dashboard),
        }

    page = cached_page(page_key(request.access, "system", params), build)
    body = mark_safe(page["body"])  # noqa: S308 - rendered by our template, escaped there
    return _render(request, "system_dashboard.jinja", {"page": page, "body": body})


@require_GET
def system_dashboard_csv(request):
    filters = _filters(request)
    data = system_dashboard(
        access=request.access, system_id=request.GET.get("system", ""), place_id=filters.place
    )
    return _csv_response(data.rows(filters, request.GET.get("sort", "")), name="system-dashboard")


# --- Regional dashboard -------------------------------------------------------------------------------


@require_GET
def regional_dashboard_page(request):
    require_regional_dashboard(request.access)
    filters = _filters(request)
    params = {**_page_params(request, filters), "region": request.GET.get("region", "")}

    def build() -> dict:
        data = regional_dashboard(access=request.access, region_id=params["region"])
        dashboard = regional_dashboard_presenter(data, filters, params["sort"], params["page"])
        return {
            "title": dashboard.title,
            "region_id": str(data.region.pk),
            "body": _body(request, "_regional_dashboard_body.jinja", dashboard),
        }

    page = cached_page(page_key(request.access, "region", params), build)
    body = mark_safe(page["body"])  # noqa: S308 - rendered by our template, escaped there
    return _render(request, "regional_dashboard.jinja", {"page": page, "body": body})


@require_GET
def regional_dashboard_csv(request):
    data = regional_dashboard(access=request.access, region_id=request.GET.get("region", ""))
    rows = data.rows(_filters(request), request.GET.get("sort", ""))
    return _csv_response(rows, name="regional-dashboard")


# --- Programme dashboard ------------------------------------------------------------------------------


@require_GET
def programme_dashboard_page(request):
    return _programme_page(request, request.GET.get("programme", ""))


def _programme_page(request, programme_id, *, prefix: str = "", form=None):
    data = programme_dashboard(access=request.access, programme_id=programme_id)
    dashboard = ProgrammeDashboard(
        data,
        failed_prefix=prefix,
        failed_form=form,
        buddies_page=page_number(request.GET.get("buddies_page")),
    )
    if form is not None and prefix.startswith("project-"):
        # The form that failed must be on the page shown: show its project's page of buddies.
        dashboard.buddies_page = dashboard.page_of_prefix(prefix)
    return render_with_form(
        request,
        TEMPLATES + "programme_dashboard.jinja",
        {"dashboard": dashboard},
        form,
        status=400 if form is not None else 200,
    )


@require_POST
def cohort_coaches(request, programme_id, cohort_id):
    cohort = cohort_of_programme(access=request.access, programme_id=programme_id, cohort_id=cohort_id)
    return _assignment(
        request,
        programme_id,
        prefix=f"cohort-{cohort.pk}",
        assign=lambda user: coach_assign(access=request.access, cohort=cohort, user=user),
        remove=lambda user: coach_remove(access=request.access, cohort=cohort, user=user),
        done=("{email} now coaches " + cohort.name, "{email} no longer coaches " + cohort.name),
    )


@require_POST
def project_buddies(request, programme_id, project_id):
    project = project_of_programme(access=request.access, programme_id=programme_id, project_id=project_id)
    return _assignment(
        request,
        programme_id,
        prefix=f"project-{project.pk}",
        assign=lambda user: buddy_assign(access=request.access, project=project, user=user),
        remove=lambda user: buddy_remove(access=request.access, project=project, user=user),
        done=(
            "{email} is now a buddy of " + project.title,
            "{email} is no longer a buddy of " + project.title,
        ),
    )


def _assignment(request, programme_id, *, prefix: str, assign, remove, done: tuple[str, str]):
    """Assign (or, with action=remove, remove) one person; with bad input the dashboard comes back with the
    form's errors and nothing changed."""
    removing = request.POST.get("action") == "remove"
    form = (RemoveForm if removing else AssignForm)(request.POST, prefix=prefix)
    if form.is_valid():
        user = form.cleaned_data["user"] if removing else form.user
        try:
            remove(user) if removing else assign(user)
        except AssignmentRefused as refused:
            form.add_error(None if removing else "email", str(refused))
        else:
            messages.success(request, done[1 if removing else 0].format(email=user.email))
            page = request.GET.get("buddies_page", "")
            query = f"?programme={programme_id}" + (f"&buddies_page={page}" if page.isdigit() else "")
            return redirect(reverse("programme_dashboard") + f"{query}#{prefix}")
    return _programme_page(request, programme_id, prefix=prefix, form=form)


urlpatterns = [
    path("dashboards/coach/", coach_dashboard, name="coach_dashboard"),
    path("dashboards/coach/csv/", coach_dashboard_csv, name="coach_dashboard_csv"),
    path("dashboards/system/", system_dashboard_page, name="system_dashboard"),
    path("dashboards/system/csv/", system_dashboard_csv, name="system_dashboard_csv"),
    path("dashboards/region/", regional_dashboard_page, name="regional_dashboard"),
    path("dashboards/region/csv/", regional_dashboard_csv, name="regional_dashboard_csv"),
    path("dashboards/programme/", programme_dashboard_page, name="programme_dashboard"),
    path(
        "dashboards/programme/<uuid:programme_id>/cohorts/<uuid:cohort_id>/coaches/",
        cohort_coaches,
        name="programme_dashboard_cohort_coaches",
    ),
    path(
        "dashboards/programme/<uuid:programme_id>/projects/<uuid:project_id>/buddies/",
        project_buddies,
        name="programme_dashboard_project_buddies",
    ),
]
