"""The project page: a signpost to every part of the journey, the chosen event's statements and the
measures. Coproduction records the journey and measurement, above it, measures it: the page that shows both
is here."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.access import Access
from coproduction.models import Statement
from projects.models import Project

from .aims import MeasureSummary
from .icons import assurance_icon_svg, variation_icon_svg
from .models import Measure
from .periods import describe_period
from .selectors_overview import ProjectJourney
from .sparklines import sparkline_description, sparkline_svg


@dataclass
class JourneySection:
    heading: str
    links: list[dict]
    summary: str = ""


@dataclass
class MeasureCard:
    """One measure on the project page: its latest value, icons and a sparkline, all from its cached summary
    (measurement.aims), so the page never loads a measure's points or draws a full chart."""

    measure: Measure
    summary: MeasureSummary

    def __getattr__(self, name):
        return getattr(self.measure, name)

    @property
    def latest_value(self) -> str:
        if self.summary.latest_value is None:
            return "No data yet"
        suffix = (
            "%"
            if self.measure.unit == Measure.Unit.PERCENT
            else f" {self.measure.get_unit_display().lower()}"
        )
        return f"{self.summary.latest_value:.1f}{suffix}"

    @property
    def variation_icon(self) -> str:
        return mark_safe(variation_icon_svg(self.summary.variation_icon))  # noqa: S308 - escaped when built

    @property
    def assurance_icon(self) -> str:
        return mark_safe(assurance_icon_svg(self.summary.assurance_icon))  # noqa: S308 - escaped when built

    @property
    def description(self) -> str:
        summary = self.summary
        if summary.latest_value is None:
            return f"No data has been entered for {self.measure.name} yet."
        period = describe_period(summary.latest_start, frequency=self.measure.frequency)
        return sparkline_description(summary, f"{self.latest_value} ({period})")

    @property
    def small_svg(self) -> str:
        return mark_safe(  # noqa: S308 - sparkline_svg escapes every text
            sparkline_svg(
                element_id=f"spark-{self.measure.pk}",
                values=self.summary.recent_values,
                centre=self.summary.recent_centre,
                variation_icon=self.summary.variation_icon,
                title=f"{self.measure.name}: recent values",
                description=self.description,
            )
        )


@dataclass
class ProjectOverview:
    """The project page: the chosen event's statements, the measures, and a signpost to every part of the
    journey, from what `project_journey` read."""

    journey: ProjectJourney
    access: Access

    @property
    def project(self) -> Project:
        return self.journey.project

    @property
    def statement(self) -> Statement | None:
        return self.journey.statement

    @cached_property
    def measures(self) -> list[MeasureCard]:
        return [MeasureCard(measure, self.journey.summaries[measure.pk]) for measure in self.journey.measures]

    @property
    def aim_measure(self) -> MeasureCard | None:
        return next((measure for measure in self.measures if measure.is_aim_measure), None)

    def _link(self, text: str, name: str, count: int | None = None, **kwargs) -> dict:
        href = reverse(name, kwargs={"project_id": self.project.pk, **kwargs})
        return {"text": text if count is None else f"{text} ({count})", "href": href}

    @cached_property
    def sections(self) -> list[JourneySection]:
        project, counts = self.project, self.journey.counts
        discover = [
            self._link("Responses", "response_list", counts["response_count"]),
            self._link("Themes", "theme_list", counts["theme_count"]),
        ]
        if self.access.can_edit_project(project):
            discover += [
                self._link("Add a response", "response_create"),
                self._link("Collection links", "link_list"),
            ]
        return [
            JourneySection("Discover what matters", discover),
            JourneySection(
                "Co-design",
                [
                    self._link("Co-design team", "team_list", counts["active_member_count"]),
                    self._link("Sessions", "session_list", counts["session_count"]),
                    self._link("Candidate events", "candidate_list", counts["candidate_count"]),
                    self._link("Vision statement and aim", "statement_detail"),
                ],
            ),
            JourneySection(
                "Test changes",
                [
                    self._link("Driver diagram", "driver_diagram"),
                    self._link("Change ideas", "idea_list", counts["idea_count"]),
                    self._link("PDSA cycles", "pdsa_timeline", counts["cycle_count"]),
                ],
            ),
            JourneySection(
                "Measure", [self._link("Measures and charts", "measure_list", len(self.measures))]
            ),
            JourneySection(
                "Partners across the pathway",
                [self._link("Partner organisations", "partner_list", counts["partner_count"])],
            ),
            JourneySection(
                "Progress and conversation",
                [
                    self._link("Phase, checklist and progress score", "project_progress"),
                    self._link("Comments", "project_comments", counts["open_comment_count"]),
                    self._link(
                        "Comment on the project", "comment_list", target="project", target_id=project.pk
                    ),
                    self._link("Activity", "project_activity"),
                    self._link("Coaching calls", "call_list"),
                    self._link("Monthly returns", "return_list"),
                    self._link("Progress reports (PDF, Excel, CSV)", "report_request"),
                ],
            ),
        ]
