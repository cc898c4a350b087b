"""Display logic for projects, so templates hold none."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q
from django.urls import reverse

from accounts.access import Access

from . import models as co
from .models import Project


@dataclass
class ProjectPresenter:
    project: Project
    access: Access

    def __getattr__(self, name):
        return getattr(self.project, name)

    @property
    def organisation_name(self) -> str:
        return self.project.organisation.name

    @property
    def system_name(self) -> str:
        organisation = self.project.organisation
        return (
            organisation.name
            if organisation.is_system
            else (organisation.system.name if organisation.system else "")
        )

    @property
    def scope_label(self) -> str:
        return "System-wide" if self.project.organisation.is_system else "Provider"

    @property
    def cohort_name(self) -> str:
        return self.project.enrolment.cohort.name

    @property
    def programme_name(self) -> str:
        return self.project.enrolment.cohort.programme.name

    @property
    def phase_label(self) -> str:
        return str(self.project.phase)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def your_roles(self) -> list[str]:
        return sorted(
            {grant.get_role_display() for grant in self.access.grants if grant.project_id == self.project.pk}
        )

    def summary_rows(self) -> list[dict]:
        rows = [
            ("Organisation", self.organisation_name),
            ("Integrated care system", self.system_name),
            ("Scope", self.scope_label),
            ("Area of focus", self.project.area_of_focus),
            ("Phase", self.phase_label),
            ("Programme", self.programme_name),
            ("Cohort", self.cohort_name),
        ]
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


@dataclass
class JourneySection:
    heading: str
    links: list[dict]
    summary: str = ""


@dataclass
class ProjectOverview:
    """The project page: the chosen event's statements and a signpost to every part of the journey."""

    project: Project
    access: Access

    def _count(self, model, **filters) -> int:
        return model.objects.filter(
            organisation_id=self.project.organisation_id, project=self.project, **filters
        ).count()

    @cached_property
    def statement(self):
        return (
            co.Statement.objects.filter(
                organisation_id=self.project.organisation_id, project=self.project, candidate__chosen=True
            )
            .select_related("candidate")
            .first()
        )

    @cached_property
    def measures(self) -> list:
        """Each measure's latest value, icons and a small chart, for the project page."""
        from measurement.models import Measure
        from measurement.presenters import MeasurePresenter

        measures = Measure.objects.filter(organisation_id=self.project.organisation_id, project=self.project)
        return [MeasurePresenter(measure, self.access) for measure in measures]

    @property
    def aim_measure(self):
        return next((measure for measure in self.measures if measure.is_aim_measure), None)

    @cached_property
    def comment_counts(self) -> dict:
        return co.Comment.objects.filter(
            organisation_id=self.project.organisation_id, project=self.project, thread__isnull=True
        ).aggregate(total=Count("id"), open=Count("id", filter=Q(resolved_at__isnull=True)))

    def _link(self, text: str, name: str, count: int | None = None, **kwargs) -> dict:
        href = reverse(name, kwargs={"project_id": self.project.pk, **kwargs})
        return {"text": text if count is None else f"{text} ({count})", "href": href}

    @cached_property
    def sections(self) -> list[JourneySection]:
        team = self.access.can_edit_project(self.project)
        discover = [
            self._link("Responses", "response_list", self._count(co.Response)),
            self._link("Themes", "theme_list", self._count(co.Theme)),
        ]
        if team:
            discover += [
                self._link("Add a response", "response_create"),
                self._link("Collection links", "link_list"),
            ]
        from measurement.models import Measure

        return [
            JourneySection("Discover what matters", discover),
            JourneySection(
                "Co-design",
                [
                    self._link("Co-design team", "team_list", self._count(co.TeamMember, active=True)),
                    self._link("Sessions", "session_list", self._count(co.CoDesignSession)),
                    self._link("Candidate events", "candidate_list", self._count(co.CandidateEvent)),
                    self._link("Vision statement and aim", "statement_detail"),
                ],
            ),
            JourneySection(
                "Test changes",
                [
                    self._link("Driver diagram", "driver_diagram"),
                    self._link("Change ideas", "idea_list", self._count(co.ChangeIdea)),
                    self._link("PDSA cycles", "pdsa_timeline", self._count(co.PdsaCycle)),
                ],
            ),
            JourneySection(
                "Measure", [self._link("Measures and charts", "measure_list", self._count(Measure))]
            ),
            JourneySection(
                "Progress and conversation",
                [
                    self._link("Phase, checklist and progress score", "project_progress"),
                    self._link("Comments", "project_comments", self.comment_counts["open"]),
                    self._link(
                        "Comment on the project", "comment_list", target="project", target_id=self.project.pk
                    ),
                    self._link("Activity", "project_activity"),
                    self._link("Coaching calls", "call_list"),
                    self._link("Monthly returns", "return_list"),
                    self._link("Progress reports (PDF, Excel, CSV)", "report_request"),
                ],
            ),
        ]
