"""Co-production pages. Each part of the journey keeps its routes beside its views."""

from django.urls import path

from .views import phases, projects

urlpatterns = [
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<uuid:project_id>/", projects.project_detail, name="project_detail"),
    path("projects/<uuid:project_id>/edit/", projects.project_edit, name="project_edit"),
] + phases.urlpatterns
