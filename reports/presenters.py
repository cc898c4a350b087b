"""Display logic for report runs and for what a project report shows, shared by the PDF and the
spreadsheets so every format holds the same data."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from accounts.access import Access
from measurement.charts import Cycle
from measurement.equity import EQUITY_LABELS
from measurement.equity_print import PrintedEquity, printed_equity
from measurement.icons import ASSURANCE, VARIATION
from measurement.presenters import MeasurePresenter
from measurement.print_charts import print_chart_svg

from .models import ReportRun
from .scopes import REQUEST_ROUTES
from .selectors import ProjectReportData

STATUS_TAG_COLOURS = {
    ReportRun.Status.QUEUED: "grey",
    ReportRun.Status.RUNNING: "blue",
    ReportRun.Status.DONE: "green",
    ReportRun.Status.FAILED: "red",
}
CONTENT_TYPES = {
    ReportRun.Kind.PDF: "application/pdf",
    ReportRun.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportRun.Kind.CSV: "text/csv",
}


@dataclass
class ReportRunPresenter:
    run: ReportRun
    access: Access

    def __getattr__(self, name):
        return getattr(self.run, name)

    @property
    def status_text(self) -> str:
        return self.run.get_status_display()

    @property
    def status_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.run.status]

    @property
    def is_in_progress(self) -> bool:
        return not self.run.is_finished

    @property
    def progress_text(self) -> str:
        if self.run.status == ReportRun.Status.QUEUED:
            return "Waiting to start"
        done, total = self.run.parts_done, self.run.parts_total
        if self.run.status == ReportRun.Status.RUNNING and total:
            if done == total:
                return f"{self.run.progress}% done: putting the {total} parts together"
            return f"{self.run.progress}% done: rendering part {done + 1} of {total}"
        if self.run.status == ReportRun.Status.RUNNING:
            return f"{self.run.progress}% done"
        return self.status_text

    @property
    def is_pack(self) -> bool:
        return self.run.scope_kind == ReportRun.ScopeKind.CALL

    @property
    def kind_text(self) -> str:
        return "Pre-call pack (PDF)" if self.is_pack else self.run.get_kind_display()

    @property
    def subject(self) -> str:
        """What the run reports on, in words: the project, or the organisation, system or cohort."""
        if self.run.project_id is not None:
            return self.run.project.title
        return self.run.parameters.get("scope_name") or self.run.get_scope_kind_display()

    @property
    def title(self) -> str:
        return f"{self.kind_text}: {self.subject}"

    @property
    def requester_text(self) -> str:
        user = self.run.requested_by
        if user is None:
            return "Made automatically before the call"
        return f"Asked for by {user.full_name or user.email}"

    @property
    def file_name(self) -> str:
        stem = slugify(self.subject) or "report"
        what = "pre-call-pack" if self.is_pack else "report"
        return f"{stem}-{what}-{self.run.created_at:%Y-%m-%d}.{self.run.kind}"

    @property
    def download_text(self) -> str:
        if self.is_pack:
            return "Download the pre-call pack (PDF)"
        return f"Download the report ({self.run.kind.upper()})"

    @property
    def back_link(self) -> tuple[str, str]:
        """(href, text) of the page the run was asked for from."""
        if self.is_pack:
            return (
                reverse("call_pack", kwargs={"project_id": self.run.project_id, "call_id": self.run.call_id}),
                "Back to the pre-call pack",
            )
        if self.run.scope_kind == ReportRun.ScopeKind.PROJECT:
            return (
                reverse("report_request", kwargs={"project_id": self.run.project_id}),
                f"Back to reports for {self.subject}",
            )
        name, argument = REQUEST_ROUTES[self.run.scope_kind]
        return reverse(name, kwargs={argument: self.run.scope_id}), f"Back to reports for {self.subject}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.run.kind]

    @property
    def download_url(self) -> str:
        return reverse("report_download", kwargs={"run_id": self.run.pk})

    @property
    def retry_url(self) -> str:
        return reverse("report_retry", kwargs={"run_id": self.run.pk})

    @property
    def can_retry(self) -> bool:
        """The presenter is only made for a run its reader may see, and whoever sees a run may retry it."""
        return self.run.status == ReportRun.Status.FAILED


def date_text(value) -> str:
    """A date as every printed report writes it."""
    return f"{value:%-d %B %Y}" if value else ""


@dataclass
class ReportMeasurePresenter(MeasurePresenter):
    """A measure as a printed report shows it: the lean print chart instead of the web's Vega chart, and
    the Making Data Count icons as small text badges instead of SVGs; WeasyPrint draws both far faster
    (docs/reports.md). `cycles` are the project's PDSA cycles, read once for the whole report."""

    cycles: list[Cycle] | None = None

    @cached_property
    def svg(self) -> str:
        return mark_safe(print_chart_svg(self.measure, self.analysis, cycles=self.cycles))  # noqa: S308

    @cached_property
    def equity(self) -> PrintedEquity | None:
        """A measure broken down by group: its gap and counts by group, as readers outside the team see
        them (a report leaves the team, whoever asked for it)."""
        return printed_equity(self.measure, cycles=self.cycles)

    @property
    def variation_badge(self) -> dict | None:
        return _badge(VARIATION, self.xmr.get("variation_icon"))

    @property
    def assurance_badge(self) -> dict | None:
        return _badge(ASSURANCE, self.xmr.get("assurance_icon"))


def _badge(icons: dict, icon: str | None) -> dict | None:
    if icon not in icons:
        return None
    colour, letter, _ = icons[icon]
    return {"colour": colour, "letter": letter}


def report_cycles(cycles) -> list[Cycle]:
    """A project's PDSA cycles as the charts mark them (measurement.charts.project_cycles), from the
    cycles the report has already read."""
    started = sorted((cycle for cycle in cycles if cycle.starts_on), key=lambda cycle: cycle.starts_on)
    return [Cycle(f"{cycle.ramp.title} {cycle.number}", cycle.starts_on.isoformat()) for cycle in started]


@dataclass
class ProjectReportPresenter:
    data: ProjectReportData
    access: Access

    @property
    def project(self):
        return self.data.project

    @property
    def organisation(self):
        return self.data.project.organisation

    @property
    def system_name(self) -> str:
        system = self.organisation.system
        return system.name if system else "Not part of an integrated care system"

    @property
    def cohort(self):
        return self.data.project.enrolment.cohort

    @property
    def generated_on(self) -> str:
        return date_text(self.data.generated_on)

    @property
    def document_title(self) -> str:
        return f"Progress report: {self.project.title}"

    @cached_property
    def measures(self) -> list[ReportMeasurePresenter]:
        cycles = report_cycles(self.data.cycles)
        return [ReportMeasurePresenter(measure, self.access, cycles=cycles) for measure in self.data.measures]

    @property
    def equity_sections(self) -> list[PrintedEquity]:
        return [measure.equity for measure in self.measures if measure.equity]

    def equity_rows(self) -> list[dict]:
        return [
            {
                "measure": equity.measure.name,
                "gap": EQUITY_LABELS.get(equity.direction, "No gap yet"),
                "finding": equity.finding or equity.gap_text,
            }
            for equity in self.equity_sections
        ]

    def statement_rows(self) -> list[dict]:
        return [
            {
                "vision": statement.vision,
                "aim": (
                    f"{statement.aim_what} for {statement.aim_for_whom}: {statement.aim_target_percent}% "
                    f"by {date_text(statement.aim_by_when)}"
                ),
            }
            for statement in self.data.statements
        ]

    def measure_rows(self) -> list[dict]:
        return [
            {
                "name": measure.name,
                "aim": "Aim measure" if measure.is_aim_measure else measure.get_kind_display(),
                "latest": measure.latest_value,
                "period": measure.latest_label,
                "variation": measure.variation_text or "Not enough data",
                "assurance": measure.assurance_text or "No target or not enough data",
            }
            for measure in self.measures
        ]

    def cycle_rows(self) -> list[dict]:
        return [
            {
                "change_idea": cycle.ramp.change_idea.title,
                "ramp": cycle.ramp.title,
                "number": cycle.number,
                "status": cycle.get_status_display(),
                "objective": cycle.objective,
                "starts_on": date_text(cycle.starts_on),
                "ends_on": date_text(cycle.ends_on),
                "decision": cycle.get_act_decision_display() or "Not decided yet",
                "next_steps": cycle.next_steps,
            }
            for cycle in self.data.cycles
        ]

    def theme_rows(self) -> list[dict]:
        return [
            {"name": entry.theme.name, "responses": entry.response_count, "quotes": entry.quotes}
            for entry in self.data.themes
        ]

    @property
    def balance(self):
        return self.data.balance

    def next_step_rows(self) -> list[dict]:
        return [
            {
                "cycle": f"{cycle.ramp.title}: cycle {cycle.number}",
                "next_steps": cycle.next_steps,
                "date": date_text(cycle.ends_on or cycle.starts_on),
            }
            for cycle in self.data.next_steps
        ]

    def action_rows(self, actions) -> list[dict]:
        return [
            {
                "text": action.text,
                "owner": action.owner or "Not given",
                "due_on": date_text(action.due_on) or "No date",
                "call": f"{action.call.get_kind_display()} on {date_text(action.call.scheduled_for)}",
                "done_on": date_text(action.done_on),
            }
            for action in actions
        ]

    def open_action_rows(self) -> list[dict]:
        return self.action_rows(self.data.actions.open)

    def done_action_rows(self) -> list[dict]:
        return self.action_rows(self.data.actions.recently_done)

    @cached_property
    def aim(self) -> MeasurePresenter | None:
        return next((measure for measure in self.measures if measure.is_aim_measure), None)

    def summary_row(self) -> dict:
        """The project's row in a multi-project report's summary table."""
        aim = self.aim
        return {
            "project": self.project.title,
            "organisation": self.organisation.name,
            "phase": self.project.phase.name,
            "aim_measure": aim.name if aim else "No aim measure yet",
            "latest": aim.latest_value if aim else "",
            "period": aim.latest_label if aim else "",
            "variation": (aim.variation_text or "Not enough data") if aim else "",
            "assurance": (aim.assurance_text or "No target or not enough data") if aim else "",
            "open_actions": len(self.data.actions.open),
        }

    def tables(self) -> list[tuple[str, list[str], list[list]]]:
        """The report as named tables (title, header, rows): the XLSX sheets and the CSV sections."""
        return [
            (
                "Project",
                ["Project", "Organisation", "System", "Cohort", "Generated on"],
                [
                    [
                        self.project.title,
                        self.organisation.name,
                        self.system_name,
                        self.cohort.name,
                        self.generated_on,
                    ]
                ],
            ),
            ("Statements", ["Vision", "Aim"], [[row["vision"], row["aim"]] for row in self.statement_rows()]),
            (
                "Measures",
                ["Measure", "Type", "Latest value", "Period", "Variation", "Assurance"],
                [list(row.values()) for row in self.measure_rows()],
            ),
            ("Equity", ["Measure", "Gap", "Finding"], [list(row.values()) for row in self.equity_rows()]),
            (
                "PDSA cycles",
                [
                    "Change idea",
                    "Ramp",
                    "Cycle",
                    "Status",
                    "Objective",
                    "Starts",
                    "Ends",
                    "Decision",
                    "Next steps",
                ],
                [list(row.values()) for row in self.cycle_rows()],
            ),
            (
                "Themes",
                ["Theme", "Responses", "Quote 1", "Quote 2", "Quote 3"],
                [[row["name"], row["responses"], *row["quotes"]] for row in self.theme_rows()],
            ),
            (
                "Co-design balance",
                ["Lived experience", "Staff", "Lived experience (%)"],
                [[self.balance.lived_experience, self.balance.staff, self.balance.lived_experience_percent]],
            ),
            (
                "Next steps",
                ["Cycle", "Next steps", "Date"],
                [list(row.values()) for row in self.next_step_rows()],
            ),
            (
                "Coaching actions",
                ["Action", "Owner", "Due", "Agreed on", "Done on"],
                [list(row.values()) for row in self.open_action_rows() + self.done_action_rows()],
            ),
        ]


SUMMARY_HEADER = [
    "Project",
    "Organisation",
    "Phase",
    "Aim measure",
    "Latest value",
    "Period",
    "Variation",
    "Assurance",
    "Open coaching actions",
]


@dataclass
class MultiProjectReportPresenter:
    """An organisation, system or cohort report: a summary row per project, then each project's sections."""

    scope_kind: str
    scope_name: str
    projects: list[ProjectReportPresenter]
    generated_on_date: object

    @property
    def scope_kind_text(self) -> str:
        return ReportRun.ScopeKind(self.scope_kind).label

    @property
    def document_title(self) -> str:
        return f"Progress report: {self.scope_name}"

    @property
    def generated_on(self) -> str:
        return date_text(self.generated_on_date)

    @property
    def organisation_count(self) -> int:
        return len({report.organisation.pk for report in self.projects})

    def summary_rows(self) -> list[dict]:
        return [report.summary_row() for report in self.projects]

    def tables(self) -> list[tuple[str, list[str], list[list]]]:
        """The same tables as a project report's, across the projects, each row led by its project."""
        merged = {}
        for report in self.projects:
            for name, header, rows in report.tables():
                entry = merged.setdefault(name, (["Project", *header], []))
                entry[1].extend([report.project.title, *row] for row in rows)
        summary = ("Summary", SUMMARY_HEADER, [list(row.values()) for row in self.summary_rows()])
        return [
            summary,
            *((name, header, rows) for name, (header, rows) in merged.items() if name != "Project"),
        ]
