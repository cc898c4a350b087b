"""Discover what matters: responses, themes and collection links. Thin views over the selectors and services.

Everyone who can read the project sees responses and themes (flagged words hidden from all but the team);
entering, editing and theming responses, and collection links with their posters, are the team's alone.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.forms import saved
from projects.selectors import project_visible, record_visible, records_of

from ..about_you import askable_questions
from ..forms.discovery import (
    LinkForm,
    LinkOpenForm,
    ResponseEditForm,
    ResponseFilterForm,
    ResponseForm,
    ResponseThemesForm,
    ThemeCountsForm,
    ThemeEditForm,
    ThemeForm,
    ThemeMergeForm,
)
from ..models import CollectionLink, Response, ResponseTheme, Theme
from ..presenters.discovery import LinkPresenter, ResponsePresenter, ThemeGroupTablePresenter, page_query
from ..presenters.projects import ProjectPresenter
from ..selectors.discovery import (
    flagged_count,
    links_of,
    questions_of_project,
    responses_of,
    theme_group_table,
    theme_summaries,
    untagged_count,
)
from ..services.discovery import (
    link_create,
    link_set_open,
    response_create,
    response_set_themes,
    response_update,
    theme_create,
    theme_merge,
    theme_update,
)

RESPONSES_PER_PAGE = 50


def _render(request, template: str, context: dict, *, form=None):
    context["page_has_errors"] = bool(form is not None and form.errors)
    if form is not None:
        context["form"] = form
    return render(request, f"coproduction/discovery/{template}", context)


def _editable_project(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    return project


def _editable_record(request, project_id, model, record_id):
    record = record_visible(access=request.access, project_id=project_id, model=model, record_id=record_id)
    request.access.require_edit_project(record.project)
    return record


def _response_list_url(project) -> str:
    return reverse("response_list", kwargs={"project_id": project.pk})


def _theme_list_url(project) -> str:
    return reverse("theme_list", kwargs={"project_id": project.pk})


def _link_list_url(project) -> str:
    return reverse("link_list", kwargs={"project_id": project.pk})


# --- Responses ------------------------------------------------------------------------------------


@require_GET
def response_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    can_edit = request.access.can_edit_project(project)
    filter_form = ResponseFilterForm(request.GET or None, project=project)
    filters = filter_form.filters()
    page = Paginator(responses_of(project=project, filters=filters), RESPONSES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "response_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "filter_form": filter_form,
            "is_filtered": filters != type(filters)(),
            "page": page,
            "responses": [ResponsePresenter(response, can_edit) for response in page],
            "previous_query": page_query(request.GET, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_query": page_query(request.GET, page.next_page_number()) if page.has_next() else "",
            "untagged_count": untagged_count(project=project),
            "flagged_count": flagged_count(project=project) if can_edit else 0,
        },
        form=filter_form,
    )


@require_http_methods(["GET", "POST"])
def response_create_page(request, project_id):
    project = _editable_project(request, project_id)
    form = ResponseForm(request.POST or None, questions=questions_of_project(project=project))
    if request.method == "POST" and form.is_valid():
        response = response_create(access=request.access, project=project, **form.response_fields())
        if response.needs_redaction:
            messages.warning(
                request, "Response saved. It may identify someone: redact it before others can read it"
            )
        else:
            messages.success(request, "Response saved")
        if "add_another" in request.POST:
            return redirect(reverse("response_create", kwargs={"project_id": project.pk}))
        return redirect(_response_list_url(project))
    return _render(
        request, "response_form.jinja", {"project": ProjectPresenter(project, request.access)}, form=form
    )


@require_http_methods(["GET", "POST"])
def response_edit(request, project_id, response_id):
    """Edit a response; for a flagged one this is where the team redacts it."""
    response = _editable_record(request, project_id, Response, response_id)
    form = ResponseEditForm(
        request.POST or None, response=response, questions=questions_of_project(project=response.project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = response_update(
                access=request.access,
                response=response,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except StaleEdit as stale:
            form.add_stale_error(stale.current)
        else:
            if response.needs_redaction:
                messages.warning(request, "Response saved. It still seems to identify someone")
            else:
                messages.success(request, "Response saved")
            return redirect(_response_list_url(response.project))
    return _render(
        request,
        "response_form.jinja",
        {
            "project": ProjectPresenter(response.project, request.access),
            "response": ResponsePresenter(response, can_edit=True),
        },
        form=form,
    )


@require_http_methods(["GET", "POST"])
def response_themes(request, project_id, response_id):
    """Tag and untag a response's themes with checkboxes."""
    response = _editable_record(request, project_id, Response, response_id)
    current = set(
        records_of(project=response.project, model=ResponseTheme)
        .filter(response=response)
        .values_list("theme_id", flat=True)
    )
    form = ResponseThemesForm(request.POST or None, response=response, current_theme_ids=current)
    if request.method == "POST" and form.is_valid():
        try:
            response_set_themes(
                access=request.access,
                response=response,
                themes=list(form.cleaned_data["themes"]),
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.add_stale_error(stale.current)
        else:
            messages.success(request, "Themes saved")
            return redirect(
                _response_list_url(response.project) + "?theme=untagged"
                if "next_inbox" in request.POST
                else _response_list_url(response.project)
            )
    return _render(
        request,
        "response_themes.jinja",
        {
            "project": ProjectPresenter(response.project, request.access),
            "response": ResponsePresenter(response, can_edit=True),
        },
        form=form,
    )


# --- Themes ---------------------------------------------------------------------------------------


@require_GET
def theme_list(request, project_id):
    """The themes with their counts and quotes, and each theme's responses by the groups of one "about you"
    question (`?by=age`): the team's own counts, suppressed ones for everyone else."""
    project = project_visible(access=request.access, project_id=project_id)
    counts_form = ThemeCountsForm(
        request.GET if "by" in request.GET else None, questions=questions_of_project(project=project)
    )
    question = counts_form.question()
    table = theme_group_table(access=request.access, project=project, question=question) if question else None
    return _render(
        request,
        "theme_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "summaries": theme_summaries(project=project),
            "untagged_count": untagged_count(project=project),
            "counts_form": counts_form,
            "group_table": ThemeGroupTablePresenter(table) if table else None,
        },
        form=counts_form,
    )


@require_http_methods(["GET", "POST"])
def theme_create_page(request, project_id):
    project = _editable_project(request, project_id)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Theme added")
            return redirect(_theme_list_url(project))
    return _render(
        request, "theme_form.jinja", {"project": ProjectPresenter(project, request.access)}, form=form
    )


@require_http_methods(["GET", "POST"])
def theme_edit(request, project_id, theme_id):
    theme = _editable_record(request, project_id, Theme, theme_id)
    form = ThemeEditForm(request.POST or None, theme=theme)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: theme_update(
                access=request.access,
                theme=theme,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Theme saved")
        return redirect(_theme_list_url(theme.project))
    return _render(
        request,
        "theme_form.jinja",
        {"project": ProjectPresenter(theme.project, request.access), "theme": theme},
        form=form,
    )


@require_http_methods(["GET", "POST"])
def theme_merge_page(request, project_id, theme_id):
    source = _editable_record(request, project_id, Theme, theme_id)
    form = ThemeMergeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        target = theme_merge(access=request.access, source=source, target=form.cleaned_data["target"])
        messages.success(request, f"'{source.name}' merged into '{target.name}'")
        return redirect(_theme_list_url(source.project))
    return _render(
        request,
        "theme_merge.jinja",
        {
            "project": ProjectPresenter(source.project, request.access),
            "theme": source,
            "tagged_count": records_of(project=source.project, model=ResponseTheme)
            .filter(theme=source)
            .count(),
        },
        form=form,
    )


# --- Collection links -----------------------------------------------------------------------------


@require_GET
def link_list(request, project_id):
    project = _editable_project(request, project_id)
    return _render(
        request,
        "link_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "links": [LinkPresenter(link) for link in links_of(project=project)],
        },
    )


@require_http_methods(["GET", "POST"])
def link_create_page(request, project_id):
    project = _editable_project(request, project_id)
    form = LinkForm(request.POST or None, questions=askable_questions(project))
    if request.method == "POST" and form.is_valid():
        try:
            link = link_create(access=request.access, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Collection link opened. Print its poster to put it up")
            return redirect(LinkPresenter(link).poster_url)
    return _render(
        request, "link_form.jinja", {"project": ProjectPresenter(project, request.access)}, form=form
    )


@require_POST
def link_toggle(request, project_id, link_id):
    """Open or close the public form. The button posts the state it wants, so a double click does no harm."""
    link = _editable_record(request, project_id, CollectionLink, link_id)
    form = LinkOpenForm(request.POST, link=link)
    if not form.is_valid():
        messages.error(request, "The form could not be changed. Try again")
        return redirect(_link_list_url(link.project))
    try:
        link = link_set_open(
            access=request.access,
            link=link,
            is_open=form.cleaned_data["is_open"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        messages.error(
            request, "Someone else changed this form after you opened the page. Check it and try again"
        )
    else:
        messages.success(
            request, f"The form for {link.setting} is now {'open' if link.is_open else 'closed'}"
        )
    return redirect(_link_list_url(link.project))


@require_GET
def link_poster(request, project_id, link_id):
    """A printable A4 poster with the question, the short address and a QR code (team only)."""
    link = _editable_record(request, project_id, CollectionLink, link_id)
    return _render(
        request,
        "link_poster.jinja",
        {"project": ProjectPresenter(link.project, request.access), "link": LinkPresenter(link)},
    )


urlpatterns = [
    path("projects/<uuid:project_id>/responses/", response_list, name="response_list"),
    path("projects/<uuid:project_id>/responses/new/", response_create_page, name="response_create"),
    path(
        "projects/<uuid:project_id>/responses/<uuid:response_id>/edit/", response_edit, name="response_edit"
    ),
    path(
        "projects/<uuid:project_id>/responses/<uuid:response_id>/themes/",
        response_themes,
        name="response_themes",
    ),
    path("projects/<uuid:project_id>/themes/", theme_list, name="theme_list"),
    path("projects/<uuid:project_id>/themes/new/", theme_create_page, name="theme_create"),
    path("projects/<uuid:project_id>/themes/<uuid:theme_id>/edit/", theme_edit, name="theme_edit"),
    path("projects/<uuid:project_id>/themes/<uuid:theme_id>/merge/", theme_merge_page, name="theme_merge"),
    path("projects/<uuid:project_id>/links/", link_list, name="link_list"),
    path("projects/<uuid:project_id>/links/new/", link_create_page, name="link_create"),
    path("projects/<uuid:project_id>/links/<uuid:link_id>/toggle/", link_toggle, name="link_toggle"),
    path("projects/<uuid:project_id>/links/<uuid:link_id>/poster/", link_poster, name="link_poster"),
]
