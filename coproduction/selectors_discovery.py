"""Reads for "Discover what matters": responses, themes and collection links of a project already read through
`project_visible`, and the one lookup the public form makes with no user."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from alwaysevents.tenancy import all_organisations

from .models import CollectionLink, Project, Response, ResponseTheme, Theme
from .selectors import records_of

UNTAGGED = "untagged"
QUOTES_PER_THEME = 3


@dataclass(frozen=True)
class ResponseFilters:
    """`theme` is a Theme, UNTAGGED (the inbox) or None for any."""

    theme: Theme | str | None = None
    method: str = ""
    respondent: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def responses_of(*, project: Project, filters: ResponseFilters = ResponseFilters()) -> QuerySet[Response]:
    responses = records_of(project=project, model=Response).prefetch_related("themes")
    if filters.theme == UNTAGGED:
        responses = responses.filter(themes__isnull=True)
    elif isinstance(filters.theme, Theme):
        responses = responses.filter(themes=filters.theme)
    if filters.method:
        responses = responses.filter(method=filters.method)
    if filters.respondent:
        responses = responses.filter(respondent=filters.respondent)
    if filters.date_from:
        responses = responses.filter(collected_on__gte=filters.date_from)
    if filters.date_to:
        responses = responses.filter(collected_on__lte=filters.date_to)
    return responses.order_by("-collected_on", "-created_at")


def untagged_count(*, project: Project) -> int:
    return records_of(project=project, model=Response).filter(themes__isnull=True).count()


def flagged_count(*, project: Project) -> int:
    return records_of(project=project, model=Response).exclude(identifier_flags=[]).count()


def themes_of(*, project: Project) -> QuerySet[Theme]:
    return records_of(project=project, model=Theme).order_by("name")


@dataclass
class ThemeSummary:
    theme: Theme
    response_count: int
    quotes: list[str] = field(default_factory=list)


def theme_summaries(*, project: Project) -> list[ThemeSummary]:
    """Every theme with its number of responses and up to three recent quotes. Quotes come only from
    responses with no identifier flag, so the list is safe for everyone who can read the project."""
    themes = themes_of(project=project).annotate(response_count=Count("responses", distinct=True))
    summaries = {theme.pk: ThemeSummary(theme=theme, response_count=theme.response_count) for theme in themes}
    ranked = (
        records_of(project=project, model=ResponseTheme)
        .filter(response__identifier_flags=[])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("theme_id"),
                order_by=[F("response__collected_on").desc(), F("response__created_at").desc()],
            )
        )
        .filter(rank__lte=QUOTES_PER_THEME)
        .order_by("theme_id", "rank")
        .values_list("theme_id", "response__text")
    )
    for theme_id, text in ranked:
        if theme_id in summaries:
            summaries[theme_id].quotes.append(text)
    return list(summaries.values())


def links_of(*, project: Project) -> QuerySet[CollectionLink]:
    return (
        records_of(project=project, model=CollectionLink)
        .annotate(response_count=Count("responses"))
        .order_by("-created_at")
    )


def collection_link_for_code(*, code: str) -> CollectionLink:
    """The public form's link, found with no user: the code is the only key, and the caller learns only the
    link and its organisation (never the project)."""
    with all_organisations(reason="public form: find the collection link by its code"):
        try:
            return CollectionLink.objects.select_related("organisation").get(code=code)
        except CollectionLink.DoesNotExist as error:
            raise Http404("No such form") from error
