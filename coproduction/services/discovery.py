"""Writes for "Discover what matters": responses, their themes, collection links and the public form."""

import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit, save_versioned
from alwaysevents.tenancy import tenant_scope
from projects.models import Project
from projects.selectors import records_of

from ..about_you import check_answers, check_link_questions, questions_asked
from ..identifiers import identifier_kinds
from ..models import CollectionLink, Response, ResponseTheme, Theme
from ..selectors.discovery import questions_of_project

RESPONSE_FIELDS = {"method", "collected_on", "setting", "respondent", "text", "anything_else", "about_you"}
THEME_FIELDS = {"name", "description"}
PUBLIC_SUBMISSIONS_PER_WINDOW = 10
PUBLIC_WINDOW_SECONDS = 10 * 60


class LinkClosed(Exception):
    """The team closed the collection link; the public form stores nothing."""


# --- Responses ------------------------------------------------------------------------------------


@transaction.atomic
def response_create(
    *,
    access: Access,
    project: Project,
    method: str,
    collected_on: datetime.date,
    text: str,
    setting: str = "",
    respondent: str = Response.Respondent.NOT_SAID,
    anything_else: str = "",
    about_you: dict | None = None,
) -> Response:
    """A response the team gathered in a conversation, survey, workshop or focus group. The "about you"
    answers are to the questions the project's collection links ask."""
    access.require_edit_project(project)
    response = Response(
        organisation=project.organisation,
        project=project,
        method=method,
        collected_on=collected_on,
        setting=setting,
        respondent=respondent,
        text=text,
        anything_else=anything_else,
        identifier_flags=identifier_kinds(text, anything_else),
        about_you=check_answers(questions_of_project(project=project), about_you or {}),
    )
    response.full_clean(exclude=["organisation", "project"])
    response.save()
    audit(actor=access.user, action="response.create", obj=response, changed=sorted(RESPONSE_FIELDS))
    return response


@transaction.atomic
def response_update(*, access: Access, response: Response, expected_version: int, **changes) -> Response:
    """Change a response; changing its words re-runs the identifier check, so a redaction clears the flag."""
    access.require_edit_project(response.project)
    unknown = set(changes) - RESPONSE_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a response")
    if "text" in changes or "anything_else" in changes:
        changes["identifier_flags"] = identifier_kinds(
            changes.get("text", response.text), changes.get("anything_else", response.anything_else)
        )
    if "about_you" in changes:
        changes["about_you"] = check_answers(
            questions_of_project(project=response.project), changes["about_you"] or {}
        )
    return save_versioned(
        obj=response,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="response.update",
    )


@transaction.atomic
def response_set_themes(
    *, access: Access, response: Response, themes: list[Theme], expected_version: int
) -> Response:
    """Tag the response with exactly `themes` (untagging the rest). Tagging moves the response's version on,
    so two people tagging the same response at once cannot undo each other's work unseen."""
    access.require_edit_project(response.project)
    if any(theme.project_id != response.project_id for theme in themes):
        raise ValueError("A response can only be tagged with its own project's themes")
    links = records_of(project=response.project, model=ResponseTheme).filter(response=response)
    current = set(links.values_list("theme_id", flat=True))
    wanted = {theme.pk for theme in themes}
    if current == wanted:
        if response.version != expected_version:
            raise StaleEdit(current=response)
        return response
    moved = Response.objects.filter(pk=response.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise StaleEdit(current=Response.objects.get(pk=response.pk))
    links.filter(theme_id__in=current - wanted).delete()
    ResponseTheme.objects.bulk_create(
        ResponseTheme(
            organisation_id=response.organisation_id,
            project=response.project,
            response=response,
            theme_id=theme_id,
        )
        for theme_id in wanted - current
    )
    audit(actor=access.user, action="response.themes", obj=response, changed=["themes"])
    response.refresh_from_db()
    return response


# --- Themes ---------------------------------------------------------------------------------------


def _require_unique_theme_name(project: Project, name: str, theme: Theme | None = None) -> None:
    others = records_of(project=project, model=Theme).filter(name__iexact=name.strip())
    if theme is not None:
        others = others.exclude(pk=theme.pk)
    if others.exists():
        raise ValidationError({"name": "There is already a theme with this name"})


@transaction.atomic
def theme_create(*, access: Access, project: Project, name: str, description: str = "") -> Theme:
    access.require_edit_project(project)
    _require_unique_theme_name(project, name)
    theme = Theme(
        organisation=project.organisation, project=project, name=name.strip(), description=description
    )
    theme.save()
    audit(actor=access.user, action="theme.create", obj=theme, changed=["description", "name"])
    return theme


@transaction.atomic
def theme_update(*, access: Access, theme: Theme, expected_version: int, **changes) -> Theme:
    """Rename a theme or change its description; a save based on an older version is refused."""
    access.require_edit_project(theme.project)
    unknown = set(changes) - THEME_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a theme")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        _require_unique_theme_name(theme.project, changes["name"], theme)
    return save_versioned(
        obj=theme,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="theme.update",
    )


@transaction.atomic
def theme_merge(*, access: Access, source: Theme, target: Theme) -> Theme:
    """Move every tag of `source` onto `target` (a response tagged with both keeps one tag), then delete
    `source`. Returns the target."""
    access.require_edit_project(source.project)
    if target.project_id != source.project_id:
        raise ValueError("Themes can only be merged within one project")
    if target.pk == source.pk:
        raise ValidationError({"target": "Choose a different theme to merge into"})
    tags = records_of(project=source.project, model=ResponseTheme)
    already_on_target = tags.filter(theme=target).values("response_id")
    tags.filter(theme=source, response_id__in=already_on_target).delete()
    tags.filter(theme=source).update(theme=target, updated_at=timezone.now())
    audit(actor=access.user, action="theme.merge", obj=target, changed=["responses"])
    audit(actor=access.user, action="theme.delete", obj=source, changed=[])
    Theme.objects.filter(pk=source.pk).delete()
    target.refresh_from_db()
    return target


# --- Collection links -----------------------------------------------------------------------------


@transaction.atomic
def link_create(
    *,
    access: Access,
    project: Project,
    setting: str,
    question: str = "What matters to you?",
    about_you: list[str] = (),
) -> CollectionLink:
    """Open a public "What matters to you?" form for one setting, asking the chosen optional "about you"
    questions (keys of the programme's dimensions; never the deprivation quintile)."""
    access.require_edit_project(project)
    link = CollectionLink(
        organisation=project.organisation,
        project=project,
        setting=setting,
        question=question,
        about_you=check_link_questions(project, list(about_you)),
    )
    link.save()
    audit(
        actor=access.user,
        action="collection_link.create",
        obj=link,
        changed=["about_you", "question", "setting"],
    )
    return link


@transaction.atomic
def link_set_open(
    *, access: Access, link: CollectionLink, is_open: bool, expected_version: int
) -> CollectionLink:
    """Close the public form (it then says so politely) or open it again."""
    access.require_edit_project(link.project)
    return save_versioned(
        obj=link,
        expected_version=expected_version,
        changes={"is_open": is_open},
        actor=access.user,
        action="collection_link.open" if is_open else "collection_link.close",
    )


# --- The public form ------------------------------------------------------------------------------


def public_rate_limited(*, address: str) -> bool:
    """Count one submission from `address`; True once it has sent more than the window allows. The cache key
    is a keyed hash, so the cache never holds an address."""
    key = (
        "public_response_rate:" + salted_hmac("public_response_rate", address, algorithm="sha256").hexdigest()
    )
    cache.add(key, 0, timeout=PUBLIC_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=PUBLIC_WINDOW_SECONDS)
        count = 1
    return count > PUBLIC_SUBMISSIONS_PER_WINDOW


@transaction.atomic
def public_response_submit(
    *,
    link: CollectionLink,
    text: str,
    anything_else: str = "",
    respondent: str = Response.Respondent.NOT_SAID,
    about_you: dict | None = None,
) -> Response:
    """Save one answer from the public form, with its answers to the link's "about you" questions. There is
    no user: the write runs in the scope of the link's organisation only and is audited as the
    "public_form" system job."""
    with tenant_scope([link.organisation_id], reason="public form: save one response"):
        current = CollectionLink.objects.select_for_update().get(pk=link.pk)
        if not current.is_open:
            raise LinkClosed
        answers = check_answers(questions_asked(current.project, current.about_you), about_you or {})
        response = Response(
            organisation_id=current.organisation_id,
            project_id=current.project_id,
            collection_link=current,
            method=Response.Method.PUBLIC_FORM,
            collected_on=timezone.localdate(),
            setting=current.setting,
            respondent=respondent or Response.Respondent.NOT_SAID,
            text=text,
            anything_else=anything_else,
            identifier_flags=identifier_kinds(text, anything_else),
            about_you=answers,
        )
        response.save()
        audit(
            system_job="public_form",
            action="response.create",
            obj=response,
            changed=["about_you", "anything_else", "respondent", "text"],
        )
        return response
