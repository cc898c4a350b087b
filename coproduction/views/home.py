"""The home page: the projects the reader may see, by what they can do with them."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..presenters.home import HomePresenter
from ..selectors.projects import projects_visible


@require_GET
def home(request):
    projects = list(projects_visible(access=request.access))
    return render(request, "alwaysevents/home.jinja", {"home": HomePresenter(request.access, projects)})
