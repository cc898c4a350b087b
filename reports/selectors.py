"""Reads for reports: which runs a user may see, and everything a project report shows.

A run is visible to everyone who may read its scope (the requester and, say, the project's coach alike):
the report holds nothing its readers could not already read on the project's pages.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import Access
from coproduction.models import PdsaCycle, ResponseTheme, Statement, TeamMember, Theme
from measurement.models import Measure
from projects.models import Project

from .models import ReportRun
from .registry import actions_of
from .scopes import Scope, may_read_multi_project_run

QUOTES_PER_THEME = 3
NEXT_STEPS_SHOWN = 5
RECENT_RUNS_CHECKED = 20
RECENTLY_DONE_DAYS = 42


def runs_of_project(*, project: Project) -> QuerySet[ReportRun]:
    """A project's report runs. The caller has already read `project` through `project_visible`."""
    return ReportRun.objects.filter(
        organisation_id=project.organisation_id, project=project, scope_kind=ReportRun.ScopeKind.PROJECT
    ).select_related("requested_by")


def runs_of_scope(*, access: Access, scope: Scope) -> list[ReportRun]:
    """A scope's recent runs that this reader may see. The caller has already read `scope` through
    `scope_visible`."""
    runs = ReportRun.objects.filter(scope_kind=scope.kind, scope_id=scope.pk).select_related("requested_by")
    return [run for run in runs[:RECENT_RUNS_CHECKED] if may_read_multi_project_run(access, run)]


def may_read_run(access: Access, run: ReportRun) -> bool:
    if run.scope_kind in (ReportRun.ScopeKind.PROJECT, ReportRun.ScopeKind.CALL):
        return run.project is not None and access.can_read_project(run.project)
    return may_read_multi_project_run(access, run)


def run_visible(*, access: Access, run_id: uuid.UUID) -> ReportRun:
    """The run, or Http404 when it does not exist or its scope lies outside the reader's."""
    try:
        run = ReportRun.objects.select_related(
            "requested_by", "project__organisation__system", "project__enrolment__cohort__programme", "call"
        ).get(pk=run_id)
    except (ReportRun.DoesNotExist, ValueError) as error:
        raise Http404("No such report") from error
    if not may_read_run(access, run):
        raise Http404("No such report")
    return run


def run_organisation_ids(*, run_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """For the render task, before it opens a scope: the organisations whose rows the run reads (its own
    and its projects'; empty if the run is gone). The caller runs this inside `all_organisations`."""
    run = ReportRun.objects.filter(pk=run_id).values("organisation_id", "parameters").first()
    if run is None:
        return frozenset()
    project_ids = run["parameters"].get("project_ids", [])
    organisations = Project.objects.filter(pk__in=project_ids).values_list("organisation_id", flat=True)
    return frozenset({run["organisation_id"], *organisations})


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
class CoachingActions:
    """The actions agreed on the project's calls (`registry.actions_of`)."""

    open: list = field(default_factory=list)
    recently_done: list = field(default_factory=list)


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
    actions: CoachingActions

    @property
    def aim_measure(self) -> Measure | None:
        return next((measure for measure in self.measures if measure.is_aim_measure), None)


def project_report_data(*, project: Project) -> ProjectReportData:
    """Everything a project report holds. Read inside the tenant scope of the project's organisation."""
    return projects_report_data(projects=[project])[0]


def projects_report_data(*, projects: list[Project]) -> list[ProjectReportData]:
    """Everything the reports of several projects hold, in the projects' order and in a fixed number of
    queries whatever their number: each kind of record is read once for all of them. Read inside a tenant
    scope holding every project's organisation; only responses with nothing flagged for redaction are
    quoted."""
    by_id = {project.pk: project for project in projects}
    today = timezone.localdate()

    def of(model):
        return model.objects.filter(
            organisation_id__in={project.organisation_id for project in projects}, project_id__in=by_id
        )

    statements = _grouped(of(Statement).order_by("created_at"))
    measures = _grouped(of(Measure).order_by("-is_aim_measure", "name"))
    for project_measures in measures.values():
        for measure in project_measures:
            measure.project = by_id[measure.project_id]
    cycles = _grouped(
        of(PdsaCycle)
        .select_related("ramp__change_idea")
        .order_by("ramp__change_idea__title", "ramp__title", "number")
    )
    themes = {theme.pk: ThemeQuotes(theme=theme, response_count=0) for theme in of(Theme).order_by("name")}
    counted = defaultdict(set)
    links = (
        of(ResponseTheme)
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
    themes_by_project = defaultdict(list)
    for entry in sorted(themes.values(), key=lambda entry: (-entry.response_count, entry.theme.name)):
        themes_by_project[entry.theme.project_id].append(entry)
    members = _grouped(of(TeamMember).filter(active=True))
    actions = _grouped(actions_of(projects=projects, done_since=today - timedelta(days=RECENTLY_DONE_DAYS)))
    return [
        ProjectReportData(
            project=project,
            generated_on=today,
            statements=statements[project.pk],
            measures=measures[project.pk],
            cycles=cycles[project.pk],
            themes=themes_by_project[project.pk],
            balance=_balance(members[project.pk]),
            next_steps=_next_steps(cycles[project.pk]),
            actions=CoachingActions(
                open=[action for action in actions[project.pk] if action.done_on is None],
                recently_done=sorted(
                    (action for action in actions[project.pk] if action.done_on is not None),
                    key=lambda action: action.done_on,
                    reverse=True,
                ),
            ),
        )
        for project in projects
    ]


def _grouped(records) -> defaultdict[uuid.UUID, list]:
    grouped = defaultdict(list)
    for record in records:
        grouped[record.project_id].append(record)
    return grouped


def _balance(members: list[TeamMember]) -> CoDesignBalance:
    lived = sum(1 for member in members if member.has_lived_experience)
    return CoDesignBalance(lived_experience=lived, staff=len(members) - lived)


def _next_steps(cycles: list[PdsaCycle]) -> list[PdsaCycle]:
    dated = sorted(
        (cycle for cycle in cycles if cycle.next_steps.strip()),
        key=lambda cycle: (cycle.ends_on or cycle.starts_on or date.min, cycle.updated_at),
        reverse=True,
    )
    return dated[:NEXT_STEPS_SHOWN]


def multi_project_run_projects(*, run: ReportRun) -> list[Project]:
    """The projects a multi-project run holds, in report order. Read in the task's tenant scope."""
    return list(
        Project.objects.filter(pk__in=run.parameters.get("project_ids", []))
        .select_related("organisation__system", "enrolment__cohort__programme", "phase")
        .order_by("organisation__name", "title", "pk")
    )
