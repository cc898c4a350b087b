"""Reads for the dashboards, always through the reader's `Access`.

A dashboard issues a fixed number of queries whatever the number of projects: per-project facts come
from subqueries on one projects query, and the aim measures' data from one query for all of them. The
equity marker of an aim measure broken down by deprivation is cached like its summary; when its entry is
missing it costs three queries for that measure (measurement/equity_markers.py), and none for the others.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.access import Access
from accounts.models import Role, RoleGrant
from coproduction.models import Comment, Project, ProjectPartner
from coproduction.progress import progress_score, with_evidence
from coproduction.selectors import projects_visible
from measurement.aims import AimFacts, MeasureSummary, aim_facts, measure_summaries
from measurement.equity_markers import equity_markers
from measurement.models import Measure

from .models import CoachingCall, Cohort, Enrolment, MonthlyReturn, Organisation, Place, Programme, Region
from .selectors import RETURN_DUE_DAY, previous_month

NO_DATA_AFTER = timedelta(weeks=4)
# Joins the partner organisations' names in one column of the projects query; no name holds it.
PARTNER_SEPARATOR = "\x1f"


# --- Coach dashboard ----------------------------------------------------------------------------------


def require_dashboard(access: Access) -> None:
    """The coach dashboard is for coaches and programme admins; to anyone else it does not exist."""
    if not (access.is_coach or access.is_programme_admin or getattr(access.user, "is_superuser", False)):
        raise Http404("No such page")


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
        """Variation icons grouped for the filter: improvement, concern, neutral, common_cause or no_data."""
        icon = self.variation_icon
        if not icon:
            return "no_data"
        return icon.rsplit("_", 1)[0] if icon != "common_cause" else icon

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
        last_return_status=Subquery(
            MonthlyReturn.objects.filter(**same_project, month=last_month).values("status")[:1]
        ),
        partner_names=Subquery(
            ProjectPartner.objects.filter(**same_project, joined_on__lte=today)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
            .order_by()
            .values("project")
            .annotate(names=StringAgg("partner_organisation__name", delimiter=Value(PARTNER_SEPARATOR)))
            .values("names"),
            output_field=TextField(),
        ),
    )


def _partners(names: str | None) -> list[str]:
    return sorted(names.split(PARTNER_SEPARATOR), key=str.lower) if names else []


def return_is_overdue(status: str | None, *, today: date) -> bool:
    return status != MonthlyReturn.Status.SUBMITTED and today.day > RETURN_DUE_DAY


@dataclass
class DashboardFilters:
    programme: str = ""
    cohort: str = ""
    system: str = ""
    phase: str = ""
    icon: str = ""
    needs_attention: bool = False
    place: str = ""


def dashboard_rows(*, access: Access, filters: DashboardFilters) -> list[DashboardRow]:
    """One row per project the reader may see (narrowed by the filters), in a fixed number of queries."""
    require_dashboard(access)
    projects = projects_visible(access=access)
    if filters.programme:
        projects = projects.filter(enrolment__cohort__programme_id=_uuid_or_none(filters.programme))
    if filters.cohort:
        projects = projects.filter(enrolment__cohort_id=_uuid_or_none(filters.cohort))
    if filters.system:
        system_id = _uuid_or_none(filters.system)
        projects = projects.filter(Q(organisation__system_id=system_id) | Q(organisation_id=system_id))
    return _rows(projects, filters)


def _rows(projects: QuerySet[Project], filters: DashboardFilters) -> list[DashboardRow]:
    today = timezone.localdate()
    if filters.phase:
        projects = projects.filter(phase__name=filters.phase)
    projects = list(_annotated(projects, today=today))
    aims = aim_facts(projects)
    by_id = {project.pk: project for project in projects}
    for facts in aims.values():
        facts.measure.project = by_id[facts.measure.project_id]
    markers = equity_markers(facts.measure for facts in aims.values())
    rows = [
        DashboardRow(
            project=project,
            suggested_score=progress_score(project).suggested,
            unresolved_comments=project.unresolved_comments,
            last_data_entry=project.last_data_entry,
            return_status=project.last_return_status or "missing",
            return_overdue=return_is_overdue(project.last_return_status, today=today),
            next_call=project.next_call,
            aim=aims.get(project.pk),
            partners=_partners(project.partner_names),
            equity=markers.get(aims[project.pk].measure.pk) if project.pk in aims else None,
        )
        for project in projects
    ]
    if filters.icon:
        rows = [row for row in rows if row.icon_group == filters.icon]
    if filters.needs_attention:
        rows = [row for row in rows if row.needs_attention]
    return rows


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def dashboard_filter_options(*, access: Access) -> dict[str, list[tuple[str, str]]]:
    """The programmes, cohorts, systems and phases among the reader's projects: one query."""
    require_dashboard(access)
    programmes, cohorts, systems, phases = {}, {}, {}, set()
    for row in (
        projects_visible(access=access)
        .order_by()
        .values(
            "enrolment__cohort__programme_id",
            "enrolment__cohort__programme__name",
            "enrolment__cohort_id",
            "enrolment__cohort__name",
            "organisation_id",
            "organisation__kind",
            "organisation__name",
            "organisation__system_id",
            "organisation__system__name",
            "phase__name",
        )
        .distinct()
    ):
        programmes[str(row["enrolment__cohort__programme_id"])] = row["enrolment__cohort__programme__name"]
        cohorts[str(row["enrolment__cohort_id"])] = row["enrolment__cohort__name"]
        if row["organisation__kind"] == "system":
            systems[str(row["organisation_id"])] = row["organisation__name"]
        elif row["organisation__system_id"]:
            systems[str(row["organisation__system_id"])] = row["organisation__system__name"]
        phases.add(row["phase__name"])
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


def require_system_dashboard(access: Access) -> None:
    """For system viewers, regional teams (the systems of their regions), and coaches and programme admins
    looking at a system their projects lie in."""
    allowed = (
        access.viewed_system_ids or access.viewed_region_ids or access.is_coach or access.is_programme_admin
    )
    if not (allowed or _is_superuser(access)):
        raise Http404("No such page")


def dashboard_systems(*, access: Access) -> list[Organisation]:
    """The systems the reader may choose: those they view, and those any project they may read lies in."""
    require_system_dashboard(access)
    systems = Organisation.objects.filter(kind=Organisation.Kind.SYSTEM).order_by("name")
    if _is_superuser(access):
        return list(systems)
    condition = Q(pk__in=access.viewed_system_ids) | Q(region_id__in=access.viewed_region_ids)
    if access.is_coach or access.is_programme_admin:
        readable = Project.objects.filter(access.readable_projects()).order_by()
        condition |= Q(pk__in=readable.values("organisation_id")) | Q(
            pk__in=readable.filter(organisation__system__isnull=False).values("organisation__system_id")
        )
    return list(systems.filter(condition))


def system_chosen(*, access: Access, system_id: str) -> tuple[Organisation, list[Organisation]]:
    """The system asked for (the first one when none is), and all the reader may choose; else Http404."""
    systems = dashboard_systems(access=access)
    if not systems:
        raise Http404("No system to show")
    if not system_id:
        return systems[0], systems
    wanted = _uuid_or_none(system_id)
    for system in systems:
        if system.pk == wanted:
            return system, systems
    raise Http404("No such system")


@dataclass
class MeasureCard:
    """One reliability measure of a project, for the small multiples."""

    measure: Measure
    summary: MeasureSummary


@dataclass
class SystemDashboardData:
    system: Organisation
    systems: list[Organisation]
    rows: list[DashboardRow]
    cards: list[MeasureCard]
    places: list[Place] = field(default_factory=list)  # the system's places, to choose from
    place: Place | None = None  # the place shown, or None for the whole system


def system_dashboard(*, access: Access, system_id: str, place_id: str = "") -> SystemDashboardData:
    """The system's own (system-wide) projects and its member providers' projects that the reader may see,
    with every project's reliability measures: a fixed number of queries whatever the system's size.

    With a place, only the projects of that place: those whose own place it is, and those whose lead
    organisation's place it is. A place of another system answers Http404."""
    system, systems = system_chosen(access=access, system_id=system_id)
    places = list(Place.objects.filter(system=system).order_by("name"))
    place = _place_chosen(places, place_id)
    projects = projects_visible(access=access).filter(Q(organisation=system) | Q(organisation__system=system))
    if place is not None:
        projects = projects.filter(Q(place=place) | Q(organisation__place=place))
    rows = _rows(projects, DashboardFilters())
    return SystemDashboardData(
        system=system,
        systems=systems,
        rows=rows,
        cards=reliability_cards([row.project for row in rows]),
        places=places,
        place=place,
    )


def _place_chosen(places: list[Place], place_id: str) -> Place | None:
    if not place_id:
        return None
    wanted = _uuid_or_none(place_id)
    for place in places:
        if place.pk == wanted:
            return place
    raise Http404("No such place")


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
    if not region_id:
        return regions[0], regions
    wanted = _uuid_or_none(region_id)
    for region in regions:
        if region.pk == wanted:
            return region, regions
    raise Http404("No such region")


@dataclass
class RegionalDashboardData:
    region: Region
    regions: list[Region]
    systems: list[Organisation]  # every system of the region, by name
    rows: list[DashboardRow]  # the projects of the region's systems that the reader may read
    opens_every_system: bool  # a regional viewer of the region opens each system's dashboard


def regional_dashboard(*, access: Access, region_id: str) -> RegionalDashboardData:
    """The region's systems and the projects in them that the reader may read: the system-wide projects of
    its systems and their member organisations' projects, in a fixed number of queries."""
    region, regions = region_chosen(access=access, region_id=region_id)
    systems = list(Organisation.objects.filter(kind=Organisation.Kind.SYSTEM, region=region).order_by("name"))
    projects = projects_visible(access=access).filter(
        Q(organisation__region=region) | Q(organisation__system__region=region)
    )
    return RegionalDashboardData(
        region=region,
        regions=regions,
        systems=systems,
        rows=_rows(projects, DashboardFilters()),
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
    project: Project  # annotated with its last coaching call before now
    buddies: list[RoleGrant]

    @property
    def no_recent_call(self) -> bool:
        last = self.project.last_coaching_call
        return last is None or timezone.now() - last > NO_CALL_AFTER


@dataclass
class ProgrammeDashboardData:
    programme: Programme
    programmes: list[Programme]
    cohorts: list[CohortLine]
    programme_coaches: list[RoleGrant]
    projects: list[ProjectLine]

    @property
    def without_buddy(self) -> list[ProjectLine]:
        return [line for line in self.projects if not line.buddies]

    @property
    def without_recent_call(self) -> list[ProjectLine]:
        return [line for line in self.projects if line.no_recent_call]

    @property
    def coach_candidates(self) -> list:
        """Active users who already coach in this programme: the usual choices for another cohort."""
        grants = [*self.programme_coaches, *(grant for line in self.cohorts for grant in line.coaches)]
        return _active_users(grants)

    @property
    def buddy_candidates(self) -> list:
        return _active_users(grant for line in self.projects for grant in line.buddies)


def _active_users(grants) -> list:
    users = {grant.user.pk: grant.user for grant in grants if grant.user.is_active}
    return sorted(users.values(), key=lambda user: user.email)


def programme_dashboard(*, access: Access, programme_id: str) -> ProgrammeDashboardData:
    """Cohorts with enrolment and phase counts, coach and buddy grants, and every project's last coaching
    call: six queries whatever the programme's size."""
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
    buddy_grants = list(
        RoleGrant.objects.filter(role=Role.BUDDY, project__enrolment__cohort__programme=programme)
        .select_related("user")
        .order_by("user__email")
    )
    projects = list(
        projects_visible(access=access)
        .filter(enrolment__cohort__programme=programme)
        .annotate(
            last_coaching_call=Subquery(
                CoachingCall.objects.filter(
                    project=OuterRef("pk"),
                    organisation=OuterRef("organisation"),
                    kind=CoachingCall.Kind.COACHING,
                    scheduled_for__lte=timezone.now(),
                )
                .order_by("-scheduled_for")
                .values("scheduled_for")[:1]
            )
        )
    )
    phase_counts: dict = defaultdict(lambda: defaultdict(int))
    for project in projects:
        phase_counts[project.enrolment.cohort_id][(project.phase.order, project.phase.name)] += 1
    coaches_of, buddies_of = defaultdict(list), defaultdict(list)
    for grant in coach_grants:
        coaches_of[grant.cohort_id or grant.programme_id].append(grant)
    for grant in buddy_grants:
        buddies_of[grant.project_id].append(grant)
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
        projects=[ProjectLine(project=project, buddies=buddies_of[project.pk]) for project in projects],
    )
