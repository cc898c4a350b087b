"""The report runs API: create a project report, poll it, download it. Same selectors and services as
the pages."""

from django.http import FileResponse, Http404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from alwaysevents.api import BaseApi, Pagination
from alwaysevents.audit import audit
from coproduction.selectors import project_visible

from .models import ReportRun
from .presenters import ReportRunPresenter
from .selectors import run_visible, runs_of_project
from .services import report_request


class ReportRunInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportRun.Kind.choices, default=ReportRun.Kind.PDF)


class ReportRunOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    requested_by = serializers.EmailField(source="requested_by.email")
    url = serializers.CharField(source="get_absolute_url")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "scope_kind",
            "scope_id",
            "project",
            "kind",
            "status",
            "progress",
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


class ProjectReportCreateApi(BaseApi):
    @extend_schema(responses=ReportRunOutput(many=True), operation_id="project_reports_list")
    def get(self, request, project_id):
        """The project's report runs, newest first."""
        project = project_visible(access=request.access, project_id=project_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(runs_of_project(project=project), request, view=self)
        return paginator.get_paginated_response(ReportRunOutput(page, many=True).data)

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


class ReportRunDetailApi(BaseApi):
    @extend_schema(responses=ReportRunOutput, operation_id="reports_retrieve")
    def get(self, request, run_id):
        return Response(ReportRunOutput(run_visible(access=request.access, run_id=run_id)).data)


class ReportRunDownloadApi(BaseApi):
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
        run = run_visible(access=request.access, run_id=run_id)
        if run.status != ReportRun.Status.DONE or not run.file:
            raise Http404("This report is not ready")
        presenter = ReportRunPresenter(run, request.access)
        audit(actor=request.user, action="report.download", obj=run)
        return FileResponse(
            run.file.open("rb"),
            as_attachment=True,
            filename=presenter.file_name,
            content_type=presenter.content_type,
        )


urlpatterns = [
    path("projects/<uuid:project_id>/reports/", ProjectReportCreateApi.as_view(), name="api_project_reports"),
    path("reports/<uuid:run_id>/", ReportRunDetailApi.as_view(), name="api_report_run"),
    path("reports/<uuid:run_id>/download/", ReportRunDownloadApi.as_view(), name="api_report_download"),
]
