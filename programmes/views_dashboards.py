"""Dashboard pages. Thin views: read through selectors, display through presenters."""

import csv

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from alwaysevents.shortcuts import render_with_form

from .presenters_dashboards import CSV_HEADER, CoachDashboard, RowPresenter, sort_rows
from .selectors_dashboards import DashboardFilters, dashboard_filter_options, dashboard_rows

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
    )


@require_GET
def coach_dashboard(request):
    filters = _filters(request)
    dashboard = CoachDashboard(
        rows=dashboard_rows(access=request.access, filters=filters),
        filters=filters,
        options=dashboard_filter_options(access=request.access),
        sort=request.GET.get("sort", "project"),
    )
    return _render(request, "coach_dashboard.jinja", {"dashboard": dashboard})


@require_GET
def coach_dashboard_csv(request):
    rows = dashboard_rows(access=request.access, filters=_filters(request))
    rows, _ = sort_rows(rows, request.GET.get("sort", "project"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coach-dashboard-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(_csv_safe(RowPresenter(row).csv_row(settings.SITE_URL)))
    return response


def _csv_safe(cells: list[str]) -> list[str]:
    """A cell a spreadsheet would run as a formula is written as text (CSV injection)."""
    return [f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell for cell in cells]


urlpatterns = [
    path("dashboards/coach/", coach_dashboard, name="coach_dashboard"),
    path("dashboards/coach/csv/", coach_dashboard_csv, name="coach_dashboard_csv"),
]
