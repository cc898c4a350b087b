"""Reads for reports: which runs a user may see, and everything a project report shows.

A run is visible to everyone who may read its scope (the requester and, say, the project's coach alike):
the report holds nothing its readers could not already read on the project's pages.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Access
from coproduction.models import PdsaCycle, Project, ResponseTheme, Statement, TeamMember, Theme
from coproduction.selectors import records_of
from measurement.models import Measure

from .models import ReportRun

QUOTES_PER_THEME = 3
NEXT_STEPS_SHOWN = 5


def runs_of_project(*, project: Project) -> QuerySet[ReportRun]:
    """A project's report runs. The caller has already read `project` through `project_visible`."""
    return ReportRun.objects.filter(
        organisation_id=project.organisation_id, project=project, scope_kind=ReportRun.ScopeKind.PROJECT
    ).select_related("requested_by")


def run_visible(*, access: Access, run_id: uuid.UUID) -> ReportRun:
    """The run, or Http404 when it does not exist or its scope lies outside the reader's."""
    try:
        run = (
            ReportRun.objects.select_related(
                "requested_by", "project__organisation__system", "project__enrolment__cohort__programme"
            )
            .filter(scope_kind=ReportRun.ScopeKind.PROJECT)
            .get(pk=run_id)
        )
    except (ReportRun.DoesNotExist, ValueError) as error:
        raise Http404("No such report") from error
    if not access.can_read_project(run.project):
        raise Http404("No such report")
    return run


def run_organisation_id(*, run_id: uuid.UUID) -> uuid.UUID | None:
    """For the render task, before it opens a scope: the organisation the run belongs to (None if gone).
    The caller runs this inside `all_organisations`."""
    return ReportRun.objects.filter(pk=run_id).values_list("organisation_id", flat=True).first()


# --- what a project report shows ------------------------------------------------------------------


@dataclass
class ThemeQuotes:
    theme: Theme
    response_count: int
    quotes: list[str] = field(default_factory=list)


@dataclass
class CoDesignBalance:
    lived_experience: int
    staff: int

    @property
    def total(self) -> int:
        return self.lived_experience + self.staff

    @property
    def lived_experience_percent(self) -> int:
        return round(100 * self.lived_experience / self.total) if self.total else 0


@dataclass
class ProjectReportData:
    project: Project
    generated_on: date
    statements: list[Statement]
    measures: list[Measure]
    cycles: list[PdsaCycle]
    themes: list[ThemeQuotes]
    balance: CoDesignBalance
    next_steps: list[PdsaCycle]


def project_report_data(*, project: Project) -> ProjectReportData:
    """Everything a project report holds, in a fixed number of queries. Read inside the tenant scope of
    the project's organisation; only responses with nothing flagged for redaction are quoted."""
    statements = list(records_of(project=project, model=Statement).order_by("created_at"))
    measures = list(records_of(project=project, model=Measure).order_by("-is_aim_measure", "name"))
    cycles = list(
        records_of(project=project, model=PdsaCycle)
        .select_related("ramp__change_idea")
        .order_by("ramp__change_idea__title", "ramp__title", "number")
    )
    themes = {theme.pk: ThemeQuotes(theme=theme, response_count=0) for theme in _themes(project)}
    counted = defaultdict(set)
    links = (
        records_of(project=project, model=ResponseTheme)
        .select_related("response")
        .order_by("-response__collected_on", "response__created_at")
    )
    for link in links:
        entry = themes.get(link.theme_id)
        if entry is None:
            continue
        counted[link.theme_id].add(link.response_id)
        if not link.response.identifier_flags and len(entry.quotes) < QUOTES_PER_THEME:
            entry.quotes.append(link.response.text)
    for theme_id, responses in counted.items():
        themes[theme_id].response_count = len(responses)
    members = list(records_of(project=project, model=TeamMember).filter(active=True))
    lived = sum(1 for member in members if member.has_lived_experience)
    dated = sorted(
        (cycle for cycle in cycles if cycle.next_steps.strip()),
        key=lambda cycle: (cycle.ends_on or cycle.starts_on or date.min, cycle.updated_at),
        reverse=True,
    )
    return ProjectReportData(
        project=project,
        generated_on=timezone.localdate(),
        statements=statements,
        measures=measures,
        cycles=cycles,
        themes=sorted(themes.values(), key=lambda entry: (-entry.response_count, entry.theme.name)),
        balance=CoDesignBalance(lived_experience=lived, staff=len(members) - lived),
        next_steps=dated[:NEXT_STEPS_SHOWN],
    )


def _themes(project: Project) -> QuerySet[Theme]:
    return records_of(project=project, model=Theme).order_by("name")
