"""Writes of the Test phase: the driver diagram, change ideas, ramps and PDSA cycles (DOMAIN.md).

Every service checks the right to edit the project, sets the organisation and project from the parent record
(never from request data), audits, and refuses a save based on an older version of the record.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Model
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit, save_versioned
from projects.models import Project
from projects.selectors import records_of

from ..models import (
    ChangeIdea,
    ChangeIdeaDriver,
    ChangeIdeaSession,
    CoDesignSession,
    Driver,
    PdsaCycle,
    PdsaQuestion,
    ProjectPartner,
    Ramp,
)
from .attribution import attribute, attribution_changed, default_partners, partners_checked


def _common(project: Project) -> dict:
    return {"organisation": project.organisation, "project": project}


def _require_same_project(project: Project, records: Iterable[Model], what: str) -> None:
    for record in records:
        if record.project_id != project.pk or record.organisation_id != project.organisation_id:
            raise ValidationError(f"The {what} must belong to this project")


# --- Driver diagram ------------------------------------------------------------------------------


class DriverInUse(ValidationError):
    """A driver that change ideas still link to is not removed: the team unlinks them first."""


def _check_parent(project: Project, parent: Driver | None) -> None:
    if parent is None:
        return
    _require_same_project(project, [parent], "primary driver")
    if not parent.is_primary:
        raise ValidationError("A secondary driver sits under a primary driver, not under another secondary")


@transaction.atomic
def driver_create(*, access: Access, project: Project, text: str, parent: Driver | None = None) -> Driver:
    """A primary driver (no parent) or a secondary driver under a primary one, placed last among siblings."""
    access.require_edit_project(project)
    _check_parent(project, parent)
    last = records_of(project=project, model=Driver).filter(parent=parent).aggregate(last=Max("order"))
    driver = Driver(**_common(project), parent=parent, text=text, order=(last["last"] or 0) + 1)
    driver.full_clean()
    driver.save()
    audit(actor=access.user, action="driver.create", obj=driver, changed=["text", "parent", "order"])
    return driver


@transaction.atomic
def driver_update(
    *, access: Access, driver: Driver, expected_version: int, text: str, parent: Driver | None = None
) -> Driver:
    """Change a driver's words; a secondary driver may move under another primary (it goes last there).
    A primary driver stays primary."""
    project = driver.project
    access.require_edit_project(project)
    if not text.strip():
        raise ValidationError("Enter the driver")
    changes: dict = {"text": text}
    if not driver.is_primary:
        if parent is None:
            raise ValidationError("Choose the primary driver this secondary driver sits under")
        _check_parent(project, parent)
        if parent.pk != driver.parent_id:
            last = records_of(project=project, model=Driver).filter(parent=parent).aggregate(m=Max("order"))
            changes.update(parent=parent, order=(last["m"] or 0) + 1)
    return save_versioned(
        obj=driver,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="driver.update",
    )


@transaction.atomic
def driver_move(*, access: Access, driver: Driver, direction: str) -> Driver:
    """Swap a driver with its neighbour among its siblings ("up" or "down"); at either end nothing moves."""
    project = driver.project
    access.require_edit_project(project)
    if direction not in ("up", "down"):
        raise ValidationError("Choose whether to move the driver up or down")
    # Lock the siblings so two people reordering at once cannot interleave.
    siblings = list(
        records_of(project=project, model=Driver)
        .filter(parent_id=driver.parent_id)
        .select_for_update()
        .order_by("order", "created_at")
    )
    index = next(position for position, sibling in enumerate(siblings) if sibling.pk == driver.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return driver
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            Driver.objects.filter(pk=sibling.pk).update(
                order=order, version=F("version") + 1, updated_at=timezone.now()
            )
    audit(actor=access.user, action="driver.move", obj=driver, changed=["order"])
    driver.refresh_from_db()
    return driver


def change_ideas_blocking_removal(*, driver: Driver) -> list[ChangeIdea]:
    """The change ideas linked to the driver or, for a primary driver, to any of its secondary drivers."""
    driver_ids = [
        driver.pk,
        *records_of(project=driver.project, model=Driver).filter(parent=driver).values_list("pk", flat=True),
    ]
    idea_ids = (
        records_of(project=driver.project, model=ChangeIdeaDriver)
        .filter(driver_id__in=driver_ids)
        .values_list("change_idea_id", flat=True)
    )
    return list(records_of(project=driver.project, model=ChangeIdea).filter(pk__in=idea_ids))


@transaction.atomic
def driver_delete(*, access: Access, driver: Driver) -> None:
    """Remove a driver (a primary driver takes its secondary drivers with it). Refused while change ideas
    link to any of them, so no idea silently loses its place in the diagram."""
    project = driver.project
    access.require_edit_project(project)
    blocking = change_ideas_blocking_removal(driver=driver)
    if blocking:
        titles = ", ".join(f"'{idea.title}'" for idea in blocking)
        raise DriverInUse(
            f"This driver cannot be removed while change ideas link to it: {titles}. "
            "Edit those change ideas to unlink them first."
        )
    for child in records_of(project=project, model=Driver).filter(parent=driver):
        child.project = project
        audit(actor=access.user, action="driver.delete", obj=child)
    audit(actor=access.user, action="driver.delete", obj=driver)
    driver.delete()


# --- Change ideas ---------------------------------------------------------------------------------


def _check_idea_links(project: Project, drivers: Iterable[Driver], sessions: Iterable[CoDesignSession]):
    _require_same_project(project, drivers, "drivers")
    _require_same_project(project, sessions, "co-design sessions")


def _set_links(idea: ChangeIdea, link_model, field: str, records: Iterable[Model]) -> None:
    project = idea.project
    wanted = {record.pk for record in records}
    existing = set(
        records_of(project=project, model=link_model)
        .filter(change_idea=idea)
        .values_list(f"{field}_id", flat=True)
    )
    records_of(project=project, model=link_model).filter(
        change_idea=idea, **{f"{field}_id__in": existing - wanted}
    ).delete()
    for record_id in wanted - existing:
        link_model.objects.create(**_common(project), change_idea=idea, **{f"{field}_id": record_id})


def _linked_ids(idea: ChangeIdea, link_model, field: str) -> set:
    return set(
        records_of(project=idea.project, model=link_model)
        .filter(change_idea=idea)
        .values_list(f"{field}_id", flat=True)
    )


@transaction.atomic
def change_idea_create(
    *,
    access: Access,
    project: Project,
    title: str,
    description: str = "",
    origin: str = ChangeIdea.Origin.CO_DESIGNED,
    status: str = ChangeIdea.Status.IDEA,
    drivers: Iterable[Driver] = (),
    sessions: Iterable[CoDesignSession] = (),
    partners: Iterable[ProjectPartner] | None = None,
) -> ChangeIdea:
    access.require_edit_project(project)
    drivers, sessions = list(drivers), list(sessions)
    _check_idea_links(project, drivers, sessions)
    partners = default_partners(access, project) if partners is None else partners_checked(project, partners)
    idea = ChangeIdea(**_common(project), title=title, description=description, origin=origin, status=status)
    idea.full_clean()
    idea.save()
    idea.project = project
    _set_links(idea, ChangeIdeaDriver, "driver", drivers)
    _set_links(idea, ChangeIdeaSession, "session", sessions)
    attribute(idea, partners)
    audit(
        actor=access.user,
        action="change_idea.create",
        obj=idea,
        changed=["title", "description", "origin", "status", "drivers", "sessions", "partners"],
    )
    return idea


CHANGE_IDEA_FIELDS = {"title", "description", "origin", "status"}


@transaction.atomic
def change_idea_update(
    *,
    access: Access,
    idea: ChangeIdea,
    expected_version: int,
    drivers: Iterable[Driver] | None = None,
    sessions: Iterable[CoDesignSession] | None = None,
    partners: Iterable[ProjectPartner] | None = None,
    **changes,
) -> ChangeIdea:
    """Change an idea's fields and, when given, replace its linked drivers, sessions and partners."""
    project = idea.project
    access.require_edit_project(project)
    unknown = set(changes) - CHANGE_IDEA_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a change idea")
    _validate_choices(changes, status=ChangeIdea.Status, origin=ChangeIdea.Origin)
    if "title" in changes and not changes["title"].strip():
        raise ValidationError("Enter the change idea's title")
    drivers = None if drivers is None else list(drivers)
    sessions = None if sessions is None else list(sessions)
    _check_idea_links(project, drivers or [], sessions or [])
    children_changed = []
    if drivers is not None and {d.pk for d in drivers} != _linked_ids(idea, ChangeIdeaDriver, "driver"):
        children_changed.append("drivers")
    if sessions is not None and {s.pk for s in sessions} != _linked_ids(idea, ChangeIdeaSession, "session"):
        children_changed.append("sessions")
    partners = None if partners is None else partners_checked(project, partners)
    if attribution_changed(idea, partners):
        children_changed.append("partners")
    idea = save_versioned(
        obj=idea,
        expected_version=expected_version,
        changes=changes,
        children_changed=children_changed,
        actor=access.user,
        action="change_idea.update",
    )
    idea.project = project
    if "drivers" in children_changed:
        _set_links(idea, ChangeIdeaDriver, "driver", drivers)
    if "sessions" in children_changed:
        _set_links(idea, ChangeIdeaSession, "session", sessions)
    if "partners" in children_changed:
        attribute(idea, partners)
    return idea


def _validate_choices(changes: dict, **choices) -> None:
    for name, choice_class in choices.items():
        if name in changes and changes[name] not in choice_class.values:
            raise ValidationError(f"'{changes[name]}' is not a valid {name.replace('_', ' ')}")


# --- Ramps and PDSA cycles ----------------------------------------------------------------------


@transaction.atomic
def ramp_create(*, access: Access, project: Project, change_idea: ChangeIdea, title: str) -> Ramp:
    """A ramp: a series of PDSA cycles testing one change idea, each building on the last."""
    access.require_edit_project(project)
    _require_same_project(project, [change_idea], "change idea")
    ramp = Ramp(**_common(project), change_idea=change_idea, title=title)
    ramp.full_clean()
    ramp.save()
    audit(actor=access.user, action="ramp.create", obj=ramp, changed=["change_idea", "title"])
    return ramp


PLAN_FIELDS = {
    "objective",
    "plan_who",
    "plan_what",
    "plan_where",
    "plan_when",
    "starts_on",
    "ends_on",
    "data_plan",
}
CYCLE_FIELDS = PLAN_FIELDS | {"do_notes", "study_notes", "act_decision", "next_steps"}


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("The cycle must end on or after the day it starts")


def _clean_questions(questions: Iterable[dict]) -> list[dict]:
    """Blank rows are dropped; every question needs its prediction; a cycle answers at least one question."""
    rows = []
    for row in questions:
        question = (row.get("question") or "").strip()
        prediction = (row.get("prediction") or "").strip()
        result = (row.get("result") or "").strip()
        if not (question or prediction or result):
            continue
        if not question:
            raise ValidationError("Every prediction needs the question it answers")
        if not prediction:
            raise ValidationError(f"Enter a prediction for the question '{question}'")
        rows.append({"question": question, "prediction": prediction, "result": result})
    if not rows:
        raise ValidationError("Enter at least one question the cycle will answer, with its prediction")
    return rows


def _next_number(ramp: Ramp) -> int:
    # Locking the ramp serialises cycle numbering within it: two cycles never race to the same number.
    Ramp.objects.select_for_update().filter(pk=ramp.pk).get()
    last = records_of(project=ramp.project, model=PdsaCycle).filter(ramp=ramp).aggregate(last=Max("number"))
    return (last["last"] or 0) + 1


@transaction.atomic
def pdsa_cycle_create(
    *,
    access: Access,
    ramp: Ramp,
    objective: str,
    questions: Iterable[dict],
    partners: Iterable[ProjectPartner] | None = None,
    **plan,
) -> PdsaCycle:
    """Plan a cycle: it takes the next number in its ramp and starts as planned. `partners` it is
    attributed to (a partner's own staff: theirs, unless given)."""
    project = ramp.project
    access.require_edit_project(project)
    partners = default_partners(access, project) if partners is None else partners_checked(project, partners)
    unknown = set(plan) - (PLAN_FIELDS - {"objective"})
    if unknown:
        raise ValueError(f"Cannot plan {', '.join(sorted(unknown))} of a cycle")
    if not objective.strip():
        raise ValidationError("Enter the objective of the cycle")
    _check_dates(plan.get("starts_on"), plan.get("ends_on"))
    rows = _clean_questions(questions)
    cycle = PdsaCycle(**_common(project), ramp=ramp, number=_next_number(ramp), objective=objective, **plan)
    cycle.full_clean()
    cycle.save()
    for order, row in enumerate(rows, start=1):
        PdsaQuestion.objects.create(
            **_common(project),
            cycle=cycle,
            order=order,
            question=row["question"],
            prediction=row["prediction"],
        )
    cycle.project = project
    attribute(cycle, partners)
    audit(
        actor=access.user,
        action="pdsa_cycle.create",
        obj=cycle,
        changed=["number", "objective", "questions", "partners", *plan],
    )
    return cycle


def _questions_of(cycle: PdsaCycle) -> list[PdsaQuestion]:
    return list(records_of(project=cycle.project, model=PdsaQuestion).filter(cycle=cycle).order_by("order"))


@transaction.atomic
def pdsa_cycle_update(
    *,
    access: Access,
    cycle: PdsaCycle,
    expected_version: int,
    questions: Iterable[dict] | None = None,
    partners: Iterable[ProjectPartner] | None = None,
    **changes,
) -> PdsaCycle:
    """Change any worksheet field. `questions`, when given, replaces the questions in order: each row keeps
    its question, prediction and result together."""
    project = cycle.project
    access.require_edit_project(project)
    unknown = set(changes) - CYCLE_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a cycle")
    if "objective" in changes and not changes["objective"].strip():
        raise ValidationError("Enter the objective of the cycle")
    if changes.get("act_decision"):
        _validate_choices(changes, act_decision=PdsaCycle.Decision)
    _check_dates(changes.get("starts_on", cycle.starts_on), changes.get("ends_on", cycle.ends_on))
    existing = _questions_of(cycle)
    rows = None if questions is None else _clean_questions(questions)
    current_rows = [
        {"question": q.question, "prediction": q.prediction, "result": q.result} for q in existing
    ]
    children_changed = ["questions"] if rows is not None and rows != current_rows else []
    partners = None if partners is None else partners_checked(project, partners)
    if attribution_changed(cycle, partners):
        children_changed.append("partners")
    cycle = save_versioned(
        obj=cycle,
        expected_version=expected_version,
        changes=changes,
        children_changed=children_changed,
        actor=access.user,
        action="pdsa_cycle.update",
    )
    cycle.project = project
    if "partners" in children_changed:
        attribute(cycle, partners)
    if "questions" in children_changed:
        for order, row in enumerate(rows, start=1):
            if order <= len(existing):
                question = existing[order - 1]
                question.question, question.prediction = row["question"], row["prediction"]
                question.result, question.order = row["result"], order
                question.save(update_fields=["question", "prediction", "result", "order", "updated_at"])
            else:
                PdsaQuestion.objects.create(**_common(project), cycle=cycle, order=order, **row)
        for question in existing[len(rows) :]:
            question.delete()
    return cycle


NEXT_STATUS = {
    PdsaCycle.Status.PLANNED: PdsaCycle.Status.RUNNING,
    PdsaCycle.Status.RUNNING: PdsaCycle.Status.STUDIED,
    PdsaCycle.Status.STUDIED: PdsaCycle.Status.COMPLETE,
}


def pdsa_cycle_advance_problems(*, cycle: PdsaCycle) -> list[str]:
    """What is missing before the cycle can move to its next state (empty when it can move)."""
    status = cycle.status
    if status == PdsaCycle.Status.COMPLETE:
        return ["This cycle is already complete"]
    problems = []
    if status == PdsaCycle.Status.PLANNED and not cycle.starts_on:
        problems.append("Enter the date the cycle starts on before starting it")
    if status == PdsaCycle.Status.RUNNING:
        if not cycle.do_notes.strip():
            problems.append("Record what happened (Do) before studying the cycle")
        for question in _questions_of(cycle):
            if not question.result.strip():
                problems.append(f"Record the result for the question '{question.question}'")
    if status == PdsaCycle.Status.STUDIED and not cycle.act_decision:
        problems.append(
            "Choose the Act decision (adopt, adapt, abandon or increase scale) to complete the cycle"
        )
    return problems


@transaction.atomic
def pdsa_cycle_advance(*, access: Access, cycle: PdsaCycle, expected_version: int | None = None) -> PdsaCycle:
    """Planned → running → studied → complete, one step at a time, each step needing its fields. When a
    change idea's first cycle starts running, the idea moves from 'idea' to 'testing'."""
    project = cycle.project
    access.require_edit_project(project)
    if expected_version is not None and expected_version != cycle.version:
        raise StaleEdit(current=cycle)
    problems = pdsa_cycle_advance_problems(cycle=cycle)
    if problems:
        raise ValidationError(problems)
    new_status = NEXT_STATUS[cycle.status]
    cycle = save_versioned(
        obj=cycle,
        expected_version=cycle.version,
        changes={"status": new_status},
        actor=access.user,
        action="pdsa_cycle.advance",
    )
    cycle.project = project
    if new_status == PdsaCycle.Status.RUNNING:
        idea = records_of(project=project, model=ChangeIdea).get(pk=cycle.ramp.change_idea_id)
        if idea.status == ChangeIdea.Status.IDEA:
            save_versioned(
                obj=idea,
                expected_version=idea.version,
                changes={"status": ChangeIdea.Status.TESTING},
                actor=access.user,
                action="change_idea.update",
            )
    return cycle


@transaction.atomic
def pdsa_cycle_start_next(*, access: Access, cycle: PdsaCycle) -> PdsaCycle:
    """The next cycle in the ramp, building on this one: it copies the objective, the questions and their
    predictions, who and where, and the data plan. This must be the ramp's latest cycle, studied or
    complete."""
    project = cycle.project
    access.require_edit_project(project)
    if cycle.status not in (PdsaCycle.Status.STUDIED, PdsaCycle.Status.COMPLETE):
        raise ValidationError("Study this cycle before starting the next one in its ramp")
    ramp = records_of(project=project, model=Ramp).get(pk=cycle.ramp_id)
    ramp.project = project
    latest = records_of(project=project, model=PdsaCycle).filter(ramp=ramp).aggregate(last=Max("number"))
    if latest["last"] != cycle.number:
        raise ValidationError(
            f"Cycle {latest['last']} is the latest in this ramp: start the next cycle from it"
        )
    return pdsa_cycle_create(
        access=access,
        ramp=ramp,
        objective=cycle.objective,
        questions=[{"question": q.question, "prediction": q.prediction} for q in _questions_of(cycle)],
        plan_who=cycle.plan_who,
        plan_where=cycle.plan_where,
        data_plan=cycle.data_plan,
    )
