"""The project page, whole: its journey and its measures (measurement.presenters_overview)."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from alwaysevents.page_cache import cached_page, page_key
from coproduction.presenters.projects import ProjectPresenter

from .presenters_overview import ProjectOverview
from .selectors_overview import project_journey


@require_GET
def project_detail(request, project_id):
    def build() -> dict:
        journey = project_journey(access=request.access, project_id=project_id)
        project = ProjectPresenter(journey.project, request.access)
        context = {"project": project, "overview": ProjectOverview(journey, request.access)}
        body = render_to_string("coproduction/_project_detail_body.jinja", context, request)
        return {"title": journey.project.title, "body": body}

    page = cached_page(page_key(request.access, "project", {"project": str(project_id)}), build)
    body = mark_safe(page["body"])  # noqa: S308 - rendered by our template, escaped there
    return render(request, "coproduction/project_detail.jinja", {"page": page, "body": body})


urlpatterns = [
    path("projects/<uuid:project_id>/", project_detail, name="project_detail"),
]
