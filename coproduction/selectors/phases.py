"""Reads of a project's phases: its programme's phases in order and the current phase's exit checklist."""

from django.db.models import QuerySet

from programmes.models import ChecklistItem, Phase
from projects.models import Project

from ..models import ChecklistTick


def phases_of_programme(programme_id) -> QuerySet[Phase]:
    return Phase.objects.filter(programme_id=programme_id).order_by("order")


def checklist_items_of(phase: Phase) -> QuerySet[ChecklistItem]:
    return phase.checklist_items.all()


def ticked_item_ids(project: Project) -> set:
    """The ids of the checklist items the project's team has ticked."""
    return set(ChecklistTick.objects.filter(project=project).values_list("item_id", flat=True))
