"""The demo's coaching: RNOH's calls (one held, with actions, one booked in two days, so its pre-call pack is
due), a leadership group call for cohort 1, and last month's returns. Made once: a project that already has
calls is left as it is."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from alwaysevents.audit import audit
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coaching.selectors import previous_month, return_figures
from projects.models import Project

JOB = "seed_demo"


def seed_coaching(projects: dict[str, Project]) -> None:
    rnoh = projects["rnoh"]
    if CoachingCall.objects.filter(project=rnoh).exists():
        return
    today = timezone.localdate()

    def at(days: int, hour: int):
        return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))

    held = _call(
        rnoh,
        kind=CoachingCall.Kind.COACHING,
        scheduled_for=at(-26, 10),
        attendees="Lucy Evans\nPat Quinn\nChris Morgan",
        notes="Painted bones tested for a day: families followed them. Agreed to extend to the X-ray route.",
    )
    _action(held, "Share the run chart at the ward huddle", owner="Lucy Evans", due_in=-12, done=True)
    _action(held, "Ask two families to walk the X-ray route with us", owner="Pat Quinn", due_in=5)
    _call(
        rnoh,
        kind=CoachingCall.Kind.COACHING,
        scheduled_for=at(2, 10),
        attendees="Lucy Evans\nPat Quinn\nChris Morgan",
    )
    group_id = uuid.uuid4()
    for key in ("rnoh", "somerset"):
        _call(
            projects[key],
            kind=CoachingCall.Kind.LEADERSHIP,
            scheduled_for=at(9, 14),
            attendees="Executive sponsors of cohort 1",
            group_id=group_id,
        )
    month = previous_month(timezone.localdate())
    monthly_return = MonthlyReturn.objects.create(
        organisation=rnoh.organisation,
        project=rnoh,
        month=month,
        status=MonthlyReturn.Status.SUBMITTED,
        snapshot=return_figures(rnoh, month),
        barriers="Estates could not repaint the floor until after the half-term holiday.",
        help_wanted="An example of signage another trust co-designed with families.",
        submitted_at=timezone.now() - timedelta(days=20),
    )
    audit(system_job=JOB, action="return.submit", obj=monthly_return, changed=["status", "snapshot"])


def _call(project: Project, **fields) -> CoachingCall:
    call = CoachingCall.objects.create(organisation=project.organisation, project=project, **fields)
    audit(system_job=JOB, action="call.create", obj=call, changed=sorted(fields))
    return call


def _action(call: CoachingCall, text: str, *, owner: str, due_in: int, done: bool = False) -> CallAction:
    today = timezone.localdate()
    action = CallAction.objects.create(
        organisation=call.organisation,
        project=call.project,
        call=call,
        text=text,
        owner=owner,
        due_on=today + timedelta(days=due_in),
        done_on=today + timedelta(days=due_in - 1) if done else None,
    )
    audit(system_job=JOB, action="call_action.create", obj=action, changed=["text", "owner", "due_on"])
    return action
