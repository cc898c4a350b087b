from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.selectors import project_visible

from ..presenters.phases import ProjectProgressPresenter


class EvidenceOutput(serializers.Serializer):
    score = serializers.DecimalField(max_digits=2, decimal_places=1)
    label = serializers.CharField()
    met = serializers.BooleanField()


class ChecklistEntryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="item.pk")
    text = serializers.CharField(source="item.text")
    done = serializers.BooleanField()


class ProgressOutput(serializers.Serializer):
    project = serializers.UUIDField()
    phase = serializers.CharField()
    phase_order = serializers.IntegerField()
    checklist = ChecklistEntryOutput(many=True)
    suggested_score = serializers.DecimalField(max_digits=2, decimal_places=1)
    score = serializers.DecimalField(max_digits=2, decimal_places=1)
    override_reason = serializers.CharField()
    evidence = EvidenceOutput(many=True)


class ProjectProgressApi(APIView):
    @extend_schema(responses=ProgressOutput, operation_id="project_progress_retrieve")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        progress = ProjectProgressPresenter(project, request.access)
        data = {
            "project": project.pk,
            "phase": project.phase.name,
            "phase_order": project.phase.order,
            "checklist": progress.checklist,
            "suggested_score": progress.score.suggested,
            "score": progress.score.score,
            "override_reason": progress.score.reason,
            "evidence": progress.score.evidence,
        }
        return Response(ProgressOutput(data).data)


urlpatterns = [
    path("projects/<uuid:project_id>/progress/", ProjectProgressApi.as_view(), name="api_project_progress"),
]
