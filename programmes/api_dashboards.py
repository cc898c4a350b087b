"""The dashboards' API, over the same selectors as the pages."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from alwaysevents.api import BaseApi

from .api import _paginated
from .presenters import RETURN_LABELS
from .presenters_dashboards import sort_rows
from .selectors_dashboards import DashboardFilters, dashboard_rows

# --- Coach dashboard ----------------------------------------------------------------------------------


class DashboardRowOutput(serializers.Serializer):
    project = serializers.UUIDField(source="project.pk")
    title = serializers.CharField(source="project.title")
    organisation = serializers.CharField(source="project.organisation.name")
    organisation_ods_code = serializers.CharField(source="project.organisation.ods_code")
    system = serializers.CharField(source="system.name", allow_null=True, default=None)
    cohort = serializers.CharField(source="project.enrolment.cohort.name")
    phase = serializers.CharField(source="project.phase.name")
    suggested_score = serializers.DecimalField(max_digits=2, decimal_places=1)
    aim_measure = serializers.CharField(source="aim.measure.name", allow_null=True, default=None)
    latest_value = serializers.FloatField(source="aim.latest_value", allow_null=True, default=None)
    latest_period_start = serializers.DateField(source="aim.latest_start", allow_null=True, default=None)
    variation_icon = serializers.CharField(allow_null=True)
    assurance_icon = serializers.CharField(source="aim.assurance_icon", allow_null=True, default=None)
    last_data_entry = serializers.DateTimeField(allow_null=True)
    return_status = serializers.ChoiceField(choices=list(RETURN_LABELS))
    return_overdue = serializers.BooleanField()
    unresolved_comments = serializers.IntegerField()
    next_call = serializers.DateTimeField(allow_null=True)
    needs_attention = serializers.BooleanField()
    attention_reasons = serializers.ListField(child=serializers.CharField())
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return settings.SITE_URL + row.project.get_absolute_url()


FILTER_PARAMETERS = [
    OpenApiParameter(name, str, required=False, description=description)
    for name, description in [
        ("programme", "A programme id"),
        ("cohort", "A cohort id"),
        ("system", "An integrated care system's organisation id"),
        ("phase", "A phase name"),
        ("icon", "improvement, concern, neutral, common_cause or no_data"),
        ("attention", "'yes' for projects that need attention only"),
        (
            "sort",
            "A column, '-' first for descending: project, organisation, system, phase, score, latest, "
            "last_entry, return, comments, next_call",
        ),
    ]
]


class CoachDashboardApi(BaseApi):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=DashboardRowOutput(many=True),
        operation_id="coach_dashboard_list",
    )
    def get(self, request):
        params = request.query_params
        filters = DashboardFilters(
            programme=params.get("programme", ""),
            cohort=params.get("cohort", ""),
            system=params.get("system", ""),
            phase=params.get("phase", ""),
            icon=params.get("icon", ""),
            needs_attention=params.get("attention") == "yes",
        )
        rows, _ = sort_rows(
            dashboard_rows(access=request.access, filters=filters), params.get("sort", "project")
        )
        return _paginated(self, request, rows, DashboardRowOutput)


urlpatterns = [
    path("dashboards/coach/", CoachDashboardApi.as_view(), name="api_coach_dashboard"),
]
