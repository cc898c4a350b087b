"""Co-design pages: the team roster and its balance, co-design sessions, candidate Always Events screened on
the four criteria, the chosen one, and its vision statement and SMART aim. Thin views: read through the
selectors, write through coproduction.services.codesign, display through coproduction.presenters.codesign."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.forms import saved
from projects.selectors import project_visible, record_visible

from ..forms.codesign import (
    CandidateCreateForm,
    CandidateEditForm,
    ScreeningForm,
    SessionCreateForm,
    SessionEditForm,
    StatementCreateForm,
    StatementEditForm,
    TeamMemberCreateForm,
    TeamMemberEditForm,
)
from ..models import CandidateEvent, CoDesignSession, TeamMember
from ..presenters.codesign import (
    CRITERIA_HEADINGS,
    CandidatePage,
    SessionPage,
    StatementPage,
    TeamPage,
    candidate_rows,
    session_summaries,
)
from ..presenters.projects import ProjectPresenter
from ..services import codesign as services

TEMPLATES = "coproduction/codesign/"


def _url(name: str, project_id, **kwargs) -> str:
    return reverse(name, kwargs={"project_id": project_id, **kwargs})


def _posted(request):
    """The submitted data, even when empty: an empty POST is a submission to validate, not a first visit."""
    return request.POST if request.method == "POST" else None


def _render_form(request, template: str, form, **context):
    context.update(form=form, page_has_errors=bool(form.errors))
    return render(request, TEMPLATES + template, context)


def _project_context(request, project) -> dict:
    return {"project": ProjectPresenter(project, request.access)}


# --- Team ----------------------------------------------------------------------------------------


@require_GET
def team_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "team_list.jinja",
        {**_project_context(request, project), "team": TeamPage(project, request.access)},
    )


@require_http_methods(["GET", "POST"])
def team_member_create(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = TeamMemberCreateForm(_posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.team_member_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{member} added to the team")
            return redirect(_url("team_list", project.pk))
    return _render_form(
        request, "team_member_form.jinja", form, creating=True, **_project_context(request, project)
    )


@require_http_methods(["GET", "POST"])
def team_member_edit(request, project_id, member_id):
    member = record_visible(
        access=request.access, project_id=project_id, model=TeamMember, record_id=member_id
    )
    request.access.require_edit_project(member.project)
    form = TeamMemberEditForm(_posted(request), member=member)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: services.team_member_update(
                access=request.access,
                project=member.project,
                member=member,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Team member saved")
        return redirect(_url("team_list", project_id))
    return _render_form(
        request,
        "team_member_form.jinja",
        form,
        creating=False,
        member=member,
        **_project_context(request, member.project),
    )


# --- Sessions ------------------------------------------------------------------------------------


@require_GET
def session_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "session_list.jinja",
        {
            **_project_context(request, project),
            "sessions": session_summaries(project),
            "can_edit": request.access.can_edit_project(project),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = SessionCreateForm(_posted(request), project=project, access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Session recorded")
            return redirect(_url("session_detail", project.pk, session_id=session.pk))
    return _render_form(
        request, "session_form.jinja", form, creating=True, **_project_context(request, project)
    )


@require_GET
def session_detail(request, project_id, session_id):
    session = record_visible(
        access=request.access, project_id=project_id, model=CoDesignSession, record_id=session_id
    )
    return render(
        request,
        TEMPLATES + "session_detail.jinja",
        {**_project_context(request, session.project), "page": SessionPage(session, request.access)},
    )


@require_http_methods(["GET", "POST"])
def session_edit(request, project_id, session_id):
    session = record_visible(
        access=request.access, project_id=project_id, model=CoDesignSession, record_id=session_id
    )
    request.access.require_edit_project(session.project)
    form = SessionEditForm(_posted(request), session=session)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: services.session_update(
                access=request.access,
                project=session.project,
                session=session,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Session saved")
        return redirect(_url("session_detail", project_id, session_id=session.pk))
    return _render_form(
        request,
        "session_form.jinja",
        form,
        creating=False,
        session=session,
        **_project_context(request, session.project),
    )


# --- Candidate events ----------------------------------------------------------------------------


@require_GET
def candidate_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "candidate_list.jinja",
        {
            **_project_context(request, project),
            "candidates": candidate_rows(project),
            "criteria": CRITERIA_HEADINGS,
            "can_edit": request.access.can_edit_project(project),
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_create(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = CandidateCreateForm(_posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Candidate added. Now screen it on the four criteria.")
            return redirect(_url("candidate_detail", project.pk, candidate_id=candidate.pk))
    return _render_form(
        request, "candidate_form.jinja", form, creating=True, **_project_context(request, project)
    )


@require_http_methods(["GET", "POST"])
def candidate_detail(request, project_id, candidate_id):
    """The screening page: the candidate and its four criteria; the team screens it on one form."""
    candidate = record_visible(
        access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
    )
    page = CandidatePage(candidate, request.access)
    form = None
    if request.method == "POST":
        request.access.require_edit_project(candidate.project)
    if page.can_edit:
        form = ScreeningForm(_posted(request), candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_screen(
                access=request.access,
                project=candidate.project,
                candidate=candidate,
                expected_version=form.cleaned_data["version"],
                assessments=form.assessments(),
            )
        except StaleEdit as stale:
            form.add_stale_error(stale.current)
        else:
            messages.success(request, "Screening saved")
            return redirect(_url("candidate_detail", project_id, candidate_id=candidate.pk))
    return render(
        request,
        TEMPLATES + "candidate_detail.jinja",
        {
            **_project_context(request, candidate.project),
            "page": page,
            "form": form,
            "page_has_errors": bool(form and form.errors),
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_edit(request, project_id, candidate_id):
    candidate = record_visible(
        access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
    )
    request.access.require_edit_project(candidate.project)
    form = CandidateEditForm(_posted(request), candidate=candidate)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: services.candidate_update(
                access=request.access,
                project=candidate.project,
                candidate=candidate,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Candidate saved")
        return redirect(_url("candidate_detail", project_id, candidate_id=candidate.pk))
    return _render_form(
        request,
        "candidate_form.jinja",
        form,
        creating=False,
        candidate=candidate,
        **_project_context(request, candidate.project),
    )


@require_POST
def candidate_shortlist(request, project_id, candidate_id):
    """Put on or take off the shortlist: the button sends shortlisted=true or false."""
    candidate = record_visible(
        access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
    )
    request.access.require_edit_project(candidate.project)
    choice = request.POST.get("shortlisted")
    if choice not in ("true", "false"):
        messages.error(request, "Choose whether to add the candidate to the shortlist or take it off")
    else:
        services.candidate_shortlist(
            access=request.access,
            project=candidate.project,
            candidate=candidate,
            shortlisted=choice == "true",
        )
        messages.success(
            request, f'"{candidate}" {"added to" if choice == "true" else "taken off"} the shortlist'
        )
    return redirect(_url("candidate_list", project_id))


@require_POST
def candidate_choose(request, project_id, candidate_id):
    candidate = record_visible(
        access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
    )
    try:
        services.candidate_choose(access=request.access, project=candidate.project, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url("candidate_detail", project_id, candidate_id=candidate.pk))
    messages.success(request, f'"{candidate}" is the project\'s Always Event. Now write its vision and aim.')
    return redirect(_url("statement_detail", project_id))


# --- Statements ----------------------------------------------------------------------------------


@require_GET
def statement_detail(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "statement_detail.jinja",
        {**_project_context(request, project), "page": StatementPage(project, request.access)},
    )


@require_http_methods(["GET", "POST"])
def statement_edit(request, project_id):
    """Write the chosen event's statements, or change them once written."""
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    page = StatementPage(project, request.access)
    if page.candidate is None:
        messages.error(request, "Choose the project's Always Event before writing its statements")
        return redirect(_url("candidate_list", project_id))
    statement = page.statement
    if statement is None:
        form = StatementCreateForm(_posted(request))
    else:
        form = StatementEditForm(_posted(request), statement=statement)
    if request.method == "POST" and form.is_valid():
        try:
            if statement is None:
                services.statement_create(access=request.access, project=project, **form.cleaned_data)
            else:
                services.statement_update(
                    access=request.access,
                    project=project,
                    statement=statement,
                    expected_version=form.cleaned_data["version"],
                    **form.changes(),
                )
        except StaleEdit as stale:
            form.add_stale_error(stale.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Statements saved")
            return redirect(_url("statement_detail", project_id))
    return _render_form(
        request,
        "statement_form.jinja",
        form,
        page=page,
        creating=statement is None,
        **_project_context(request, project),
    )


PROJECT = "projects/<uuid:project_id>/"

urlpatterns = [
    path(PROJECT + "team/", team_list, name="team_list"),
    path(PROJECT + "team/new/", team_member_create, name="team_member_create"),
    path(PROJECT + "team/<uuid:member_id>/edit/", team_member_edit, name="team_member_edit"),
    path(PROJECT + "sessions/", session_list, name="session_list"),
    path(PROJECT + "sessions/new/", session_create, name="session_create"),
    path(PROJECT + "sessions/<uuid:session_id>/", session_detail, name="session_detail"),
    path(PROJECT + "sessions/<uuid:session_id>/edit/", session_edit, name="session_edit"),
    path(PROJECT + "candidates/", candidate_list, name="candidate_list"),
    path(PROJECT + "candidates/new/", candidate_create, name="candidate_create"),
    path(PROJECT + "candidates/<uuid:candidate_id>/", candidate_detail, name="candidate_detail"),
    path(PROJECT + "candidates/<uuid:candidate_id>/edit/", candidate_edit, name="candidate_edit"),
    path(
        PROJECT + "candidates/<uuid:candidate_id>/shortlist/", candidate_shortlist, name="candidate_shortlist"
    ),
    path(PROJECT + "candidates/<uuid:candidate_id>/choose/", candidate_choose, name="candidate_choose"),
    path(PROJECT + "statement/", statement_detail, name="statement_detail"),
    path(PROJECT + "statement/edit/", statement_edit, name="statement_edit"),
]
