from django.urls import path

from . import phases, projects

urlpatterns = [
    path("projects/", projects.ProjectListApi.as_view(), name="api_project_list"),
    path("projects/<uuid:project_id>/", projects.ProjectDetailApi.as_view(), name="api_project_detail"),
] + phases.urlpatterns
