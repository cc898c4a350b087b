"""Moving a project through its programme's phases, ticking the exit checklist, overriding the score."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from programmes.models import ChecklistItem, Phase
from projects.models import Project

from ..models import ChecklistTick

VALID_SCORES = {Decimal(n) / 2 for n in range(1, 11)}


@transaction.atomic
def checklist_item_toggle(*, access: Access, project: Project, item: ChecklistItem) -> bool:
    """Tick the item, or untick it if it was ticked. Returns whether it is now ticked."""
    access.require_edit_project(project)
    if item.phase.programme_id != project.phase.programme_id:
        raise ValidationError("That checklist item belongs to another programme")
    tick = ChecklistTick.objects.filter(project=project, item=item).first()
    if tick:
        tick.delete()
        audit(actor=access.user, action="checklist.untick", obj=project, changed=["checklist"])
        return False
    ChecklistTick.objects.create(
        organisation=project.organisation, project=project, item=item, done_by=access.user
    )
    audit(actor=access.user, action="checklist.tick", obj=project, changed=["checklist"])
    return True


def unticked_items(project: Project) -> list[ChecklistItem]:
    ticked = set(ChecklistTick.objects.filter(project=project).values_list("item_id", flat=True))
    return [item for item in project.phase.checklist_items.all() if item.pk not in ticked]


@transaction.atomic
def project_move_phase(*, access: Access, project: Project, expected_version: int, forward: bool) -> Project:
    """Forward only when the current phase's exit checklist is complete; back at any time."""
    access.require_edit_project(project)
    phases = Phase.objects.filter(programme_id=project.phase.programme_id)
    target = (
        phases.filter(order__gt=project.phase.order).order_by("order").first()
        if forward
        else phases.filter(order__lt=project.phase.order).order_by("-order").first()
    )
    if target is None:
        raise ValidationError("This is the " + ("last" if forward else "first") + " phase")
    missing = unticked_items(project) if forward else []
    if missing:
        raise ValidationError(
            "Finish this phase's checklist first: " + "; ".join(item.text for item in missing) + "."
        )
    return save_versioned(
        obj=project,
        expected_version=expected_version,
        changes={"phase": target},
        actor=access.user,
        action="project.move_phase",
    )


@transaction.atomic
def progress_score_override_set(
    *, access: Access, project: Project, expected_version: int, score: Decimal | None, reason: str
) -> Project:
    """Override the suggested progress score (0.5 to 5, in halves) with a reason; None clears it."""
    access.require_edit_project(project)
    if score is not None:
        if score not in VALID_SCORES:
            raise ValidationError("The progress score is a number from 0.5 to 5, in steps of 0.5")
        if not reason.strip():
            raise ValidationError("Say why the score differs from the suggested one")
    return save_versioned(
        obj=project,
        expected_version=expected_version,
        changes={"progress_score_override": score, "progress_score_reason": reason.strip() if score else ""},
        actor=access.user,
        action="project.override_progress_score",
    )
