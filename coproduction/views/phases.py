"""The project's journey through its phases, its exit checklist and its progress score; the coach's board."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.forms import saved
from programmes.models import ChecklistItem
from projects.selectors import project_visible, projects_visible

from ..forms.phases import PhaseMoveForm, ProgressOverrideForm
from ..presenters.phases import PhaseBoard, ProjectProgressPresenter
from ..progress import with_evidence
from ..services.phases import checklist_item_toggle, progress_score_override_set, project_move_phase


def _render_progress(request, project, override_form=None, status=200):
    presenter = ProjectProgressPresenter(project, request.access)
    context = {
        "progress": presenter,
        "project": project,
        "override_form": override_form or presenter.override_form(),
        "page_has_errors": bool(override_form and override_form.errors),
    }
    return render(request, "coproduction/phases/progress.jinja", context, status=status)


@require_GET
def project_progress(request, project_id):
    return _render_progress(request, project_visible(access=request.access, project_id=project_id))


@require_POST
def checklist_toggle(request, project_id, item_id):
    project = project_visible(access=request.access, project_id=project_id)
    item = get_object_or_404(ChecklistItem, pk=item_id, phase_id=project.phase_id)
    ticked = checklist_item_toggle(access=request.access, project=project, item=item)
    messages.success(request, f"'{item.text}' marked {'done' if ticked else 'not done'}")
    return redirect("project_progress", project_id=project.pk)


@require_POST
def project_phase_move(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = PhaseMoveForm(request.POST, version=project.version)
    if form.is_valid():
        try:
            project = project_move_phase(
                access=request.access,
                project=project,
                expected_version=form.cleaned_data["version"],
                forward=form.cleaned_data["direction"] == "forward",
            )
        except StaleEdit:
            messages.error(
                request, "Someone else changed this project just now. Check the phase and try again."
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The project is now in phase {project.phase}")
    return redirect("project_progress", project_id=project.pk)


@require_POST
def progress_override(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = ProgressOverrideForm(request.POST, version=project.version)
    if form.is_valid() and saved(
        form,
        lambda: progress_score_override_set(
            access=request.access,
            project=project,
            expected_version=form.cleaned_data["version"],
            score=form.score_value(),
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, "Progress score saved")
        return redirect("project_progress", project_id=project.pk)
    return _render_progress(request, project, override_form=form, status=400)


@require_GET
def phase_board(request):
    board = PhaseBoard(list(with_evidence(projects_visible(access=request.access))), request.access)
    return render(request, "coproduction/phases/board.jinja", {"board": board})


urlpatterns = [
    path("phases/", phase_board, name="phase_board"),
    path("projects/<uuid:project_id>/progress/", project_progress, name="project_progress"),
    path("projects/<uuid:project_id>/progress/phase/", project_phase_move, name="project_phase_move"),
    path("projects/<uuid:project_id>/progress/score/", progress_override, name="progress_override"),
    path("projects/<uuid:project_id>/checklist/<uuid:item_id>/", checklist_toggle, name="checklist_toggle"),
]
