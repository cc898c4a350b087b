"""Reads for the coach dashboard, coaching calls and monthly returns, always through the reader's `Access`.

The dashboard issues a fixed number of queries whatever the number of projects: per-project facts come
from subqueries on one projects query, and the aim measures' data from one query for all of them.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.access import Access
from accounts.models import Role, RoleGrant
from coproduction.models import (
    ChangeIdea,
    Comment,
    PdsaCycle,
    Project,
)
from coproduction.progress import progress_score, with_evidence
from coproduction.selectors import project_visible, projects_visible, record_visible, records_of
from measurement.analysis import _value as measure_value
from measurement.models import DataPoint, Measure, PeriodMark
from measurement.spc import analyse

from .models import CallAction, CoachingCall, MonthlyReturn

NO_DATA_AFTER = timedelta(weeks=4)
# A month's return is due by this day of the next month; reminders go out earlier, on RETURN_REMINDER_DAY.
RETURN_DUE_DAY = 10


def return_reminder_day() -> int:
    return getattr(settings, "RETURN_REMINDER_DAY", 5)


def pre_call_pack_days() -> int:
    return getattr(settings, "PRE_CALL_PACK_DAYS", 2)


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def next_month(month: date) -> date:
    return month_start(month + timedelta(days=32))


# --- Coach dashboard ----------------------------------------------------------------------------------


def require_dashboard(access: Access) -> None:
    """The coach dashboard is for coaches and programme admins; to anyone else it does not exist."""
    if not (access.is_coach or access.is_programme_admin or getattr(access.user, "is_superuser", False)):
        raise Http404("No such page")


@dataclass
class AimFacts:
    """What the dashboard shows of a project's aim measure, from the XmR analysis (Making Data Count)."""

    measure: Measure
    latest_value: float | None
    latest_start: date | None
    variation_icon: str | None
    assurance_icon: str | None


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
            DataPoint.objects.filter(organisation=OuterRef("organisation"), measure__project=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        ),
        next_call=Subquery(
            CoachingCall.objects.filter(**same_project, scheduled_for__gte=timezone.now())
            .order_by("scheduled_for")
            .values("scheduled_for")[:1]
        ),
        last_return_status=Subquery(
            MonthlyReturn.objects.filter(**same_project, month=last_month).values("status")[:1]
        ),
    )


def aim_facts(projects: list[Project]) -> dict[uuid.UUID, AimFacts]:
    """The aim measure of every project with its latest value and icons: three queries for all of them."""
    measures = list(
        Measure.objects.filter(
            organisation_id__in={p.organisation_id for p in projects},
            project__in=[p.pk for p in projects],
            is_aim_measure=True,
        )
    )
    if not measures:
        return {}
    points = defaultdict(list)
    for row in DataPoint.objects.filter(
        organisation_id__in={m.organisation_id for m in measures}, measure__in=measures
    ).values_list("measure_id", "period_start", "numerator", "denominator"):
        points[row[0]].append(row[1:])
    rebases = defaultdict(set)
    for measure_id, start in PeriodMark.objects.filter(
        organisation_id__in={m.organisation_id for m in measures}, measure__in=measures, kind="rebase"
    ).values_list("measure_id", "period_start"):
        rebases[measure_id].add(start)
    return {
        measure.project_id: _aim(measure, points[measure.pk], rebases[measure.pk]) for measure in measures
    }


def _aim(measure: Measure, rows: list, rebase_starts: set[date]) -> AimFacts:
    rows = sorted(rows)
    if not rows:
        return AimFacts(measure, None, None, None, None)
    values = [
        measure_value(measure, float(numerator), float(denominator) if denominator is not None else None)
        for _, numerator, denominator in rows
    ]
    rebase = [index for index, row in enumerate(rows) if index and row[0] in rebase_starts]
    result = analyse(
        "xmr",
        values,
        improvement_direction=measure.improvement_direction,
        target=float(measure.target) if measure.target is not None else None,
        rebase=rebase,
    )
    return AimFacts(
        measure=measure,
        latest_value=values[-1],
        latest_start=rows[-1][0],
        variation_icon=result.get("variation_icon"),
        assurance_icon=result.get("assurance_icon"),
    )


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


def dashboard_rows(*, access: Access, filters: DashboardFilters) -> list[DashboardRow]:
    """One row per project the reader may see (narrowed by the filters), in a fixed number of queries."""
    require_dashboard(access)
    today = timezone.localdate()
    projects = projects_visible(access=access)
    if filters.programme:
        projects = projects.filter(enrolment__cohort__programme_id=_uuid_or_none(filters.programme))
    if filters.cohort:
        projects = projects.filter(enrolment__cohort_id=_uuid_or_none(filters.cohort))
    if filters.system:
        system_id = _uuid_or_none(filters.system)
        projects = projects.filter(Q(organisation__system_id=system_id) | Q(organisation_id=system_id))
    if filters.phase:
        projects = projects.filter(phase__name=filters.phase)
    projects = list(_annotated(projects, today=today))
    aims = aim_facts(projects)
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


# --- Coaching calls -----------------------------------------------------------------------------------


def calls_of(*, access: Access, project_id: uuid.UUID) -> tuple[Project, QuerySet[CoachingCall]]:
    project = project_visible(access=access, project_id=project_id)
    return project, records_of(project=project, model=CoachingCall).order_by("-scheduled_for")


def call_visible(*, access: Access, project_id: uuid.UUID, call_id: uuid.UUID) -> CoachingCall:
    return record_visible(access=access, project_id=project_id, model=CoachingCall, record_id=call_id)


def action_visible(*, access: Access, project_id: uuid.UUID, action_id: uuid.UUID) -> CallAction:
    return record_visible(access=access, project_id=project_id, model=CallAction, record_id=action_id)


def actions_of_call(call: CoachingCall) -> QuerySet[CallAction]:
    return records_of(project=call.project, model=CallAction).filter(call=call)


def carried_actions(call: CoachingCall) -> QuerySet[CallAction]:
    """Actions from the project's earlier calls that are not done yet: they are carried to this call."""
    return (
        records_of(project=call.project, model=CallAction)
        .filter(call__scheduled_for__lt=call.scheduled_for, done_on__isnull=True)
        .select_related("call")
        .order_by("call__scheduled_for", "due_on", "created_at")
    )


def previous_call(call: CoachingCall) -> CoachingCall | None:
    return (
        records_of(project=call.project, model=CoachingCall)
        .filter(scheduled_for__lt=call.scheduled_for)
        .order_by("-scheduled_for")
        .first()
    )


def cycles_since(project: Project, since: datetime | None) -> QuerySet[PdsaCycle]:
    """PDSA cycles started, or changed, since `since` (every cycle when there was no earlier call)."""
    cycles = records_of(project=project, model=PdsaCycle).select_related("ramp__change_idea")
    if since is not None:
        cycles = cycles.filter(Q(starts_on__gte=since.date()) | Q(updated_at__gte=since))
    return cycles.order_by("ramp", "number")


def unresolved_comments_of(project: Project) -> QuerySet[Comment]:
    return (
        records_of(project=project, model=Comment)
        .filter(thread__isnull=True, resolved_at__isnull=True)
        .select_related("author")
    )


def aim_measure_of(project: Project) -> Measure | None:
    measure = records_of(project=project, model=Measure).filter(is_aim_measure=True).first()
    if measure is not None:
        measure.project = project
    return measure


# --- Monthly returns ----------------------------------------------------------------------------------


def returns_of(*, access: Access, project_id: uuid.UUID) -> tuple[Project, QuerySet[MonthlyReturn]]:
    project = project_visible(access=access, project_id=project_id)
    return project, records_of(project=project, model=MonthlyReturn).select_related("submitted_by")


def return_visible(*, access: Access, project_id: uuid.UUID, return_id: uuid.UUID) -> MonthlyReturn:
    return record_visible(access=access, project_id=project_id, model=MonthlyReturn, record_id=return_id)


def return_figures(project: Project, month: date) -> dict:
    """What the team recorded in `month`, for its return: JSON-ready, so it can be frozen on submission."""
    end = next_month(month)
    measure = aim_measure_of(project)
    aim = None
    if measure is not None:
        facts = aim_facts([project]).get(project.pk)
        if facts is not None and facts.latest_start is not None:
            aim = {
                "measure": measure.name,
                "unit": measure.unit,
                "latest_value": round(facts.latest_value, 1),
                "latest_period_start": facts.latest_start.isoformat(),
                "variation_icon": facts.variation_icon,
                "assurance_icon": facts.assurance_icon,
            }
        else:
            aim = {"measure": measure.name, "unit": measure.unit, "latest_value": None}
    cycles = (
        records_of(project=project, model=PdsaCycle)
        .filter(
            Q(starts_on__lt=end) & (Q(ends_on__gte=month) | Q(ends_on__isnull=True, starts_on__gte=month))
        )
        .select_related("ramp__change_idea")
        .order_by("starts_on", "number")
    )
    adopted = (
        records_of(project=project, model=ChangeIdea)
        .filter(
            Q(status=ChangeIdea.Status.ADOPTED, updated_at__date__gte=month, updated_at__date__lt=end)
            | Q(
                ramps__cycles__act_decision=PdsaCycle.Decision.ADOPT,
                ramps__cycles__ends_on__gte=month,
                ramps__cycles__ends_on__lt=end,
            )
        )
        .distinct()
        .order_by("title")
    )
    return {
        "month": month.isoformat(),
        "phase": project.phase.name,
        "phase_order": project.phase.order,
        "aim": aim,
        "cycles": [
            {
                "ramp": cycle.ramp.title,
                "number": cycle.number,
                "change_idea": cycle.ramp.change_idea.title,
                "status": cycle.get_status_display(),
                "decision": cycle.get_act_decision_display(),
            }
            for cycle in cycles
        ],
        "change_ideas_adopted": [idea.title for idea in adopted],
    }


def returns_needing_reminder(*, today: date):
    """(project, month) pairs whose previous month's return is not submitted and nobody was reminded.
    Runs in a system job's all-organisations scope."""
    month = previous_month(today)
    done = MonthlyReturn.objects.filter(month=month).filter(
        Q(status=MonthlyReturn.Status.SUBMITTED) | Q(reminded_at__isnull=False)
    )
    return (
        Project.objects.filter(enrolment__status="active")
        .exclude(pk__in=done.values("project_id"))
        .select_related("organisation", "enrolment__cohort", "phase")
        .order_by("pk")
    ), month


def team_member_emails(project: Project) -> list[str]:
    return sorted(
        set(
            RoleGrant.objects.filter(
                project=project, role=Role.TEAM_MEMBER, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )
