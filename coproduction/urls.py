"""Co-production pages. Each part of the journey keeps its routes beside its views."""

from django.urls import include, path

from .views import projects

urlpatterns = [
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<uuid:project_id>/edit/", projects.project_edit, name="project_edit"),
    path("", include("coproduction.views.phases")),
    path("", include("coproduction.views.discovery")),
    path("", include("coproduction.views.public")),
    path("", include("coproduction.views.improvement")),
    path("", include("coproduction.views.codesign")),
    path("", include("coproduction.views.conversation")),
    path("", include("coproduction.views.partners")),
]
