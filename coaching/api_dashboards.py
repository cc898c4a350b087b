"""The dashboards' API, over the same selectors as the pages."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated
from measurement.equity import EQUITY_LABELS

from .presenters import RETURN_LABELS
from .presenters_dashboards import rollup, system_rollups
from .selectors_dashboards import (
    DashboardFilters,
    dashboard_rows,
    programme_dashboard,
    regional_dashboard,
    reliability_cards,
    system_dashboard,
)

# --- Coach dashboard ----------------------------------------------------------------------------------


class DashboardRowOutput(serializers.Serializer):
    project = serializers.UUIDField(source="project.pk")
    title = serializers.CharField(source="project.title")
    organisation = serializers.CharField(source="project.organisation.name")
    organisation_ods_code = serializers.CharField(source="project.organisation.ods_code", allow_null=True)
    system = serializers.CharField(source="system.name", allow_null=True, default=None)
    partners = serializers.ListField(
        child=serializers.CharField(), help_text="The project's current partner organisations, by name"
    )
    cohort = serializers.CharField(source="project.enrolment.cohort.name")
    phase = serializers.CharField(source="project.phase.name")
    suggested_score = serializers.DecimalField(max_digits=2, decimal_places=1)
    aim_measure = serializers.CharField(source="aim.measure.name", allow_null=True, default=None)
    latest_value = serializers.FloatField(source="aim.latest_value", allow_null=True, default=None)
    latest_period_start = serializers.DateField(source="aim.latest_start", allow_null=True, default=None)
    variation_icon = serializers.CharField(allow_null=True)
    assurance_icon = serializers.CharField(source="aim.assurance_icon", allow_null=True, default=None)
    equity = serializers.ChoiceField(
        choices=list(EQUITY_LABELS),
        source="equity.direction",
        allow_null=True,
        default=None,
        help_text="Whether the gap between the most and the least deprived group narrows, for an aim measure "
        "broken down by deprivation (small numbers suppressed); null for any other",
    )
    equity_finding = serializers.CharField(
        source="equity.finding", allow_null=True, default=None, help_text="Why, in a sentence"
    )
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


SORT_PARAMETER = OpenApiParameter(
    "sort",
    str,
    required=False,
    description="A column, '-' first for descending: project, organisation, system, phase, score, latest, "
    "last_entry, return, comments, next_call",
)
FILTER_PARAMETERS = [
    OpenApiParameter(name, str, required=False, description=description)
    for name, description in [
        ("programme", "A programme id"),
        ("cohort", "A cohort id"),
        ("system", "An integrated care system's organisation id"),
        ("phase", "A phase name"),
        ("icon", "improvement, concern, neutral, common_cause or no_data"),
        ("attention", "'yes' for projects that need attention only"),
    ]
]


class CoachDashboardApi(APIView):
    @extend_schema(
        parameters=[*FILTER_PARAMETERS, SORT_PARAMETER],
        responses=DashboardRowOutput(many=True),
        operation_id="coach_dashboard_list",
    )
    def get(self, request):
        params = request.query_params
        rows = dashboard_rows(access=request.access, filters=_filters(params), sort=params.get("sort", ""))
        return paginated(self, request, rows, DashboardRowOutput)


def _filters(params) -> DashboardFilters:
    return DashboardFilters(
        programme=params.get("programme", ""),
        cohort=params.get("cohort", ""),
        system=params.get("system", ""),
        phase=params.get("phase", ""),
        icon=params.get("icon", ""),
        needs_attention=params.get("attention") == "yes",
        place=params.get("place", ""),
    )


# --- System dashboard ---------------------------------------------------------------------------------


class OrganisationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    ods_code = serializers.CharField(allow_null=True)


class PlaceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class RollupLineOutput(serializers.Serializer):
    group = serializers.ChoiceField(choices=["improvement", "concern", "neutral", "common_cause", "no_data"])
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="One count a phase, in order")
    total = serializers.IntegerField()


class RollupOutput(serializers.Serializer):
    phases = serializers.ListField(child=serializers.CharField())
    lines = RollupLineOutput(many=True)
    totals = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class MeasureSummaryOutput(serializers.Serializer):
    measure = serializers.UUIDField(source="measure.pk")
    name = serializers.CharField(source="measure.name")
    project = serializers.UUIDField(source="measure.project_id")
    project_title = serializers.CharField(source="measure.project.title")
    is_aim_measure = serializers.BooleanField(source="measure.is_aim_measure")
    unit = serializers.CharField(source="measure.unit")
    points = serializers.IntegerField(source="summary.points")
    latest_value = serializers.FloatField(source="summary.latest_value", allow_null=True)
    latest_period_start = serializers.DateField(source="summary.latest_start", allow_null=True)
    variation_icon = serializers.CharField(source="summary.variation_icon", allow_null=True)
    assurance_icon = serializers.CharField(source="summary.assurance_icon", allow_null=True)
    recent_period_starts = serializers.ListField(
        child=serializers.DateField(), source="summary.recent_starts"
    )
    recent_values = serializers.ListField(child=serializers.FloatField(), source="summary.recent_values")
    recent_centre = serializers.ListField(
        child=serializers.FloatField(allow_null=True), source="summary.recent_centre"
    )
    url = serializers.SerializerMethodField()

    def get_url(self, card) -> str:
        return settings.SITE_URL + card.measure.get_absolute_url()


class SystemDashboardOutput(serializers.Serializer):
    system = OrganisationOutput()
    systems = OrganisationOutput(many=True, help_text="Every system the reader may choose")
    place = PlaceOutput(allow_null=True, help_text="The place shown, or null for the whole system")
    places = PlaceOutput(many=True, help_text="The system's places")
    rows = DashboardRowOutput(many=True)
    rollup = RollupOutput(help_text="Every project of the system, whatever the filters")
    measures = MeasureSummaryOutput(many=True, help_text="The process (reliability) measures of the rows")


class SystemDashboardApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("system", str, required=False, description="A system's id; the first if none"),
            OpenApiParameter("place", str, required=False, description="One of the system's places"),
            *[
                parameter
                for parameter in FILTER_PARAMETERS
                if parameter.name in ("phase", "icon", "attention")
            ],
            SORT_PARAMETER,
        ],
        responses=SystemDashboardOutput,
        operation_id="system_dashboard_retrieve",
    )
    def get(self, request):
        params = request.query_params
        data = system_dashboard(
            access=request.access, system_id=params.get("system", ""), place_id=params.get("place", "")
        )
        rows = list(data.rows(_filters(params), params.get("sort", "")))
        output = {
            "system": data.system,
            "systems": data.systems,
            "place": data.place,
            "places": data.places,
            "rows": rows,
            "rollup": rollup(data.counts()),
            "measures": reliability_cards([row.project for row in rows]),
        }
        return Response(SystemDashboardOutput(output).data)


# --- Regional dashboard -------------------------------------------------------------------------------


class RegionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    code = serializers.CharField(help_text="NHS England's region code, e.g. Y58")


class RegionSystemOutput(serializers.Serializer):
    system = OrganisationOutput()
    rollup = RollupOutput(help_text="The system's projects by variation icon and phase")


class RegionalDashboardOutput(serializers.Serializer):
    region = RegionOutput()
    regions = RegionOutput(many=True, help_text="Every region the reader may choose")
    systems = RegionSystemOutput(many=True, help_text="Every system of the region, by name")
    rows = DashboardRowOutput(many=True)
    rollup = RollupOutput(help_text="Every project of the region, whatever the filters")


class RegionalDashboardApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, required=False, description="A region's id; the first if none"),
            *[
                parameter
                for parameter in FILTER_PARAMETERS
                if parameter.name in ("system", "phase", "icon", "attention")
            ],
            SORT_PARAMETER,
        ],
        responses=RegionalDashboardOutput,
        operation_id="regional_dashboard_retrieve",
    )
    def get(self, request):
        params = request.query_params
        data = regional_dashboard(access=request.access, region_id=params.get("region", ""))
        counts = data.counts()
        output = {
            "region": data.region,
            "regions": data.regions,
            "systems": [
                {"system": system, "rollup": rolled_up}
                for system, rolled_up, _ in system_rollups(data, counts, counts.phases())
            ],
            "rows": list(data.rows(_filters(params), params.get("sort", ""))),
            "rollup": rollup(counts),
        }
        return Response(RegionalDashboardOutput(output).data)


# --- Programme dashboard ------------------------------------------------------------------------------


class NamedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class PersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="user.pk")
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")


class EnrolmentCountsOutput(serializers.Serializer):
    invited = serializers.IntegerField(source="enrolments_invited")
    active = serializers.IntegerField(source="enrolments_active")
    completed = serializers.IntegerField(source="enrolments_completed")
    withdrawn = serializers.IntegerField(source="enrolments_withdrawn")


class PhaseCountOutput(serializers.Serializer):
    phase = serializers.CharField()
    projects = serializers.IntegerField()

    def to_representation(self, instance):
        return {"phase": instance[0], "projects": instance[1]}


class CohortOutput(serializers.Serializer):
    id = serializers.UUIDField(source="cohort.pk")
    name = serializers.CharField(source="cohort.name")
    launch_date = serializers.DateField(source="cohort.launch_date")
    enrolments = EnrolmentCountsOutput(source="cohort")
    projects_by_phase = PhaseCountOutput(many=True)
    coaches = PersonOutput(many=True)


class ProjectSupportOutput(serializers.Serializer):
    id = serializers.UUIDField(source="project.pk")
    title = serializers.CharField(source="project.title")
    organisation = serializers.CharField(source="project.organisation.name")
    cohort = serializers.CharField(source="project.enrolment.cohort.name")
    phase = serializers.CharField(source="project.phase.name")
    buddies = PersonOutput(many=True)
    last_coaching_call = serializers.DateTimeField(source="project.last_coaching_call", allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, line) -> str:
        return settings.SITE_URL + line.project.get_absolute_url()


class ProgrammeDashboardOutput(serializers.Serializer):
    programme = NamedOutput()
    programmes = NamedOutput(many=True, help_text="Every programme the reader administers")
    cohorts = CohortOutput(many=True)
    programme_coaches = PersonOutput(many=True, help_text="Coaches of the whole programme")
    projects = ProjectSupportOutput(many=True)
    projects_without_buddy = ProjectSupportOutput(many=True, source="without_buddy")
    projects_without_recent_call = ProjectSupportOutput(
        many=True, source="without_recent_call", help_text="No coaching call in the last 6 weeks, or never"
    )


class ProgrammeDashboardApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "programme", str, required=False, description="A programme's id; the first if none"
            )
        ],
        responses=ProgrammeDashboardOutput,
        operation_id="programme_dashboard_retrieve",
    )
    def get(self, request):
        data = programme_dashboard(
            access=request.access, programme_id=request.query_params.get("programme", "")
        )
        return Response(ProgrammeDashboardOutput(data).data)


urlpatterns = [
    path("dashboards/coach/", CoachDashboardApi.as_view(), name="api_coach_dashboard"),
    path("dashboards/system/", SystemDashboardApi.as_view(), name="api_system_dashboard"),
    path("dashboards/region/", RegionalDashboardApi.as_view(), name="api_regional_dashboard"),
    path("dashboards/programme/", ProgrammeDashboardApi.as_view(), name="api_programme_dashboard"),
]
