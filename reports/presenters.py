"""Display logic for report runs and for what a project report shows, shared by the PDF and the
spreadsheets so every format holds the same data."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.text import slugify

from accounts.access import Access
from measurement.presenters import MeasurePresenter

from .models import ReportRun
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
        if self.run.status == ReportRun.Status.RUNNING:
            return f"{self.run.progress}% done"
        return self.status_text

    @property
    def title(self) -> str:
        return f"{self.run.get_kind_display()}: {self.run.project.title}"

    @property
    def file_name(self) -> str:
        stem = slugify(self.run.project.title) or "project"
        return f"{stem}-report-{self.run.created_at:%Y-%m-%d}.{self.run.kind}"

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
        return self.run.status == ReportRun.Status.FAILED and self.access.can_read_project(self.run.project)


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


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
        return _date(self.data.generated_on)

    @property
    def document_title(self) -> str:
        return f"Progress report: {self.project.title}"

    @cached_property
    def measures(self) -> list[MeasurePresenter]:
        return [MeasurePresenter(measure, self.access) for measure in self.data.measures]

    def statement_rows(self) -> list[dict]:
        return [
            {
                "vision": statement.vision,
                "aim": (
                    f"{statement.aim_what} for {statement.aim_for_whom}: {statement.aim_target_percent}% "
                    f"by {_date(statement.aim_by_when)}"
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
                "starts_on": _date(cycle.starts_on),
                "ends_on": _date(cycle.ends_on),
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
                "date": _date(cycle.ends_on or cycle.starts_on),
            }
            for cycle in self.data.next_steps
        ]

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
        ]
