"""Reads for coaching calls and monthly returns, always through the reader's `Access`. The pre-call packs'
reads are in `selectors_packs`, the dashboards' in `selectors_dashboards`."""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet

from accounts.access import Access
from accounts.models import Role, RoleGrant
from coproduction.models import ChangeIdea, Comment, PdsaCycle
from measurement.aims import aim_facts
from measurement.models import Measure
from projects.models import Project
from projects.selectors import project_visible, projects_visible, record_visible, records_of

from .models import CallAction, CoachingCall, MonthlyReturn

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


# --- Coaching calls -----------------------------------------------------------------------------------


def calls_of(*, access: Access, project_id: uuid.UUID) -> tuple[Project, QuerySet[CoachingCall]]:
    project = project_visible(access=access, project_id=project_id)
    return project, records_of(project=project, model=CoachingCall).order_by("-scheduled_for")


def coachable_projects(*, access: Access, cohort_id: uuid.UUID | None = None) -> QuerySet[Project]:
    """The projects whose calls the reader runs (as a coach of its cohort or programme, or a programme
    admin), for scheduling a group call."""
    programme_ids = access.coached_programme_ids | access.administered_programme_ids
    projects = projects_visible(access=access)
    if not getattr(access.user, "is_superuser", False):
        projects = projects.filter(
            Q(enrolment__cohort_id__in=access.coached_cohort_ids)
            | Q(enrolment__cohort__programme_id__in=programme_ids)
        )
    if cohort_id is not None:
        projects = projects.filter(enrolment__cohort_id=cohort_id)
    return projects.select_related("organisation", "enrolment__cohort").order_by(
        "organisation__name", "title"
    )


def coachable_cohorts(*, access: Access) -> list[tuple[uuid.UUID, str]]:
    """The cohorts of the projects whose calls the reader runs, as (id, "programme: cohort") by name."""
    rows = (
        coachable_projects(access=access)
        .order_by()
        .values_list("enrolment__cohort_id", "enrolment__cohort__programme__name", "enrolment__cohort__name")
        .distinct()
    )
    return sorted(((pk, f"{programme}: {cohort}") for pk, programme, cohort in rows), key=lambda row: row[1])


def group_calls_with(*, access: Access, call: CoachingCall) -> QuerySet[CoachingCall]:
    """The other calls of a group call, among projects the reader may read."""
    if call.group_id is None:
        return CoachingCall.objects.none()
    return (
        CoachingCall.objects.filter(group_id=call.group_id, project__in=projects_visible(access=access))
        .exclude(pk=call.pk)
        .select_related("project__organisation")
        .order_by("project__organisation__name", "project__title")
    )


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


def actions_for_reports(*, projects: list[Project], done_since: date) -> QuerySet[CallAction]:
    """The projects' actions not done, or done on `done_since` or later, as a project report lists them
    (`reports.registry.actions_of`). Read in a tenant scope holding every project's organisation."""
    return (
        CallAction.objects.filter(
            organisation_id__in={project.organisation_id for project in projects},
            project_id__in={project.pk for project in projects},
        )
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=done_since))
        .select_related("call")
        .order_by(F("due_on").asc(nulls_last=True), "call__scheduled_for", "created_at")
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
