"""Test-phase pages: the driver diagram, change ideas, ramps, PDSA cycles and the PDSA timeline.
Thin views: read through selectors, write through services, display through presenters."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.forms import saved
from alwaysevents.shortcuts import render_with_form
from projects.selectors import project_visible, record_visible, records_of

from ..forms.improvement import (
    ChangeIdeaEditForm,
    ChangeIdeaForm,
    CycleAdvanceForm,
    CycleEditForm,
    CyclePlanForm,
    DriverEditForm,
    DriverForm,
    DriverMoveForm,
    RampForm,
)
from ..models import ChangeIdea, Driver, PdsaCycle, PdsaQuestion, Ramp
from ..presenters.improvement import (
    ChangeIdeaPresenter,
    CyclePresenter,
    DriverDiagram,
    RampPresenter,
    change_idea_rows,
    pdsa_timeline,
)
from ..presenters.projects import ProjectPresenter
from ..services.improvement import (
    change_idea_create,
    change_idea_update,
    change_ideas_blocking_removal,
    driver_create,
    driver_delete,
    driver_move,
    driver_update,
    pdsa_cycle_advance,
    pdsa_cycle_advance_problems,
    pdsa_cycle_create,
    pdsa_cycle_start_next,
    pdsa_cycle_update,
    ramp_create,
)

TEMPLATES = "coproduction/improvement/"


def _render(request, template: str, context: dict, form=None):
    return render_with_form(request, TEMPLATES + template, context, form)


def _project(request, project_id, *, edit: bool = False):
    project = project_visible(access=request.access, project_id=project_id)
    if edit:
        request.access.require_edit_project(project)
    return project


def _record(request, project_id, model, record_id, *, edit: bool = False):
    record = record_visible(access=request.access, project_id=project_id, model=model, record_id=record_id)
    if edit:
        request.access.require_edit_project(record.project)
    return record


def _add_service_error(form, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


def diagram_url(project) -> str:
    return reverse("driver_diagram", kwargs={"project_id": project.pk})


# --- Driver diagram ------------------------------------------------------------------------------


@require_GET
def diagram(request, project_id):
    project = _project(request, project_id)
    return _render(
        request,
        "driver_diagram.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "diagram": DriverDiagram(project, request.access),
        },
    )


@require_http_methods(["GET", "POST"])
def driver_new(request, project_id):
    project = _project(request, project_id, edit=True)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = DriverForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            driver_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, "Driver added")
            return redirect(diagram_url(project))
    return _render(request, "driver_form.jinja", {"project": project, "driver": None}, form)


@require_http_methods(["GET", "POST"])
def driver_edit(request, project_id, driver_id):
    driver = _record(request, project_id, Driver, driver_id, edit=True)
    form = DriverEditForm(request.POST or None, driver=driver)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: driver_update(
                access=request.access,
                driver=driver,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Driver saved")
        return redirect(diagram_url(driver.project))
    return _render(request, "driver_form.jinja", {"project": driver.project, "driver": driver}, form)


@require_POST
def driver_reorder(request, project_id, driver_id):
    driver = _record(request, project_id, Driver, driver_id, edit=True)
    form = DriverMoveForm(request.POST)
    if form.is_valid():
        driver_move(access=request.access, driver=driver, direction=form.cleaned_data["direction"])
        messages.success(request, f"'{driver.text}' moved {form.cleaned_data['direction']}")
    else:
        messages.error(request, "Choose whether to move the driver up or down")
    return redirect(diagram_url(driver.project) + f"#driver-{driver.pk}")


@require_http_methods(["GET", "POST"])
def driver_remove(request, project_id, driver_id):
    driver = _record(request, project_id, Driver, driver_id, edit=True)
    error = None
    if request.method == "POST":
        try:
            driver_delete(access=request.access, driver=driver)
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            messages.success(request, f"Driver '{driver.text}' removed")
            return redirect(diagram_url(driver.project))
    context = {
        "project": driver.project,
        "driver": driver,
        "children": list(records_of(project=driver.project, model=Driver).filter(parent=driver)),
        "blocking": change_ideas_blocking_removal(driver=driver),
        "error": error,
        "page_has_errors": bool(error),
    }
    return render(request, TEMPLATES + "driver_delete.jinja", context)


# --- Change ideas --------------------------------------------------------------------------------


@require_GET
def idea_list(request, project_id):
    project = _project(request, project_id)
    return _render(
        request,
        "idea_list.jinja",
        {"project": ProjectPresenter(project, request.access), "rows": change_idea_rows(project)},
    )


@require_http_methods(["GET", "POST"])
def idea_new(request, project_id):
    project = _project(request, project_id, edit=True)
    initial = {"drivers": [request.GET["driver"]]} if request.GET.get("driver") else None
    form = ChangeIdeaForm(request.POST or None, project=project, initial=initial, access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            idea = change_idea_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, "Change idea added")
            return redirect(idea_url(idea))
    return _render(request, "idea_form.jinja", {"project": project, "idea": None}, form)


def idea_url(idea: ChangeIdea) -> str:
    return reverse("idea_detail", kwargs={"project_id": idea.project_id, "idea_id": idea.pk})


@require_GET
def idea_detail(request, project_id, idea_id):
    idea = _record(request, project_id, ChangeIdea, idea_id)
    return _render(
        request,
        "idea_detail.jinja",
        {"project": idea.project, "idea": ChangeIdeaPresenter(idea, request.access)},
    )


@require_http_methods(["GET", "POST"])
def idea_edit(request, project_id, idea_id):
    idea = _record(request, project_id, ChangeIdea, idea_id, edit=True)
    form = ChangeIdeaEditForm(request.POST or None, idea=idea)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: change_idea_update(
                access=request.access,
                idea=idea,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Change idea saved")
        return redirect(idea_url(idea))
    return _render(request, "idea_form.jinja", {"project": idea.project, "idea": idea}, form)


# --- Ramps and PDSA cycles -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ramp_new(request, project_id):
    project = _project(request, project_id, edit=True)
    initial = {"change_idea": request.GET["idea"]} if request.GET.get("idea") else None
    form = RampForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ramp = ramp_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, "Ramp started: plan its first cycle")
            return redirect("cycle_create", project_id=project.pk, ramp_id=ramp.pk)
    return _render(request, "ramp_form.jinja", {"project": project}, form)


@require_GET
def ramp_detail(request, project_id, ramp_id):
    ramp = _record(request, project_id, Ramp, ramp_id)
    return _render(
        request, "ramp_detail.jinja", {"project": ramp.project, "ramp": RampPresenter(ramp, request.access)}
    )


def cycle_url(cycle: PdsaCycle) -> str:
    return reverse("cycle_detail", kwargs={"project_id": cycle.project_id, "cycle_id": cycle.pk})


@require_http_methods(["GET", "POST"])
def cycle_new(request, project_id, ramp_id):
    ramp = _record(request, project_id, Ramp, ramp_id, edit=True)
    form = CyclePlanForm(request.POST or None, project=ramp.project, access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = pdsa_cycle_create(
                access=request.access, ramp=ramp, questions=form.questions(), **form.changes()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, f"Cycle {cycle.number} planned")
            return redirect(cycle_url(cycle))
    return _render(request, "cycle_form.jinja", {"project": ramp.project, "ramp": ramp, "cycle": None}, form)


def _cycle(request, project_id, cycle_id, *, edit: bool = False) -> PdsaCycle:
    cycle = _record(request, project_id, PdsaCycle, cycle_id, edit=edit)
    cycle.ramp.project = cycle.project
    return cycle


@require_GET
def cycle_detail(request, project_id, cycle_id):
    cycle = _cycle(request, project_id, cycle_id)
    presenter = CyclePresenter(cycle, request.access, pdsa_cycle_advance_problems(cycle=cycle))
    return _render(request, "cycle_detail.jinja", {"project": cycle.project, "cycle": presenter})


@require_http_methods(["GET", "POST"])
def cycle_edit(request, project_id, cycle_id):
    cycle = _cycle(request, project_id, cycle_id, edit=True)
    questions = list(records_of(project=cycle.project, model=PdsaQuestion).filter(cycle=cycle))
    form = CycleEditForm(request.POST or None, cycle=cycle, questions=questions)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: pdsa_cycle_update(
                access=request.access,
                cycle=cycle,
                expected_version=form.cleaned_data["version"],
                questions=form.questions(),
                **form.changes(),
            ),
        )
    ):
        messages.success(request, f"Cycle {cycle.number} saved")
        return redirect(cycle_url(cycle))
    return _render(
        request, "cycle_form.jinja", {"project": cycle.project, "ramp": cycle.ramp, "cycle": cycle}, form
    )


@require_POST
def cycle_advance(request, project_id, cycle_id):
    cycle = _cycle(request, project_id, cycle_id, edit=True)
    form = CycleAdvanceForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        cycle = pdsa_cycle_advance(access=request.access, cycle=cycle, expected_version=version)
    except StaleEdit:
        messages.error(request, "Someone else changed this cycle just now. Check it, then try again.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Cycle {cycle.number} is now {cycle.get_status_display().lower()}")
    return redirect(cycle_url(cycle))


@require_POST
def cycle_next(request, project_id, cycle_id):
    cycle = _cycle(request, project_id, cycle_id, edit=True)
    try:
        new_cycle = pdsa_cycle_start_next(access=request.access, cycle=cycle)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(cycle_url(cycle))
    messages.success(
        request, f"Cycle {new_cycle.number} planned from cycle {cycle.number}: check and change its plan"
    )
    return redirect("cycle_edit", project_id=cycle.project_id, cycle_id=new_cycle.pk)


@require_GET
def timeline(request, project_id):
    project = _project(request, project_id)
    return _render(
        request,
        "pdsa_timeline.jinja",
        {"project": ProjectPresenter(project, request.access), "months": pdsa_timeline(project)},
    )


PROJECT = "projects/<uuid:project_id>/"
urlpatterns = [
    path(f"{PROJECT}drivers/", diagram, name="driver_diagram"),
    path(f"{PROJECT}drivers/new/", driver_new, name="driver_create"),
    path(f"{PROJECT}drivers/<uuid:driver_id>/edit/", driver_edit, name="driver_edit"),
    path(f"{PROJECT}drivers/<uuid:driver_id>/move/", driver_reorder, name="driver_move"),
    path(f"{PROJECT}drivers/<uuid:driver_id>/delete/", driver_remove, name="driver_delete"),
    path(f"{PROJECT}change-ideas/", idea_list, name="idea_list"),
    path(f"{PROJECT}change-ideas/new/", idea_new, name="idea_create"),
    path(f"{PROJECT}change-ideas/<uuid:idea_id>/", idea_detail, name="idea_detail"),
    path(f"{PROJECT}change-ideas/<uuid:idea_id>/edit/", idea_edit, name="idea_edit"),
    path(f"{PROJECT}ramps/new/", ramp_new, name="ramp_create"),
    path(f"{PROJECT}ramps/<uuid:ramp_id>/", ramp_detail, name="ramp_detail"),
    path(f"{PROJECT}ramps/<uuid:ramp_id>/cycles/new/", cycle_new, name="cycle_create"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/", cycle_detail, name="cycle_detail"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/edit/", cycle_edit, name="cycle_edit"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/advance/", cycle_advance, name="cycle_advance"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/next/", cycle_next, name="cycle_next"),
    path(f"{PROJECT}pdsa/", timeline, name="pdsa_timeline"),
]
