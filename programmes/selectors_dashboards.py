"""Reads for the dashboards, always through the reader's `Access`.

A dashboard issues a fixed number of queries whatever the number of projects: per-project facts come
from subqueries on one projects query, and the aim measures' data from one query for all of them.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.access import Access
from coproduction.models import Comment, Project
from coproduction.progress import progress_score, with_evidence
from coproduction.selectors import projects_visible
from measurement.aims import AimFacts, aim_facts
from measurement.models import DataPoint

from .models import CoachingCall, MonthlyReturn
from .selectors import RETURN_DUE_DAY, previous_month

NO_DATA_AFTER = timedelta(weeks=4)


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
