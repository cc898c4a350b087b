"""Project pages: thin views that call one selector or service and render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from alwaysevents.concurrency import StaleEdit
from projects.selectors import project_visible, projects_visible

from ..forms.projects import ProjectForm
from ..presenters.projects import ProjectPresenter
from ..services.projects import project_update


@require_GET
def project_list(request):
    projects = [
        ProjectPresenter(project, request.access) for project in projects_visible(access=request.access)
    ]
    return render(request, "coproduction/project_list.jinja", {"projects": projects})


@require_http_methods(["GET", "POST"])
def project_edit(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = ProjectForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(
                access=request.access,
                project=project,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except StaleEdit as stale:
            form.add_stale_error(stale.current)
        else:
            messages.success(request, "Project saved")
            return redirect(project)
    return render(
        request,
        "coproduction/project_edit.jinja",
        {
            "form": form,
            "project": ProjectPresenter(project, request.access),
            "page_has_errors": bool(form.errors),
        },
    )
