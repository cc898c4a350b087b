"""The report runs API: create a project, organisation, system, cohort or region report, poll it, download
it (a call's pre-call pack as well: `coaching.api`). Same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated
from projects.selectors import project_visible

from .downloads import report_file_response
from .models import ReportRun
from .scopes import scope_visible
from .selectors import run_visible, runs_of_project, runs_of_scope
from .services import report_request, scope_report_request


class ReportRunInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportRun.Kind.choices, default=ReportRun.Kind.PDF)


class ReportRunOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", allow_null=True)
    call = serializers.UUIDField(source="call_id", allow_null=True)
    requested_by = serializers.EmailField(source="requested_by.email", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "scope_kind",
            "scope_id",
            "project",
            "call",
            "kind",
            "status",
            "progress",
            "parts_done",
            "parts_total",
            "error",
            "requested_by",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "download_url",
        ]

    def get_download_url(self, run) -> str | None:
        if run.status != ReportRun.Status.DONE:
            return None
        return reverse("api_report_download", kwargs={"run_id": run.pk})


class ProjectReportCreateApi(APIView):
    @extend_schema(responses=ReportRunOutput(many=True), operation_id="project_reports_list")
    def get(self, request, project_id):
        """The project's report runs, newest first."""
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, runs_of_project(project=project), ReportRunOutput)

    @extend_schema(
        request=ReportRunInput, responses={201: ReportRunOutput}, operation_id="project_reports_create"
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        data = ReportRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = report_request(access=request.access, scope=project, kind=data.validated_data["kind"])
        run.refresh_from_db()  # the broker may have been unreachable: say so at once
        return Response(ReportRunOutput(run).data, status=status.HTTP_201_CREATED)


class ScopeOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="organisation, system, cohort or region")
    id = serializers.UUIDField()
    name = serializers.CharField()


class ScopeRunsOutput(serializers.Serializer):
    scope = ScopeOutput()
    results = ReportRunOutput(many=True)


class ScopeReportsApi(APIView):
    scope_kind = ""
    scope_argument = ""

    def get(self, request, **kwargs):
        """The scope's recent report runs that you may see, newest first."""
        scope = scope_visible(
            access=request.access, kind=self.scope_kind, scope_id=kwargs[self.scope_argument]
        )
        runs = runs_of_scope(access=request.access, scope=scope)
        return Response(
            {
                "scope": {"kind": scope.kind, "id": scope.pk, "name": scope.name},
                "results": ReportRunOutput(runs, many=True).data,
            }
        )

    def post(self, request, **kwargs):
        scope = scope_visible(
            access=request.access, kind=self.scope_kind, scope_id=kwargs[self.scope_argument]
        )
        data = ReportRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = scope_report_request(access=request.access, scope=scope, kind=data.validated_data["kind"])
        except ValidationError as error:
            return Response({"detail": error.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        run.refresh_from_db()  # the broker may have been unreachable: say so at once
        return Response(ReportRunOutput(run).data, status=status.HTTP_201_CREATED)


def _scope_api(kind: str, argument: str, name: str) -> type[ScopeReportsApi]:
    schema = {
        "get": extend_schema(responses=ScopeRunsOutput, operation_id=f"{name}_reports_list"),
        "post": extend_schema(
            request=ReportRunInput, responses={201: ReportRunOutput}, operation_id=f"{name}_reports_create"
        ),
    }
    view = type(
        f"{name.title()}ReportsApi",
        (ScopeReportsApi,),
        {"scope_kind": kind, "scope_argument": argument, "__module__": __name__},
    )
    return extend_schema_view(**schema)(view)


OrganisationReportsApi = _scope_api(ReportRun.ScopeKind.ORGANISATION, "organisation_id", "organisation")
SystemReportsApi = _scope_api(ReportRun.ScopeKind.SYSTEM, "system_id", "system")
CohortReportsApi = _scope_api(ReportRun.ScopeKind.COHORT, "cohort_id", "cohort")
RegionReportsApi = _scope_api(ReportRun.ScopeKind.REGION, "region_id", "region")


class ReportRunDetailApi(APIView):
    @extend_schema(responses=ReportRunOutput, operation_id="reports_retrieve")
    def get(self, request, run_id):
        return Response(ReportRunOutput(run_visible(access=request.access, run_id=run_id)).data)


class ReportRunDownloadApi(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
        },
        operation_id="reports_download",
    )
    def get(self, request, run_id):
        return report_file_response(request, run_id)


urlpatterns = [
    path("projects/<uuid:project_id>/reports/", ProjectReportCreateApi.as_view(), name="api_project_reports"),
    path(
        "organisations/<uuid:organisation_id>/reports/",
        OrganisationReportsApi.as_view(),
        name="api_organisation_reports",
    ),
    path("systems/<uuid:system_id>/reports/", SystemReportsApi.as_view(), name="api_system_reports"),
    path("cohorts/<uuid:cohort_id>/reports/", CohortReportsApi.as_view(), name="api_cohort_reports"),
    path("regions/<uuid:region_id>/reports/", RegionReportsApi.as_view(), name="api_region_reports"),
    path("reports/<uuid:run_id>/", ReportRunDetailApi.as_view(), name="api_report_run"),
    path("reports/<uuid:run_id>/download/", ReportRunDownloadApi.as_view(), name="api_report_download"),
]
