"""Display logic for a project's phases and progress, and for the board of every project by phase."""

from dataclasses import dataclass
from functools import cached_property

from accounts.access import Access
from projects.models import Project

from ..forms.phases import ProgressOverrideForm
from ..progress import progress_score
from ..selectors.phases import checklist_items_of, phases_of_programme, ticked_item_ids


@dataclass
class ProjectProgressPresenter:
    project: Project
    access: Access

    @cached_property
    def phases(self) -> list[dict]:
        current = self.project.phase
        return [
            {
                "phase": phase,
                "state": "done"
                if phase.order < current.order
                else "current"
                if phase.pk == current.pk
                else "to do",
            }
            for phase in phases_of_programme(current.programme_id)
        ]

    @cached_property
    def checklist(self) -> list[dict]:
        ticked = ticked_item_ids(self.project)
        return [{"item": item, "done": item.pk in ticked} for item in checklist_items_of(self.project.phase)]

    @property
    def checklist_complete(self) -> bool:
        return all(entry["done"] for entry in self.checklist)

    @cached_property
    def score(self):
        return progress_score(self.project)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def is_first_phase(self) -> bool:
        return self.phases[0]["phase"].pk == self.project.phase_id

    @property
    def is_last_phase(self) -> bool:
        return self.phases[-1]["phase"].pk == self.project.phase_id

    def override_form(self) -> ProgressOverrideForm:
        initial = {
            "score": str(self.project.progress_score_override or ""),
            "reason": self.project.progress_score_reason,
        }
        return ProgressOverrideForm(initial=initial, version=self.project.version)


@dataclass
class PhaseBoard:
    projects: list[Project]
    access: Access

    @cached_property
    def columns(self) -> list[dict]:
        """One column per phase name, in programme order, with the projects in it and their scores."""
        columns: dict[tuple[int, str], list] = {}
        for project in self.projects:
            columns.setdefault((project.phase.order, project.phase.name), []).append(
                {"project": project, "score": progress_score(project).score}
            )
        return [
            {"order": order, "name": name, "projects": entries}
            for (order, name), entries in sorted(columns.items())
        ]
