"""Writes of the support around each project: coaching calls and their actions, monthly returns."""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit, save_versioned
from projects.models import Project

from .models import CallAction, CoachingCall, MonthlyReturn
from .selectors import (
    RETURN_DUE_DAY,
    month_start,
    return_figures,
    return_reminder_day,
    returns_needing_reminder,
    team_member_emails,
)

# --- Coaching calls -----------------------------------------------------------------------------------


def can_coach_project(access: Access, project: Project) -> bool:
    """Coaches of the project's cohort or programme, and its programme's admins, run its calls."""
    if getattr(access.user, "is_superuser", False):
        return True
    cohort = project.enrolment.cohort
    return cohort.pk in access.coached_cohort_ids or cohort.programme_id in (
        access.coached_programme_ids | access.administered_programme_ids
    )


def require_coach_project(access: Access, project: Project) -> None:
    access.require_read_project(project)
    if not can_coach_project(access, project):
        raise PermissionDenied("Only the project's coaches and programme admins schedule and record calls")


def can_tick_action(access: Access, project: Project) -> bool:
    """The team does the actions, so its members tick them done; the coaches may too."""
    return access.can_edit_project(project) or can_coach_project(access, project)


CALL_FIELDS = {"kind", "scheduled_for", "attendees", "notes"}


def _check_call_fields(changes: dict) -> None:
    unknown = set(changes) - CALL_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a coaching call")


def _add_action(*, access: Access, call: CoachingCall, action: dict | None) -> CallAction | None:
    if not action or not action.get("text"):
        return None
    new = CallAction(
        organisation=call.project.organisation,
        project=call.project,
        call=call,
        text=action["text"],
        owner=action.get("owner") or "",
        due_on=action.get("due_on"),
    )
    new.full_clean()
    new.save()
    audit(actor=access.user, action="call_action.create", obj=new, changed=["text", "owner", "due_on"])
    return new


@transaction.atomic
def call_create(
    *,
    access: Access,
    project: Project,
    kind: str,
    scheduled_for: datetime,
    attendees: str = "",
    notes: str = "",
    action: dict | None = None,
) -> CoachingCall:
    """Schedule a call with the project's team, optionally with a first action."""
    require_coach_project(access, project)
    fields = {"kind": kind, "scheduled_for": scheduled_for, "attendees": attendees, "notes": notes}
    call = _new_call(access=access, project=project, fields=fields)
    _add_action(access=access, call=call, action=action)
    return call


def _new_call(
    *, access: Access, project: Project, fields: dict, group_id: uuid.UUID | None = None
) -> CoachingCall:
    call = CoachingCall(organisation=project.organisation, project=project, group_id=group_id, **fields)
    call.full_clean()
    call.save()
    changed = [*sorted(CALL_FIELDS), "group_id"] if group_id else sorted(CALL_FIELDS)
    audit(actor=access.user, action="call.create", obj=call, changed=changed)
    return call


MIN_GROUP = 2
GROUP_FIELDS = ("kind", "scheduled_for")


@transaction.atomic
def group_call_create(
    *,
    access: Access,
    projects: list[Project],
    kind: str,
    scheduled_for: datetime,
    attendees: str = "",
    notes: str = "",
) -> list[CoachingCall]:
    """Schedule one call with several projects' teams: a call per project sharing a group id, so each
    team sees it among its own calls. All or nothing: one project the actor may not coach refuses all."""
    projects = list({project.pk: project for project in projects}.values())
    if len(projects) < MIN_GROUP:
        raise ValidationError(
            "Choose at least two projects; for one project, schedule the call from its page"
        )
    for project in projects:
        require_coach_project(access, project)
    group_id = uuid.uuid4()
    fields = {"kind": kind, "scheduled_for": scheduled_for, "attendees": attendees, "notes": notes}
    return [
        _new_call(access=access, project=project, fields=fields, group_id=group_id) for project in projects
    ]


@transaction.atomic
def call_update(
    *,
    access: Access,
    call: CoachingCall,
    expected_version: int,
    action: dict | None = None,
    whole_group: bool = False,
    **changes,
) -> CoachingCall:
    """Record what happened (notes, attendees), move the call, and add an action; refused if stale.
    With `whole_group`, a new type or time also moves the group's other calls the actor coaches."""
    require_coach_project(access, call.project)
    _check_call_fields(changes)
    project = call.project
    # Adding an action is a change to the call too, so a concurrent edit is still detected.
    adds_action = bool(action and action.get("text"))
    if adds_action and not CoachingCall.objects.filter(pk=call.pk, version=expected_version).exists():
        raise StaleEdit(current=CoachingCall.objects.get(pk=call.pk))
    call = save_versioned(
        obj=call, expected_version=expected_version, changes=changes, actor=access.user, action="call.update"
    )
    call.project = project
    _add_action(access=access, call=call, action=action)
    if whole_group and call.group_id:
        _move_group(access=access, call=call)
    return call


def _move_group(*, access: Access, call: CoachingCall) -> None:
    moved = {name: getattr(call, name) for name in GROUP_FIELDS}
    siblings = (
        CoachingCall.objects.select_for_update(of=("self",))
        .select_related("project__enrolment__cohort", "project__organisation")
        .filter(group_id=call.group_id)
        .exclude(pk=call.pk)
    )
    for sibling in siblings:
        if not can_coach_project(access, sibling.project):
            continue
        changed = [name for name, value in moved.items() if getattr(sibling, name) != value]
        if not changed:
            continue
        for name in changed:
            setattr(sibling, name, moved[name])
        sibling.version += 1
        sibling.save(update_fields=[*changed, "version", "updated_at"])
        audit(actor=access.user, action="call.update", obj=sibling, changed=changed)


@transaction.atomic
def action_mark_done(*, access: Access, action: CallAction, done_on: date | None = None) -> CallAction:
    """Tick an action done (today unless said otherwise). Ticking it twice changes nothing."""
    project = action.project
    access.require_read_project(project)
    if not can_tick_action(access, project):
        raise PermissionDenied("Only the team and its coaches tick actions done")
    if action.done_on is not None:
        return action
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError("An action cannot be done in the future")
    action = save_versioned(
        obj=action,
        expected_version=action.version,
        changes={"done_on": done_on},
        actor=access.user,
        action="call_action.done",
    )
    action.project = project
    return action


# --- Monthly returns ----------------------------------------------------------------------------------


def _require_draft(monthly_return: MonthlyReturn) -> None:
    if monthly_return.status == MonthlyReturn.Status.SUBMITTED:
        raise ValidationError("This return has been submitted and can no longer be changed")


@transaction.atomic
def return_start(*, access: Access, project: Project, month: date) -> MonthlyReturn:
    """The team's draft return for `month` (one that has started); starting it twice gives the same one."""
    access.require_edit_project(project)
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError("A return can only be made for this month or an earlier one")
    monthly_return, created = MonthlyReturn.objects.get_or_create(
        organisation=project.organisation, project=project, month=month
    )
    if created:
        audit(actor=access.user, action="monthly_return.create", obj=monthly_return, changed=["month"])
    monthly_return.project = project
    return monthly_return


@transaction.atomic
def return_update(
    *, access: Access, monthly_return: MonthlyReturn, expected_version: int, barriers: str, help_wanted: str
) -> MonthlyReturn:
    project = monthly_return.project
    access.require_edit_project(project)
    _require_draft(monthly_return)
    monthly_return = save_versioned(
        obj=monthly_return,
        expected_version=expected_version,
        changes={"barriers": barriers, "help_wanted": help_wanted},
        actor=access.user,
        action="monthly_return.update",
    )
    monthly_return.project = project
    return monthly_return


@transaction.atomic
def return_submit(*, access: Access, monthly_return: MonthlyReturn, expected_version: int) -> MonthlyReturn:
    """Freeze the month's figures as they stand now and submit; refused if someone saved it meanwhile."""
    project = monthly_return.project
    access.require_edit_project(project)
    _require_draft(monthly_return)
    monthly_return = save_versioned(
        obj=monthly_return,
        expected_version=expected_version,
        changes={
            "snapshot": return_figures(project, monthly_return.month),
            "status": MonthlyReturn.Status.SUBMITTED,
            "submitted_by": access.user,
            "submitted_at": timezone.now(),
        },
        actor=access.user,
        action="monthly_return.submit",
    )
    monthly_return.project = project
    return monthly_return


def return_reminders_send(*, today: date | None = None) -> int:
    """From RETURN_REMINDER_DAY, email the team members of each active project whose return for last month
    is not submitted, once per project and month. Runs in a system job's all-organisations scope."""
    today = today or timezone.localdate()
    if not return_reminder_day() <= today.day <= RETURN_DUE_DAY:
        return 0
    projects, month = returns_needing_reminder(today=today)
    sent = 0
    for project in projects:
        # One transaction per project: a failure later on does not resend the reminders already sent.
        with transaction.atomic():
            sent += _remind(project, month=month, today=today)
    return sent


def _remind(project: Project, *, month: date, today: date) -> int:
    monthly_return, _ = MonthlyReturn.objects.get_or_create(
        organisation=project.organisation, project=project, month=month
    )
    monthly_return = MonthlyReturn.objects.select_for_update().get(pk=monthly_return.pk)
    if monthly_return.reminded_at is not None or monthly_return.status == MonthlyReturn.Status.SUBMITTED:
        return 0
    sent = 0
    recipients = team_member_emails(project)
    if recipients:
        context = {
            "project": project,
            "month": month,
            "due_on": today.replace(day=RETURN_DUE_DAY),
            "url": settings.SITE_URL
            + reverse("return_edit", kwargs={"project_id": project.pk, "return_id": monthly_return.pk}),
        }
        send_mail(
            subject=f"Monthly return for {month:%B %Y} due: {project}",
            message=render_to_string("programmes/email/return_reminder.txt.jinja", context),
            from_email=None,
            recipient_list=recipients,
        )
        sent = 1
    monthly_return.reminded_at = timezone.now()
    monthly_return.save(update_fields=["reminded_at"])
    audit(
        system_job="send_return_reminders",
        action="monthly_return.remind",
        obj=monthly_return,
        changed=["reminded_at"],
    )
    return sent
