from django.urls import include, path

from . import projects

urlpatterns = [
    path("projects/", projects.ProjectListApi.as_view(), name="api_project_list"),
    path("projects/<uuid:project_id>/", projects.ProjectDetailApi.as_view(), name="api_project_detail"),
    path("", include("coproduction.api.phases")),
    path("", include("coproduction.api.discovery")),
    path("", include("coproduction.api.improvement")),
    path("", include("coproduction.api.codesign")),
    path("", include("coproduction.api.conversation")),
    path("", include("coproduction.api.partners")),
]
