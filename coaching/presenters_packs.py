"""Display logic for pre-call packs as PDFs, on reports' toolkit: the pack's document, and what the pack page
says about its PDF."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.urls import reverse

from accounts.access import Access
from reports.models import ReportRun
from reports.presenters import ReportMeasurePresenter, ReportRunPresenter, date_text

from .models import CoachingCall
from .presenters import PreCallPack, ReturnPresenter, when_text
from .selectors_packs import pack_data_changed_since, packs_of_call


@dataclass
class PackReportPresenter:
    """The pre-call pack PDF: PreCallPack's content, with the aim chart at full size and the last return."""

    pack: PreCallPack
    last_return: ReturnPresenter | None
    generated_on_date: date

    def __getattr__(self, name):
        return getattr(self.pack, name)

    @cached_property
    def aim(self) -> ReportMeasurePresenter | None:
        aim = self.pack.aim
        return ReportMeasurePresenter(aim.measure, aim.access, chart=aim.chart) if aim else None

    @property
    def call(self) -> CoachingCall:
        return self.pack.call

    @property
    def document_title(self) -> str:
        return f"Pre-call pack: {self.pack.project.title}"

    @property
    def call_text(self) -> str:
        return f"{self.call.get_kind_display()} on {when_text(self.call.scheduled_for)}"

    @property
    def generated_on(self) -> str:
        return date_text(self.generated_on_date)

    def open_action_rows(self) -> list[dict]:
        return [
            {
                "text": action.text,
                "owner": action.owner or "Not given",
                "due_on": date_text(action.due_on) or "No date",
                "call": (
                    "This call"
                    if action.call_id == self.call.pk
                    else f"Carried from the {action.call.get_kind_display().lower()} on "
                    f"{date_text(action.call.scheduled_for)}"
                ),
            }
            for action in self.pack.open_actions
        ]


@dataclass
class PackStatus:
    """What the pack page says about a call's pre-call pack PDF: none yet, being made, ready, or out of
    date because something it shows changed since it was made."""

    call: CoachingCall  # read through call_visible
    access: Access
    run: ReportRunPresenter | None

    @classmethod
    def of(cls, *, call: CoachingCall, access: Access) -> "PackStatus":
        run = packs_of_call(call=call).first()
        return cls(call=call, access=access, run=ReportRunPresenter(run, access) if run else None)

    @property
    def generate_url(self) -> str:
        return reverse(
            "call_pack_generate", kwargs={"project_id": self.call.project_id, "call_id": self.call.pk}
        )

    @property
    def is_ready(self) -> bool:
        return self.run is not None and self.run.status == ReportRun.Status.DONE

    @property
    def is_in_progress(self) -> bool:
        return self.run is not None and self.run.is_in_progress

    @cached_property
    def is_out_of_date(self) -> bool:
        if not self.is_ready:
            return False
        return pack_data_changed_since(call=self.call, moment=self.run.started_at or self.run.created_at)

    @property
    def can_generate(self) -> bool:
        return not self.is_in_progress and (self.run is None or not self.is_ready or self.is_out_of_date)

    @property
    def generate_text(self) -> str:
        if self.run is None:
            return "Generate the pre-call pack (PDF)"
        return "Make it again"
