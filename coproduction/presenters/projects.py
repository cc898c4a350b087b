"""Display logic for projects, so templates hold none."""

from dataclasses import dataclass

from accounts.access import Access
from projects.models import Project


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
        if self.project.organisation.is_system:
            return "System-wide"
        return (
            "Provider"
            if self.project.organisation.kind == "provider"
            else self.project.organisation.get_kind_display()
        )

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
            ("Place", self.project.place.name if self.project.place_id else "Not set"),
            ("Area of focus", self.project.area_of_focus),
            ("Phase", self.phase_label),
            ("Programme", self.programme_name),
            ("Cohort", self.cohort_name),
        ]
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]
