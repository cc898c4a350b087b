"""Reads for "Discover what matters": responses, themes and collection links of a project already read through
`project_visible`, and the one lookup the public form makes with no user."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber
from django.http import Http404

from accounts.access import Access
from alwaysevents.tenancy import all_organisations, tenant_scope
from measurement.spc import suppress
from projects.models import Project
from projects.selectors import records_of

from ..about_you import (
    NOT_ANSWERED,
    NOT_ANSWERED_LABEL,
    Question,
    questions_asked,
)
from ..models import CollectionLink, Response, ResponseTheme, Theme

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


def response_themes(response: Response) -> QuerySet[Theme]:
    """The themes a response is tagged with (from the prefetch when it was listed by `responses_of`)."""
    return response.themes.all()


def themes_of(*, project: Project) -> QuerySet[Theme]:
    return records_of(project=project, model=Theme).order_by("name")


def tagged_count(*, theme: Theme) -> int:
    """How many responses the theme tags."""
    return records_of(project=theme.project, model=ResponseTheme).filter(theme=theme).count()


def merge_targets(*, theme: Theme) -> QuerySet[Theme]:
    """The project's other themes, which this one can be merged into, by name."""
    return records_of(project=theme.project, model=Theme).exclude(pk=theme.pk).order_by("name")


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


def response_count_of(link: CollectionLink) -> int:
    """How many responses came through the link: for a link not read through `links_of`, which counts them."""
    return link.responses.count()


def questions_of_project(*, project: Project) -> list[Question]:
    """The "about you" questions any of the project's collection links asks: the ones staff entry offers
    and themes can be counted by."""
    keys = {
        key
        for keys in records_of(project=project, model=CollectionLink).values_list("about_you", flat=True)
        for key in keys
    }
    return questions_asked(project, keys)


@dataclass(frozen=True)
class ThemeGroupRow:
    theme: Theme
    cells: list[int | None]  # None: suppressed
    total: int


@dataclass(frozen=True)
class ThemeGroupTable:
    """Each theme's responses by the groups of one question. Its columns are the question's groups,
    "Prefer not to say" and "Not answered", so a row's total is the theme's response count, shown on the
    themes page to everyone who reads the project."""

    question: Question
    columns: list[tuple[str, str]]
    rows: list[ThemeGroupRow]
    column_totals: list[int | None]
    grand_total: int | None
    threshold: int | None  # None: raw counts (the team's own)
    withheld: bool = False  # suppression could not stop a hidden count being worked out: show no counts


def theme_group_table(*, access: Access, project: Project, question: Question) -> ThemeGroupTable:
    """The counts the reader may see: the team's own counts, or for anyone else counts from 1 to
    SUPPRESSION_THRESHOLD suppressed, with secondary suppression so no hidden count can be worked out from
    the totals and the other cells (measurement.spc.suppress, the themes' totals public)."""
    columns = [*question.choices, (NOT_ANSWERED, NOT_ANSWERED_LABEL)]
    keys = [key for key, _label in columns]
    themes = list(themes_of(project=project))
    counts = {str(theme.pk): dict.fromkeys(keys, 0) for theme in themes}
    tagged = (
        records_of(project=project, model=ResponseTheme)
        .annotate(group=KeyTextTransform(question.key, "response__about_you"))
        .values("theme_id", "group")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in tagged:
        # An answer no longer among the groups (a place since removed) can only count as not answered.
        group = row["group"] if row["group"] in counts[str(row["theme_id"])] else NOT_ANSWERED
        counts[str(row["theme_id"])][group] += row["count"]
    raw_totals = [sum(counts[str(theme.pk)][key] for theme in themes) for key in keys]
    if access.can_edit_project(project):
        rows = [
            ThemeGroupRow(
                theme, [counts[str(theme.pk)][key] for key in keys], sum(counts[str(theme.pk)].values())
            )
            for theme in themes
        ]
        return ThemeGroupTable(question, columns, rows, raw_totals, sum(raw_totals), threshold=None)
    threshold = settings.SUPPRESSION_THRESHOLD
    if not themes:
        return ThemeGroupTable(question, columns, [], raw_totals, 0, threshold=threshold)
    result = suppress(counts, threshold=threshold, row_totals="public", column_totals="shown")
    rows = [
        ThemeGroupRow(
            theme,
            [result["cells"][str(theme.pk)][key] for key in keys],
            result["row_totals"][str(theme.pk)],
        )
        for theme in themes
    ]
    return ThemeGroupTable(
        question,
        columns,
        rows,
        [result["column_totals"][key] for key in keys],
        result["grand_total"],
        threshold=threshold,
        withheld=bool(result["derivable"]),
    )


def public_questions_of(link: CollectionLink) -> list[Question]:
    """The questions the public form of `link` asks, read in the link's organisation's scope only."""
    with tenant_scope([link.organisation_id], reason="public form: the link's 'about you' questions"):
        return questions_asked(link.project, link.about_you)


def collection_link_for_code(*, code: str) -> CollectionLink:
    """The public form's link, found with no user: the code is the only key, and the caller learns only the
    link and its organisation (never the project)."""
    with all_organisations(reason="public form: find the collection link by its code"):
        try:
            return CollectionLink.objects.select_related("organisation").get(code=code)
        except CollectionLink.DoesNotExist as error:
            raise Http404("No such form") from error
