"""The projects API: explicit output serializers over the same selectors as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated
from projects.models import Project
from projects.selectors import project_visible, projects_visible


class ProjectOutput(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    organisation_ods_code = serializers.CharField(source="organisation.ods_code")
    cohort = serializers.CharField(source="enrolment.cohort.name")
    programme = serializers.CharField(source="enrolment.cohort.programme.name")
    phase = serializers.CharField(source="phase.name")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "area_of_focus",
            "organisation",
            "organisation_ods_code",
            "programme",
            "cohort",
            "phase",
            "version",
            "created_at",
            "updated_at",
            "url",
        ]


class ProjectListApi(APIView):
    @extend_schema(responses=ProjectOutput(many=True), operation_id="projects_list")
    def get(self, request):
        return paginated(self, request, projects_visible(access=request.access), ProjectOutput)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectOutput, operation_id="projects_retrieve")
    def get(self, request, project_id):
        return Response(ProjectOutput(project_visible(access=request.access, project_id=project_id)).data)
