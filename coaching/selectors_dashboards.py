"""Reads for the dashboards, always through the reader's `Access`.

The coach, system and regional dashboards read the read model (`DashboardEntry`, one row per project, kept up
to date by the services that write: docs/adr/012-dashboard-read-model.md). Filters, sort and paging are SQL,
so a page reads the rows it shows and counts the rest: its cost grows with the 50 rows shown, not with the
cohort. The entries are built (`dashboard_entries_built`) from the projects' records in a fixed number of
queries however many projects: per-project facts come from subqueries on one projects query, and the aim
measures' data from one query for all of them. The equity marker of an aim measure broken down by
deprivation is cached like its summary; when its entry is missing it costs three queries for that measure
(measurement/equity_markers.py), and none for the others.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.base import ModelState
from django.db.models.functions import Cast, Coalesce, Lower
from django.http import Http404
from django.utils import timezone

from accounts.access import Access, ReadableBy
from accounts.models import Role, RoleGrant, User
from alwaysevents import read_models
from alwaysevents.tenancy import all_organisations
from coproduction.models import Comment, ProjectPartner
from coproduction.progress import progress_score, with_evidence
from measurement.aims import AimFacts, MeasureSummary, aim_facts, measure_summaries
from measurement.equity_markers import equity_markers
from measurement.models import Measure
from programmes.models import Cohort, Enrolment, Organisation, Phase, Place, Programme, Region
from programmes.selectors_geography import dashboard_systems
from projects.models import Project
from projects.selectors import projects_visible

from .models import CoachingCall, DashboardEntry, MonthlyReturn
from .selectors import RETURN_DUE_DAY, previous_month

NO_DATA_AFTER = timedelta(weeks=4)
# Joins the partner organisations' ids in one column of the projects query.
PARTNER_SEPARATOR = "\x1f"


# --- Coach dashboard ----------------------------------------------------------------------------------


def require_dashboard(access: Access) -> None:
    """The coach dashboard is for coaches and programme admins; to anyone else it does not exist."""
    if not (access.is_coach or access.is_programme_admin or getattr(access.user, "is_superuser", False)):
        raise Http404("No such page")


def icon_group_of(variation_icon: str | None) -> str:
    """Variation icons grouped for the filter: improvement, concern, neutral, common_cause or no_data."""
    if not variation_icon:
        return "no_data"
    return variation_icon.rsplit("_", 1)[0] if variation_icon != "common_cause" else variation_icon


@dataclass
class DashboardRow:
    project: Project
    suggested_score: Decimal
    unresolved_comments: int
    last_data_entry: datetime | None
    return_status: str  # "submitted", "draft" or "missing", for the previous month
    return_overdue: bool
    next_call: datetime | None
    aim: AimFacts | None
    partners: list[str] = field(default_factory=list)  # current partner organisations' names, by name
    # The gap between the most and least deprived of an aim measure broken down by deprivation, as readers
    # outside the team see it: {"direction", "label", "finding"} (measurement.equity.equity_marker).
    equity: dict | None = None

    @property
    def system(self):
        organisation = self.project.organisation
        return organisation if organisation.is_system else organisation.system

    @property
    def variation_icon(self) -> str | None:
        return self.aim.variation_icon if self.aim else None

    @property
    def icon_group(self) -> str:
        return icon_group_of(self.variation_icon)

    @property
    def no_recent_data(self) -> bool:
        return self.last_data_entry is None or timezone.now() - self.last_data_entry > NO_DATA_AFTER

    @property
    def attention_reasons(self) -> list[str]:
        reasons = []
        if self.no_recent_data:
            reasons.append("No data for 4 weeks")
        if self.return_overdue:
            reasons.append("Monthly return overdue")
        if self.icon_group == "concern":
            reasons.append("Special cause concern")
        return reasons

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention_reasons)


def _annotated(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    same_project = {"project": OuterRef("pk"), "organisation": OuterRef("organisation")}
    last_month = previous_month(today)
    return with_evidence(projects).annotate(
        unresolved_comments=Coalesce(
            Subquery(
                Comment.objects.filter(**same_project, thread__isnull=True, resolved_at__isnull=True)
                .order_by()
                .values("project")
                .annotate(count=Count("pk"))
                .values("count"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        last_data_entry=Subquery(
            Measure.objects.filter(**same_project, points_changed_at__isnull=False)
            .order_by("-points_changed_at")
            .values("points_changed_at")[:1]
        ),
        next_call=Subquery(
            CoachingCall.objects.filter(**same_project, scheduled_for__gte=timezone.now())
            .order_by("scheduled_for")
            .values("scheduled_for")[:1]
        ),
        last_coaching_call=Subquery(
            CoachingCall.objects.filter(
                **same_project, kind=CoachingCall.Kind.COACHING, scheduled_for__lte=timezone.now()
            )
            .order_by("-scheduled_for")
            .values("scheduled_for")[:1]
        ),
        last_return_status=Subquery(
            MonthlyReturn.objects.filter(**same_project, month=last_month).values("status")[:1]
        ),
        partner_ids=Subquery(
            ProjectPartner.objects.filter(**same_project, joined_on__lte=today)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
            .order_by()
            .values("project")
            .annotate(
                ids=StringAgg(
                    Cast("partner_organisation_id", TextField()), delimiter=Value(PARTNER_SEPARATOR)
                )
            )
            .values("ids"),
            output_field=TextField(),
        ),
    )


def _partners(ids: str | None) -> list[str]:
    return sorted(ids.split(PARTNER_SEPARATOR)) if ids else []


def return_is_overdue(status: str | None, *, today: date) -> bool:
    return status != MonthlyReturn.Status.SUBMITTED and today.day > RETURN_DUE_DAY


def _start_of_tomorrow() -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def dashboard_entries_built(project_ids: Iterable[uuid.UUID]) -> list[DashboardEntry]:
    """The read-model rows of these projects (unsaved), from their records, in a fixed number of queries.
    Call it in a scope that reads the projects' organisations."""
    today = timezone.localdate()
    projects = list(
        _annotated(Project.objects.filter(pk__in=list(project_ids)).order_by(), today=today).select_related(
            "organisation__system", "enrolment__cohort__programme", "phase"
        )
    )
    aims = aim_facts(projects)
    by_id = {project.pk: project for project in projects}
    for facts in aims.values():
        facts.measure.project = by_id[facts.measure.project_id]
    markers = equity_markers(facts.measure for facts in aims.values())
    tomorrow = _start_of_tomorrow()
    entries = []
    for project in projects:
        aim = aims.get(project.pk)
        entries.append(
            DashboardEntry(
                organisation_id=project.organisation_id,
                project=project,
                **_names_shown(project),
                suggested_score=progress_score(project).suggested,
                aim_measure=aim.measure if aim else None,
                latest_value=aim.latest_value if aim else None,
                latest_start=aim.latest_start if aim else None,
                variation_icon=(aim.variation_icon if aim else None) or "",
                assurance_icon=(aim.assurance_icon if aim else None) or "",
                icon_group=icon_group_of(aim.variation_icon if aim else None),
                last_data_entry=project.last_data_entry,
                return_month=previous_month(today),
                return_status=project.last_return_status or DashboardEntry.ReturnStatus.MISSING,
                unresolved_comments=project.unresolved_comments,
                next_call=project.next_call,
                last_coaching_call=project.last_coaching_call,
                partners=_partners(project.partner_ids),
                equity=markers.get(aim.measure.pk) if aim else None,
                expires_at=min(project.next_call, tomorrow) if project.next_call else tomorrow,
            )
        )
    return entries


def _names_shown(project: Project) -> dict:
    """What a row shows of the project, its organisations, phase, cohort and programme."""
    organisation, cohort = project.organisation, project.enrolment.cohort
    system = organisation if organisation.is_system else organisation.system
    return {
        "project_title": project.title,
        "organisation_name": organisation.name,
        "organisation_kind": organisation.kind,
        "organisation_ods_code": organisation.ods_code or "",
        "system": system,
        "system_name": system.name if system else "",
        "enrolment_id": project.enrolment_id,
        "cohort": cohort,
        "cohort_name": cohort.name,
        "programme": cohort.programme,
        "programme_name": cohort.programme.name,
        "phase": project.phase,
        "phase_order": project.phase.order,
        "phase_name": project.phase.name,
    }


def projects_showing(obj: Organisation | Enrolment | Cohort | Programme | Phase) -> list[uuid.UUID]:
    """The projects whose entries show a name of `obj` (`_names_shown`), across every organisation: an
    organisation's own, and a system's members'; an enrolment's, a cohort's, a programme's, a phase's."""
    condition = {
        Organisation: Q(organisation=obj) | Q(organisation__system=obj),
        Enrolment: Q(enrolment=obj),
        Cohort: Q(enrolment__cohort=obj),
        Programme: Q(enrolment__cohort__programme=obj),
        Phase: Q(phase=obj),
    }[type(obj)]
    with all_organisations(reason="mark the dashboard entries that show a renamed organisation or cohort"):
        return list(Project.objects.filter(condition).values_list("pk", flat=True))


@dataclass
class DashboardFilters:
    programme: str = ""
    cohort: str = ""
    system: str = ""
    phase: str = ""
    icon: str = ""
    needs_attention: bool = False
    place: str = ""

    def table_only(self) -> "DashboardFilters":
        """The filters of the system and regional dashboards' tables: phase, icon, needs attention."""
        return DashboardFilters(phase=self.phase, icon=self.icon, needs_attention=self.needs_attention)


# The columns a dashboard sorts by: what SQL orders the entries by, rows with nothing to sort by last.
SORT_EXPRESSIONS = {
    "project": Lower("project_title"),
    "organisation": Lower("organisation_name"),
    "system": Case(When(system__isnull=False, then=Lower("system_name"))),
    "phase": F("phase_order"),
    "score": F("suggested_score"),
    "latest": F("latest_value"),
    "last_entry": F("last_data_entry"),
    "return": F("return_status"),
    "comments": F("unresolved_comments"),
    "next_call": F("next_call"),
}


def sort_key(sort: str) -> str:
    """The sort asked for ("-" first for descending), or "project" for anything unknown."""
    return sort if sort.removeprefix("-") in SORT_EXPRESSIONS else "project"


def _attention() -> Q:
    """Needs attention: no data for 4 weeks, last month's return overdue, or special cause concern."""
    condition = (
        Q(last_data_entry__isnull=True)
        | Q(last_data_entry__lt=timezone.now() - NO_DATA_AFTER)
        | Q(icon_group="concern")
    )
    if timezone.localdate().day > RETURN_DUE_DAY:
        condition |= ~Q(return_status=MonthlyReturn.Status.SUBMITTED)
    return condition


class DashboardRows(Sequence):
    """The dashboard rows of a set of entries, filtered and sorted in SQL and read a slice at a time: `len()`
    counts them in one query, a slice reads only its rows (one query, and the cached summaries of none)."""

    CHUNK = 500

    def __init__(
        self, entries: QuerySet[DashboardEntry], sort: str = "project", facets: "Facets | None" = None
    ):
        self.facets = facets  # the grouped counts the rows are counted from; when none, of these rows alone
        self.sort = sort_key(sort)
        expression = SORT_EXPRESSIONS[self.sort.removeprefix("-")]
        ordered = (
            expression.desc(nulls_last=True) if self.sort.startswith("-") else expression.asc(nulls_last=True)
        )
        self.entries = entries.order_by(ordered, Lower("project_title"), "project_title", "project_id")

    def __len__(self) -> int:
        return self._counts["total"]

    def count(self) -> int:
        return len(self)

    @cached_property
    def _counts(self) -> dict:
        """How many rows, how many need attention: from the grouped counts (`Facets`), which rebuild expired
        rows first, so the page is counted and read as it is now."""
        return (self.facets or Facets.of(self.entries, DashboardFilters())).counts()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        # The slice's ids first (sorted and filtered, a narrow query), then its rows by id: planning one query
        # that sorts, filters and joins every table a row shows cost more than running both.
        ids = list(self.entries.values_list("pk", flat=True)[index])
        by_id = {entry.pk: entry for entry in _with_display_rows(DashboardEntry.objects.filter(pk__in=ids))}
        entries = [by_id[pk] for pk in ids if pk in by_id]
        partner_ids = {partner for entry in entries for partner in entry.partners}
        partner_names = {
            str(pk): name
            for pk, name in Organisation.objects.filter(pk__in=partner_ids).values_list("pk", "name")
        }
        shown, today = _Shown(), timezone.localdate()
        return [_row(entry, partner_names, shown, today) for entry in entries]

    def __iter__(self) -> Iterator[DashboardRow]:
        start, _ = 0, len(self)  # counting rebuilds expired rows first
        while chunk := self[start : start + self.CHUNK]:
            yield from chunk
            start += self.CHUNK

    @property
    def attention_count(self) -> int:
        return self._counts["attention"]


# What a row shows of its aim measure: loading only these keeps a page's query lean (a measure's other
# columns are long). Everything else a row shows is the entry's own.
AIM_DISPLAYED = [
    "aim_measure__organisation_id",
    "aim_measure__project_id",
    "aim_measure__name",
    "aim_measure__unit",
    "aim_measure__stratified_by",
    "aim_measure__frequency",
    "aim_measure__is_aim_measure",
]


def _with_display_rows(entries: QuerySet[DashboardEntry]) -> QuerySet[DashboardEntry]:
    return entries.select_related("aim_measure").only(
        *(field.name for field in DashboardEntry._meta.concrete_fields), *AIM_DISPLAYED
    )


def _loaded(model, related: dict | None = None, **values):
    """An instance of `model` as a query loading only these fields (and selecting these related objects)
    would make it: every other field is deferred (absent from the instance's `__dict__`), so reading one
    still queries rather than answering a default. Made without `Model.__init__` and the relation
    descriptors' checks, which cost more than the rest of a row: a page makes hundreds."""
    instance = model.__new__(model)
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    instance.__dict__.update(values)
    if related:
        instance._state.fields_cache.update(related)
    return instance


class _Shown:
    """The project, organisation, system, phase and cohort a row shows, made from the entry's copies of
    them and shared between the rows of one page."""

    def __init__(self):
        self.made: dict = {}

    def _one(self, model, pk, related: dict | None = None, **fields):
        key = (model, pk)
        if key not in self.made:
            self.made[key] = _loaded(model, related, id=pk, **fields)
        return self.made[key]

    def project(self, entry: DashboardEntry) -> Project:
        is_system = entry.organisation_kind == Organisation.Kind.SYSTEM
        system = None
        if not is_system and entry.system_id:
            system = self._one(
                Organisation, entry.system_id, name=entry.system_name, kind=Organisation.Kind.SYSTEM
            )
        organisation = self._one(
            Organisation,
            entry.organisation_id,
            None if is_system else {"system": system},
            name=entry.organisation_name,
            kind=entry.organisation_kind,
            ods_code=entry.organisation_ods_code or None,
            system_id=None if is_system else entry.system_id,
        )
        cohort = self._one(Cohort, entry.cohort_id, name=entry.cohort_name, programme_id=entry.programme_id)
        return _loaded(
            Project,
            {
                "organisation": organisation,
                "phase": self._one(Phase, entry.phase_id, name=entry.phase_name, order=entry.phase_order),
                "enrolment": _loaded(
                    Enrolment, {"cohort": cohort}, id=entry.enrolment_id, cohort_id=entry.cohort_id
                ),
            },
            id=entry.project_id,
            organisation_id=entry.organisation_id,
            title=entry.project_title,
            enrolment_id=entry.enrolment_id,
            phase_id=entry.phase_id,
        )


def _row(entry: DashboardEntry, partner_names: dict, shown: _Shown, today: date) -> DashboardRow:
    project = shown.project(entry)
    aim = None
    if entry.aim_measure is not None:
        entry.aim_measure._state.fields_cache["project"] = project  # as `_loaded` relates, unchecked
        aim = AimFacts(
            measure=entry.aim_measure,
            latest_value=entry.latest_value,
            latest_start=entry.latest_start,
            variation_icon=entry.variation_icon or None,
            assurance_icon=entry.assurance_icon or None,
        )
    return DashboardRow(
        project=project,
        suggested_score=entry.suggested_score,
        unresolved_comments=entry.unresolved_comments,
        last_data_entry=entry.last_data_entry,
        return_status=entry.return_status,
        return_overdue=return_is_overdue(entry.return_status, today=today),
        next_call=entry.next_call,
        aim=aim,
        partners=sorted((partner_names[pk] for pk in entry.partners if pk in partner_names), key=str.lower),
        equity=entry.equity,
    )


def entries_visible(*, access: Access) -> QuerySet[DashboardEntry]:
    """The read-model rows of the projects the reader may read: `Access.readable`, asked of the entries' own
    copies of the organisation, system, cohort and programme it turns on, so a dashboard filters one table
    rather than joining five in a subquery of the projects. The writes of this transaction are flushed first.
    Rows whose clock-only facts expired are rebuilt as they are counted (`DashboardRows`, `ProjectLines`); a
    project with no entry yet (loaded in bulk) gets one from the beat task, `rebuild_dashboard_entries` or
    `seed_demo`."""
    read_models.flush()
    return DashboardEntry.objects.filter(access.readable(ENTRY_READ_FIELDS))


def in_regions(region_ids: Iterable[uuid.UUID]) -> Q:
    """Entries of the organisations in these regions: a system's own, and its members' (an entry's system is
    its organisation when that is a system)."""
    organisations = Organisation.objects.filter(region_id__in=list(region_ids)).values("pk")
    return Q(organisation_id__in=organisations) | Q(system_id__in=organisations)


ENTRY_READ_FIELDS = ReadableBy(
    project="project_id",
    organisation="organisation_id",
    system="system_id",
    programme="programme_id",
    cohort="cohort_id",
    in_regions=in_regions,
)


def _refreshed_if_expired(entries: QuerySet[DashboardEntry], expired: int) -> bool:
    """Rebuild the entries whose clock-only facts expired (the beat task's work, when it has not got to them
    yet); whether there were any."""
    if not expired:
        return False
    from .services_dashboards import dashboard_entries_refresh

    dashboard_entries_refresh(
        set(entries.filter(expires_at__lte=timezone.now()).values_list("project_id", flat=True))
    )
    return True


def filtered(entries: QuerySet[DashboardEntry], filters: DashboardFilters) -> QuerySet[DashboardEntry]:
    """The phase, icon and needs-attention filters, in SQL."""
    if filters.phase:
        entries = entries.filter(phase_name=filters.phase)
    if filters.icon:
        entries = entries.filter(icon_group=filters.icon)
    if filters.needs_attention:
        entries = entries.filter(_attention())
    return entries


def dashboard_rows(*, access: Access, filters: DashboardFilters, sort: str = "project") -> DashboardRows:
    """The rows of the projects the reader may see (narrowed by the filters), sorted, read page by page."""
    require_dashboard(access)
    visible = entries_visible(access=access)
    entries = visible
    if filters.programme:
        entries = entries.filter(programme_id=_uuid_or_none(filters.programme))
    if filters.cohort:
        entries = entries.filter(cohort_id=_uuid_or_none(filters.cohort))
    if filters.system:
        entries = entries.filter(system_id=_uuid_or_none(filters.system))
    return DashboardRows(filtered(entries, filters), sort, facets=Facets.of(visible, filters))


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass
class Facets:
    """The reader's projects counted by programme, cohort, system, phase and icon group, with how many of
    each need attention and how many entries expired, in one grouped query: a dashboard's counts (under its
    filters), its filters' choices and its roll-ups (among all its projects) all come from it, so none scans
    the entries again. Expired entries are rebuilt before they are counted."""

    # (programme id, name, cohort id, name, system id, name, phase order, name, icon group, projects, of them
    # needing attention, of them expired)
    groups: list[tuple]
    filters: DashboardFilters

    @classmethod
    def of(cls, entries: QuerySet[DashboardEntry], filters: DashboardFilters) -> "Facets":
        facets = cls(groups=cls._grouped(entries), filters=filters)
        if _refreshed_if_expired(entries, sum(group[-1] for group in facets.groups)):
            facets.groups = cls._grouped(entries)
        return facets

    @staticmethod
    def _grouped(entries: QuerySet[DashboardEntry]) -> list[tuple]:
        return list(
            entries.order_by()
            .values_list(
                "programme_id",
                "programme_name",
                "cohort_id",
                "cohort_name",
                "system_id",
                "system_name",
                "phase_order",
                "phase_name",
                "icon_group",
            )
            .annotate(
                projects=Count("pk"),
                attention=Count("pk", filter=_attention()),
                expired=Count("pk", filter=Q(expires_at__lte=timezone.now())),
            )
        )

    def _chosen(self, group: tuple) -> bool:
        programme_id, _, cohort_id, _, system_id, _, _, phase, icon, *_ = group
        wanted = self.filters
        return (
            (not wanted.programme or str(programme_id) == wanted.programme)
            and (not wanted.cohort or str(cohort_id) == wanted.cohort)
            and (not wanted.system or str(system_id) == wanted.system)
            and (not wanted.phase or phase == wanted.phase)
            and (not wanted.icon or icon == wanted.icon)
        )

    def with_filters(self, filters: DashboardFilters) -> "Facets":
        return Facets(groups=self.groups, filters=filters)

    def phases(self) -> list[str]:
        """The phases of the projects, in journey order."""
        return list(
            dict.fromkeys(name for _, name in sorted({(group[6], group[7]) for group in self.groups}))
        )

    def by_group_and_phase(self, system_id=None) -> Counter:
        """Projects (of one system, or all, whatever the filters) by icon group and phase: the roll-ups."""
        counted = Counter()
        for group in self.groups:
            if system_id is None or group[4] == system_id:
                counted[(group[8], group[7])] += group[9]
        return counted

    def systems(self) -> set:
        return {group[4] for group in self.groups if group[4] is not None}

    def counts(self) -> dict:
        chosen = [group for group in self.groups if self._chosen(group)]
        attention = sum(group[-2] for group in chosen)
        total = attention if self.filters.needs_attention else sum(group[-3] for group in chosen)
        return {"total": total, "attention": attention}

    def options(self) -> dict[str, list[tuple[str, str]]]:
        """The programmes, cohorts, systems and phases among the reader's projects."""
        programmes, cohorts, systems, phases = {}, {}, {}, set()
        for programme_id, programme, cohort_id, cohort, system_id, system, _, phase, *_ in self.groups:
            programmes[str(programme_id)] = programme
            cohorts[str(cohort_id)] = cohort
            if system_id:
                systems[str(system_id)] = system
            phases.add(phase)
        by_name = lambda options: sorted(options.items(), key=lambda item: item[1])  # noqa: E731
        return {
            "programme": by_name(programmes),
            "cohort": by_name(cohorts),
            "system": by_name(systems),
            "phase": [(name, name) for name in sorted(phases)],
        }


# --- System dashboard ---------------------------------------------------------------------------------


def _is_superuser(access: Access) -> bool:
    return getattr(access.user, "is_superuser", False)


def system_chosen(*, access: Access, system_id: str) -> tuple[Organisation, list[Organisation]]:
    """The system asked for (the first one when none is), and all the reader may choose; else Http404."""
    systems = dashboard_systems(access=access)
    if not systems:
        raise Http404("No system to show")
    return (_chosen(systems, system_id, "system") if system_id else systems[0]), systems


def _chosen(choices: list, chosen_id: str, noun: str):
    """The choice whose id is `chosen_id`; else Http404 ("No such system")."""
    wanted = _uuid_or_none(chosen_id)
    for choice in choices:
        if choice.pk == wanted:
            return choice
    raise Http404(f"No such {noun}")


@dataclass
class MeasureCard:
    """One reliability measure of a project, for the small multiples."""

    measure: Measure
    summary: MeasureSummary


@dataclass
class SystemDashboardData:
    system: Organisation
    systems: list[Organisation]
    entries: QuerySet[DashboardEntry]  # every project of the system (or place) the reader may see
    places: list[Place] = field(default_factory=list)  # the system's places, to choose from
    place: Place | None = None  # the place shown, or None for the whole system

    @cached_property
    def facets(self) -> "Facets":
        return Facets.of(self.entries, DashboardFilters())

    def rows(self, filters: DashboardFilters, sort: str) -> DashboardRows:
        filters = filters.table_only()
        return DashboardRows(filtered(self.entries, filters), sort, facets=self.facets.with_filters(filters))

    def counts(self) -> "Facets":
        """Every project of the dashboard, whatever the filters, for the roll-ups (the same grouped query
        as the table's counts)."""
        return self.facets


def system_dashboard(*, access: Access, system_id: str, place_id: str = "") -> SystemDashboardData:
    """The system's own (system-wide) projects and its member providers' projects that the reader may see.

    With a place, only the projects of that place: those whose own place it is, and those whose lead
    organisation's place it is. A place of another system answers Http404."""
    system, systems = system_chosen(access=access, system_id=system_id)
    places = list(Place.objects.filter(system=system).order_by("name"))
    place = _place_chosen(places, place_id)
    entries = entries_visible(access=access).filter(system_id=system.pk)  # its own projects and its members'
    if place is not None:
        of_place = Project.objects.filter(Q(place=place) | Q(organisation__place=place)).values("pk")
        entries = entries.filter(project_id__in=of_place)
    return SystemDashboardData(system=system, systems=systems, entries=entries, places=places, place=place)


def _place_chosen(places: list[Place], place_id: str) -> Place | None:
    return _chosen(places, place_id, "place") if place_id else None


def reliability_cards(projects: list[Project]) -> list[MeasureCard]:
    """The process (reliability) measures of the projects, with their cached summaries, by project then
    with the aim measure first."""
    by_id = {project.pk: project for project in projects}
    if not by_id:
        return []
    measures = list(
        Measure.objects.filter(
            organisation_id__in={project.organisation_id for project in projects},
            project__in=list(by_id),
            kind=Measure.Kind.PROCESS,
        )
    )
    for measure in measures:
        measure.project = by_id[measure.project_id]
    summaries = measure_summaries(measures)
    measures.sort(key=lambda m: (m.project.title.lower(), str(m.project_id), not m.is_aim_measure, m.name))
    return [MeasureCard(measure=measure, summary=summaries[measure.pk]) for measure in measures]


# --- Regional dashboard -------------------------------------------------------------------------------


def require_regional_dashboard(access: Access) -> None:
    """For NHS England's regional teams (their regions), and programme admins (the regions their projects
    lie in)."""
    if not (access.viewed_region_ids or access.is_programme_admin or _is_superuser(access)):
        raise Http404("No such page")


def dashboard_regions(*, access: Access) -> list[Region]:
    """The regions the reader may choose: those they view, and those any project they may read lies in."""
    require_regional_dashboard(access)
    regions = Region.objects.order_by("name")
    if _is_superuser(access):
        return list(regions)
    condition = Q(pk__in=access.viewed_region_ids)
    if access.is_programme_admin:
        readable = Project.objects.filter(access.readable_projects()).order_by()
        condition |= Q(pk__in=readable.values("organisation__region_id")) | Q(
            pk__in=readable.values("organisation__system__region_id")
        )
    return list(regions.filter(condition))


def region_chosen(*, access: Access, region_id: str) -> tuple[Region, list[Region]]:
    """The region asked for (the first when none is), and all the reader may choose; else Http404."""
    regions = dashboard_regions(access=access)
    if not regions:
        raise Http404("No region to show")
    return (_chosen(regions, region_id, "region") if region_id else regions[0]), regions


@dataclass
class RegionalDashboardData:
    region: Region
    regions: list[Region]
    systems: list[Organisation]  # every system of the region, by name
    entries: QuerySet[DashboardEntry]  # the projects of the region's systems that the reader may read
    opens_every_system: bool  # a regional viewer of the region opens each system's dashboard

    @cached_property
    def facets(self) -> "Facets":
        return Facets.of(self.entries, DashboardFilters())

    def rows(self, filters: DashboardFilters, sort: str) -> DashboardRows:
        filters = filters.table_only()
        return DashboardRows(filtered(self.entries, filters), sort, facets=self.facets.with_filters(filters))

    def counts(self) -> "Facets":
        """Every project of the dashboard, whatever the filters, for the roll-ups (the same grouped query
        as the table's counts)."""
        return self.facets


def regional_dashboard(*, access: Access, region_id: str) -> RegionalDashboardData:
    """The region's systems and the projects in them that the reader may read: the system-wide projects of
    its systems and their member organisations' projects."""
    region, regions = region_chosen(access=access, region_id=region_id)
    systems = list(Organisation.objects.filter(kind=Organisation.Kind.SYSTEM, region=region).order_by("name"))
    return RegionalDashboardData(
        region=region,
        regions=regions,
        systems=systems,
        entries=entries_visible(access=access).filter(in_regions([region.pk])),
        opens_every_system=region.pk in access.viewed_region_ids or _is_superuser(access),
    )


# --- Programme dashboard ------------------------------------------------------------------------------

NO_CALL_AFTER = timedelta(weeks=6)


def require_programme_dashboard(access: Access) -> None:
    if not access.is_programme_admin:
        raise Http404("No such page")


def programme_chosen(*, access: Access, programme_id: str) -> tuple[Programme, list[Programme]]:
    """The programme asked for (the first when none is) among those the reader administers; else 404."""
    require_programme_dashboard(access)
    programmes = list(Programme.objects.filter(pk__in=access.administered_programme_ids).order_by("name"))
    if not programme_id:
        return programmes[0], programmes
    wanted = _uuid_or_none(str(programme_id))
    for programme in programmes:
        if programme.pk == wanted:
            return programme, programmes
    raise Http404("No such programme")


def cohort_of_programme(*, access: Access, programme_id, cohort_id) -> Cohort:
    programme, _ = programme_chosen(access=access, programme_id=programme_id)
    try:
        return Cohort.objects.select_related("programme").get(programme=programme, pk=cohort_id)
    except (Cohort.DoesNotExist, ValueError) as error:
        raise Http404("No such cohort") from error


def project_of_programme(*, access: Access, programme_id, project_id) -> Project:
    programme, _ = programme_chosen(access=access, programme_id=programme_id)
    try:
        return projects_visible(access=access).get(enrolment__cohort__programme=programme, pk=project_id)
    except (Project.DoesNotExist, ValueError) as error:
        raise Http404("No such project") from error


@dataclass
class CohortLine:
    cohort: Cohort  # annotated with one count of enrolments per status
    projects_by_phase: list[tuple[str, int]]
    coaches: list[RoleGrant]


@dataclass
class ProjectLine:
    project: Project  # with its last coaching call before now (`last_coaching_call`)
    buddies: list[RoleGrant]

    @property
    def no_recent_call(self) -> bool:
        last = self.project.last_coaching_call
        return last is None or timezone.now() - last > NO_CALL_AFTER


class ProjectLines(Sequence):
    """Projects of a programme from the read model, by title, read a slice at a time with their buddies:
    `len()` counts them in one query, a slice costs two (the entries, their buddy grants)."""

    CHUNK = 500

    def __init__(self, entries: QuerySet[DashboardEntry]):
        self.entries = entries.order_by("project__title", "project_id")
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.entries.count()
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        entries = list(
            self.entries[index].select_related(
                "project__organisation", "project__enrolment__cohort", "project__phase"
            )
        )
        buddies = defaultdict(list)
        for grant in (
            RoleGrant.objects.filter(role=Role.BUDDY, project__in=[entry.project_id for entry in entries])
            .select_related("user")
            .order_by("user__email")
        ):
            buddies[grant.project_id].append(grant)
        lines = []
        for entry in entries:
            entry.project.last_coaching_call = entry.last_coaching_call
            lines.append(ProjectLine(project=entry.project, buddies=buddies[entry.project_id]))
        return lines

    def __iter__(self) -> Iterator[ProjectLine]:
        start = 0
        while chunk := self[start : start + self.CHUNK]:
            yield from chunk
            start += self.CHUNK

    def positions(self, project_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Where each of these projects comes in the list (from 0): the entries before it, all counted in
        one query."""
        wanted = list(
            self.entries.filter(project_id__in=list(project_ids)).values_list("project_id", "project__title")
        )
        if not wanted:
            return {}
        before = {
            f"before_{index}": Count(
                "pk", filter=Q(project__title__lt=title) | Q(project__title=title, project_id__lt=project_id)
            )
            for index, (project_id, title) in enumerate(wanted)
        }
        counts = self.entries.order_by().aggregate(**before)
        return {project_id: counts[f"before_{index}"] for index, (project_id, _) in enumerate(wanted)}


@dataclass
class ProgrammeDashboardData:
    programme: Programme
    programmes: list[Programme]
    cohorts: list[CohortLine]
    programme_coaches: list[RoleGrant]
    projects: ProjectLines
    without_buddy: ProjectLines
    without_recent_call: ProjectLines  # no coaching call in the last 6 weeks, or never
    buddy_candidates: list  # active users who are buddies in this programme: the usual choices

    @property
    def coach_candidates(self) -> list:
        """Active users who already coach in this programme: the usual choices for another cohort."""
        grants = [*self.programme_coaches, *(grant for line in self.cohorts for grant in line.coaches)]
        return _active_users(grants)


def _active_users(grants) -> list:
    users = {grant.user.pk: grant.user for grant in grants if grant.user.is_active}
    return sorted(users.values(), key=lambda user: user.email)


def programme_dashboard(*, access: Access, programme_id: str) -> ProgrammeDashboardData:
    """Cohorts with enrolment and phase counts, coach grants, and the programme's projects from the read
    model: the lists of projects (all, without a buddy, without a recent call) are read a slice at a time,
    so the page's cost grows with what it shows, not with the programme."""
    programme, programmes = programme_chosen(access=access, programme_id=programme_id)
    statuses = {
        f"enrolments_{status}": Count("enrolments", filter=Q(enrolments__status=status))
        for status in Enrolment.Status.values
    }
    cohorts = list(Cohort.objects.filter(programme=programme).annotate(**statuses).order_by("launch_date"))
    coach_grants = list(
        RoleGrant.objects.filter(role=Role.COACH)
        .filter(Q(programme=programme) | Q(cohort__programme=programme))
        .select_related("user")
        .order_by("user__email")
    )
    entries = entries_visible(access=access).filter(programme_id=programme.pk)
    _refreshed_if_expired(entries, entries.filter(expires_at__lte=timezone.now()).count())
    phase_counts: dict = defaultdict(dict)
    for cohort_id, order, name, projects in (
        entries.order_by()
        .values_list("cohort_id", "phase_order", "phase_name")
        .annotate(projects=Count("pk"))
    ):
        phase_counts[cohort_id][(order, name)] = projects
    coaches_of = defaultdict(list)
    for grant in coach_grants:
        coaches_of[grant.cohort_id or grant.programme_id].append(grant)
    has_buddy = Exists(RoleGrant.objects.filter(role=Role.BUDDY, project=OuterRef("project_id")))
    recent = timezone.now() - NO_CALL_AFTER
    buddies = User.objects.filter(
        is_active=True,
        grants__role=Role.BUDDY,
        grants__project__enrolment__cohort__programme=programme,
    )
    return ProgrammeDashboardData(
        programme=programme,
        programmes=programmes,
        cohorts=[
            CohortLine(
                cohort=cohort,
                projects_by_phase=[(name, n) for (_, name), n in sorted(phase_counts[cohort.pk].items())],
                coaches=coaches_of[cohort.pk],
            )
            for cohort in cohorts
        ],
        programme_coaches=coaches_of[programme.pk],
        projects=ProjectLines(entries),
        without_buddy=ProjectLines(entries.filter(~has_buddy)),
        without_recent_call=ProjectLines(
            entries.filter(Q(last_coaching_call__isnull=True) | Q(last_coaching_call__lt=recent))
        ),
        buddy_candidates=list(buddies.distinct().order_by("email")),
    )
