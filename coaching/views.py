"""Coaching calls and monthly returns pages. Thin views: read through selectors, write
through services, display through presenters."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.forms import saved
from alwaysevents.shortcuts import render_with_form
from coproduction.presenters.projects import ProjectPresenter
from projects.selectors import project_visible

from .forms import (
    ActionDoneForm,
    CallEditForm,
    CallForm,
    GroupCallForm,
    ReturnForm,
    ReturnStartForm,
    ReturnSubmitForm,
)
from .models import CoachingCall
from .presenters import (
    CallPresenter,
    PreCallPack,
    ReturnPresenter,
    months_to_start,
)
from .presenters_packs import PackStatus
from .selectors import (
    RETURN_DUE_DAY,
    action_visible,
    call_visible,
    calls_of,
    coachable_cohorts,
    coachable_projects,
    group_calls_with,
    return_visible,
    returns_of,
)
from .services import (
    action_mark_done,
    call_create,
    call_update,
    can_coach_project,
    group_call_create,
    require_coach_project,
    return_start,
    return_submit,
    return_update,
)
from .services_packs import pack_request

TEMPLATES = "programmes/"


def _render(request, template: str, context: dict, form=None):
    return render_with_form(request, TEMPLATES + template, context, form)


def _add_service_error(form, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


# --- Coaching calls -----------------------------------------------------------------------------------


def _call_url(call) -> str:
    return reverse("call_detail", kwargs={"project_id": call.project_id, "call_id": call.pk})


@require_GET
def call_list(request, project_id):
    project, calls = calls_of(access=request.access, project_id=project_id)
    presented = [CallPresenter(call, request.access) for call in calls]
    for call in presented:
        call.call.project = project
    return _render(
        request,
        "call_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "calls": presented,
            "can_schedule": can_coach_project(request.access, project),
        },
    )


@require_http_methods(["GET", "POST"])
def call_new(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    require_coach_project(request.access, project)
    form = CallForm(request.POST or None, initial={"kind": "coaching"})
    if request.method == "POST" and form.is_valid():
        try:
            call = call_create(
                access=request.access, project=project, action=form.action(), **form.call_fields()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, "Call scheduled")
            return redirect(_call_url(call))
    return _render(request, "call_form.jinja", {"project": project, "call": None}, form)


@require_http_methods(["GET", "POST"])
def group_call_new(request):
    """Schedule one call with several projects' teams; only projects the coach runs calls for are offered."""
    cohorts = coachable_cohorts(access=request.access)
    if not cohorts:
        raise Http404("No projects to schedule calls with")
    cohort_id = _uuid_or_none(request.GET.get("cohort", ""))
    projects = coachable_projects(access=request.access, cohort_id=cohort_id)
    initial = {"kind": CoachingCall.Kind.ALL_SITE, "projects": request.GET.getlist("project")}
    form = GroupCallForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            calls = group_call_create(
                access=request.access, projects=form.cleaned_data["projects"], **form.call_fields()
            )
        except ValidationError as error:
            _add_service_error(form, error, "projects")
        else:
            messages.success(request, f"Group call scheduled with {len(calls)} projects")
            return redirect(_call_url(calls[0]))
    cohort_items = [{"value": "", "text": "All cohorts"}] + [
        {"value": str(pk), "text": name, "selected": pk == cohort_id} for pk, name in cohorts
    ]
    return _render(request, "group_call_form.jinja", {"cohort_items": cohort_items}, form)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@require_GET
def call_detail(request, call_id, project_id):
    call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
    return _render(
        request,
        "call_detail.jinja",
        {
            "project": call.project,
            "call": CallPresenter(call, request.access),
            "group": list(group_calls_with(access=request.access, call=call)),
        },
    )


@require_http_methods(["GET", "POST"])
def call_edit(request, project_id, call_id):
    call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
    require_coach_project(request.access, call.project)
    form = CallEditForm(request.POST or None, call=call)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: call_update(
                access=request.access,
                call=call,
                expected_version=form.cleaned_data["version"],
                action=form.action(),
                whole_group=form.whole_group(),
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Call saved")
        return redirect(_call_url(call))
    return _render(request, "call_form.jinja", {"project": call.project, "call": call}, form)


@require_GET
def call_pack(request, project_id, call_id):
    call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
    return _render(
        request,
        "call_pack.jinja",
        {
            "project": call.project,
            "call": CallPresenter(call, request.access),
            "pack": PreCallPack(call, request.access),
            "pdf": PackStatus.of(call=call, access=request.access),
        },
    )


@require_POST
def call_pack_generate(request, project_id, call_id):
    """Make the call's pre-call pack PDF (again); its state shows on the pack page."""
    call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
    pack_request(access=request.access, call=call)
    messages.success(request, "We are making the pre-call pack. It takes a few seconds.")
    return redirect("call_pack", project_id=call.project_id, call_id=call.pk)


@require_POST
def action_done(request, project_id, action_id):
    action = action_visible(access=request.access, project_id=project_id, action_id=action_id)
    form = ActionDoneForm(request.POST)
    if form.is_valid():
        try:
            action_mark_done(access=request.access, action=action, done_on=form.cleaned_data["done_on"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Action '{action.text}' marked done")
    else:
        messages.error(request, form.errors["done_on"][0])
    return redirect(
        reverse("call_detail", kwargs={"project_id": action.project_id, "call_id": action.call_id})
    )


# --- Monthly returns ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def return_list(request, project_id):
    """The project's returns; POST starts the draft for last month or this month."""
    project, returns = returns_of(access=request.access, project_id=project_id)
    form = ReturnStartForm(request.POST or None)
    if request.method == "POST":
        request.access.require_edit_project(project)
        if form.is_valid():
            try:
                monthly_return = return_start(
                    access=request.access, project=project, month=form.cleaned_data["month"]
                )
            except ValidationError as error:
                _add_service_error(form, error, "month")
            else:
                return redirect(monthly_return)
    presented = [ReturnPresenter(monthly_return, request.access) for monthly_return in returns]
    startable = months_to_start({r.month for r in presented}, today=timezone.localdate())
    return _render(
        request,
        "return_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "returns": presented,
            "startable": startable if request.access.can_edit_project(project) else [],
            "due_day": RETURN_DUE_DAY,
        },
        form,
    )


@require_http_methods(["GET", "POST"])
def return_edit(request, project_id, return_id):
    monthly_return = return_visible(access=request.access, project_id=project_id, return_id=return_id)
    presenter = ReturnPresenter(monthly_return, request.access)
    form = ReturnForm(request.POST or None, monthly_return=monthly_return)
    if request.method == "POST":
        request.access.require_edit_project(monthly_return.project)
        if form.is_valid() and saved(
            form,
            lambda: return_update(
                access=request.access,
                monthly_return=monthly_return,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        ):
            messages.success(request, "Return saved. Submit it when the team has reviewed it.")
            return redirect(monthly_return)
    return _render(
        request,
        "return_edit.jinja",
        {
            "project": monthly_return.project,
            "monthly_return": presenter,
            "submit_form": ReturnSubmitForm(version=monthly_return.version),
        },
        form,
    )


@require_POST
def return_submit_view(request, project_id, return_id):
    monthly_return = return_visible(access=request.access, project_id=project_id, return_id=return_id)
    request.access.require_edit_project(monthly_return.project)
    form = ReturnSubmitForm(request.POST, version=monthly_return.version)
    if not form.is_valid():
        messages.error(request, "The return could not be submitted; reload the page and try again")
        return redirect(monthly_return)
    try:
        return_submit(
            access=request.access,
            monthly_return=monthly_return,
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        messages.error(
            request,
            "Someone else saved this return after you opened it. Check their changes, then submit again.",
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Return for {monthly_return.month:%B %Y} submitted")
    return redirect(monthly_return)


urlpatterns = [
    path("calls/group/new/", group_call_new, name="group_call_create"),
    path("projects/<uuid:project_id>/calls/", call_list, name="call_list"),
    path("projects/<uuid:project_id>/calls/new/", call_new, name="call_create"),
    path("projects/<uuid:project_id>/calls/<uuid:call_id>/", call_detail, name="call_detail"),
    path("projects/<uuid:project_id>/calls/<uuid:call_id>/edit/", call_edit, name="call_edit"),
    path("projects/<uuid:project_id>/calls/<uuid:call_id>/pack/", call_pack, name="call_pack"),
    path(
        "projects/<uuid:project_id>/calls/<uuid:call_id>/pack/generate/",
        call_pack_generate,
        name="call_pack_generate",
    ),
    path("projects/<uuid:project_id>/actions/<uuid:action_id>/done/", action_done, name="action_done"),
    path("projects/<uuid:project_id>/returns/", return_list, name="return_list"),
    path("projects/<uuid:project_id>/returns/<uuid:return_id>/", return_edit, name="return_edit"),
    path(
        "projects/<uuid:project_id>/returns/<uuid:return_id>/submit/",
        return_submit_view,
        name="return_submit",
    ),
]
