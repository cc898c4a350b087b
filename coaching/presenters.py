"""Display logic for coaching calls, pre-call packs and monthly returns (the pack's PDF is in
`presenters_packs`, the dashboards' in `presenters_dashboards`)."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.access import Access
from coproduction.progress import progress_score
from measurement.icons import assurance_icon_svg, variation_icon_svg
from measurement.models import Measure
from measurement.presenters import MeasurePresenter
from projects.models import Project

from .models import CoachingCall, MonthlyReturn
from .selectors import (
    actions_of_call,
    aim_measure_of,
    carried_actions,
    cycles_since,
    month_start,
    previous_call,
    previous_month,
    return_figures,
    unresolved_comments_of,
)
from .services import can_coach_project, can_tick_action

RETURN_LABELS = {"submitted": "Submitted", "draft": "Started, not submitted", "missing": "Not started"}


def when_text(moment) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y %H:%M}" if moment else ""


# --- Coaching calls -----------------------------------------------------------------------------------


@dataclass
class CallPresenter:
    call: CoachingCall
    access: Access

    def __getattr__(self, name):
        return getattr(self.call, name)

    @property
    def when(self) -> str:
        return when_text(self.call.scheduled_for)

    @property
    def is_past(self) -> bool:
        return self.call.scheduled_for < timezone.now()

    @property
    def can_edit(self) -> bool:
        return can_coach_project(self.access, self.call.project)

    @property
    def can_tick(self) -> bool:
        return can_tick_action(self.access, self.call.project)

    @cached_property
    def actions(self) -> list:
        return list(actions_of_call(self.call))

    @cached_property
    def carried(self) -> list:
        return list(carried_actions(self.call))

    @property
    def attendee_names(self) -> list[str]:
        return [name.strip() for name in self.call.attendees.splitlines() if name.strip()]


@dataclass
class PreCallPack:
    """Everything a coach reads before a call, on one page (and, through `presenters_packs`, in a PDF)."""

    call: CoachingCall
    access: Access

    @property
    def project(self) -> Project:
        return self.call.project

    @cached_property
    def score(self):
        return progress_score(self.project)

    @cached_property
    def aim(self) -> MeasurePresenter | None:
        measure = aim_measure_of(self.project)
        return MeasurePresenter(measure, self.access, chart="xmr") if measure else None

    @cached_property
    def previous(self) -> CoachingCall | None:
        return previous_call(self.call)

    @cached_property
    def cycles(self) -> list:
        return list(cycles_since(self.project, self.previous.scheduled_for if self.previous else None))

    @cached_property
    def open_actions(self) -> list:
        own = [action for action in actions_of_call(self.call) if action.done_on is None]
        return list(carried_actions(self.call)) + own

    @cached_property
    def comments(self) -> list:
        return list(unresolved_comments_of(self.project))

    @property
    def since_text(self) -> str:
        return (
            f"since the last call on {when_text(self.previous.scheduled_for)}" if self.previous else "so far"
        )


# --- Monthly returns ----------------------------------------------------------------------------------


@dataclass
class ReturnPresenter:
    monthly_return: MonthlyReturn
    access: Access

    def __getattr__(self, name):
        return getattr(self.monthly_return, name)

    @property
    def title(self) -> str:
        return f"{self.monthly_return.month:%B %Y}"

    @property
    def is_submitted(self) -> bool:
        return self.monthly_return.status == MonthlyReturn.Status.SUBMITTED

    @property
    def can_edit(self) -> bool:
        return not self.is_submitted and self.access.can_edit_project(self.monthly_return.project)

    @cached_property
    def figures(self) -> dict:
        """The frozen snapshot once submitted; until then, the figures as they stand now."""
        if self.is_submitted:
            return self.monthly_return.snapshot
        return return_figures(self.monthly_return.project, self.monthly_return.month)

    @property
    def aim_text(self) -> str:
        aim = self.figures.get("aim")
        if not aim:
            return "No aim measure yet"
        if aim.get("latest_value") is None:
            return f"{aim['measure']}: no data yet"
        suffix = "%" if aim["unit"] == Measure.Unit.PERCENT else f" {aim['unit']}"
        return (
            f"{aim['measure']}: {aim['latest_value']}{suffix} (period starting {aim['latest_period_start']})"
        )

    @property
    def variation_icon_svg(self) -> str:
        icon = (self.figures.get("aim") or {}).get("variation_icon")
        return mark_safe(variation_icon_svg(icon, size=28))  # noqa: S308 - escaped when built

    @property
    def assurance_icon_svg(self) -> str:
        icon = (self.figures.get("aim") or {}).get("assurance_icon")
        return mark_safe(assurance_icon_svg(icon, size=28))  # noqa: S308 - escaped when built

    def summary_rows(self) -> list[dict]:
        figures = self.figures
        cycles = figures.get("cycles", [])
        return [
            {"key": {"text": "Phase"}, "value": {"text": figures.get("phase", "")}},
            {"key": {"text": "Aim measure"}, "value": {"text": self.aim_text}},
            {
                "key": {"text": "PDSA cycles run this month"},
                "value": {
                    "text": "; ".join(
                        f"{c['change_idea']}: {c['ramp']} cycle {c['number']} ({c['status']})" for c in cycles
                    )
                    or "None"
                },
            },
            {
                "key": {"text": "Change ideas adopted"},
                "value": {"text": "; ".join(figures.get("change_ideas_adopted", [])) or "None"},
            },
        ]


def months_to_start(existing: set[date], *, today: date) -> list[date]:
    """Last month and this month, when their return has not been started."""
    return [month for month in (previous_month(today), month_start(today)) if month not in existing]
