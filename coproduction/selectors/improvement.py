"""Reads of the Test phase: the aim and drivers of the driver diagram and the ideas they link, change ideas
with their counts, ramps, and PDSA cycles with their questions. Every project has already been read through
`project_visible`."""

from collections import Counter

from django.db.models import QuerySet

from projects.models import Project
from projects.selectors import records_of

from ..models import (
    ChangeIdea,
    ChangeIdeaDriver,
    CoDesignSession,
    Driver,
    PdsaCycle,
    PdsaQuestion,
    Ramp,
    Statement,
)


def aim_statement_of(project: Project) -> Statement | None:
    """The chosen event's statements, which hold the project's aim."""
    statements = records_of(project=project, model=Statement).select_related("candidate")
    return statements.filter(candidate__chosen=True).first() or statements.first()


# --- Drivers -------------------------------------------------------------------------------------


def drivers_in_order(project: Project) -> QuerySet[Driver]:
    return records_of(project=project, model=Driver).order_by("order", "created_at")


def drivers_by_parent(project: Project) -> QuerySet[Driver]:
    """The primary drivers first (no parent), then each primary's secondaries, as the API lists them."""
    return records_of(project=project, model=Driver).order_by("parent_id", "order", "created_at")


def driver_idea_links(project: Project) -> QuerySet:
    """(driver id, change idea id) for every link between a driver and a change idea."""
    return records_of(project=project, model=ChangeIdeaDriver).values_list("driver_id", "change_idea_id")


# --- Change ideas --------------------------------------------------------------------------------


def change_ideas_in_full(project: Project) -> QuerySet[ChangeIdea]:
    """Change ideas with their drivers, sessions and partners loaded, as the API lists them."""
    return records_of(project=project, model=ChangeIdea).prefetch_related("drivers", "sessions", "partners")


def driver_counts_by_idea(project: Project) -> Counter:
    """How many drivers each change idea works on, by idea id."""
    links = records_of(project=project, model=ChangeIdeaDriver)
    return Counter(links.values_list("change_idea_id", flat=True))


def cycle_counts_by_idea(project: Project) -> Counter:
    """How many PDSA cycles test each change idea, by idea id."""
    cycles = records_of(project=project, model=PdsaCycle)
    return Counter(cycles.values_list("ramp__change_idea_id", flat=True))


def drivers_of_idea(idea: ChangeIdea) -> QuerySet[Driver]:
    return idea.drivers.select_related("parent").order_by("parent__order", "order")


def sessions_of_idea(idea: ChangeIdea) -> QuerySet[CoDesignSession]:
    """The co-design sessions the idea came from, the latest first."""
    return idea.sessions.order_by("-held_on")


def ramps_of_idea(*, project: Project, idea: ChangeIdea) -> QuerySet[Ramp]:
    return records_of(project=project, model=Ramp).filter(change_idea=idea)


# --- Ramps and cycles ----------------------------------------------------------------------------


def cycles_of_ramp(*, project: Project, ramp: Ramp) -> QuerySet[PdsaCycle]:
    return records_of(project=project, model=PdsaCycle).filter(ramp=ramp).order_by("number")


def questions_of_cycle(*, project: Project, cycle: PdsaCycle) -> QuerySet[PdsaQuestion]:
    return records_of(project=project, model=PdsaQuestion).filter(cycle=cycle)


def has_later_cycle(*, project: Project, cycle: PdsaCycle) -> bool:
    """Whether the cycle's ramp has a cycle after it."""
    return (
        records_of(project=project, model=PdsaCycle)
        .filter(ramp_id=cycle.ramp_id, number__gt=cycle.number)
        .exists()
    )


def cycles_with_ideas(project: Project) -> QuerySet[PdsaCycle]:
    """Every cycle of the project with its ramp and the ramp's change idea loaded."""
    return records_of(project=project, model=PdsaCycle).select_related("ramp__change_idea")


def cycles_in_full(project: Project) -> QuerySet[PdsaCycle]:
    """Cycles with their ramp, questions and partners loaded, by ramp and number, as the API lists them."""
    return (
        records_of(project=project, model=PdsaCycle)
        .select_related("ramp")
        .prefetch_related("questions", "partners")
        .order_by("ramp__created_at", "number")
    )


def cycle_in_full(*, project: Project, cycle_id) -> PdsaCycle:
    """One cycle as `cycles_in_full` loads it; `PdsaCycle.DoesNotExist` when it is not the project's."""
    return cycles_in_full(project).get(pk=cycle_id)
