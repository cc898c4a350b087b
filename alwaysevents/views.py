"""Cross-cutting pages: the home page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coproduction.selectors.projects import projects_visible

from .health import service_health
from .presenters import HomePresenter


@require_GET
def home(request):
    projects = list(projects_visible(access=request.access))
    return render(request, "alwaysevents/home.jinja", {"home": HomePresenter(request.access, projects)})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    health = service_health()
    return JsonResponse(health.as_dict(), status=200 if health.ok else 503)
