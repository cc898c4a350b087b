"""The home page: the projects the reader may see, by what they can do with them."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.selectors import projects_visible

from ..presenters.home import HomePresenter


@require_GET
def home(request):
    projects = list(projects_visible(access=request.access))
    return render(request, "alwaysevents/home.jinja", {"home": HomePresenter(request.access, projects)})
