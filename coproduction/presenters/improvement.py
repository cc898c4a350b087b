"""Display logic of the Test phase: the driver diagram (as nested lists and as a server-drawn SVG), change
ideas, ramps, PDSA cycles and the project's PDSA timeline."""

import textwrap
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from accounts.access import Access
from projects.models import Project
from projects.selectors import records_of

from ..models import ChangeIdea, Driver, PdsaCycle, PdsaQuestion, Ramp
from ..selectors.improvement import (
    aim_statement_of,
    cycle_counts_by_idea,
    cycles_of_ramp,
    cycles_with_ideas,
    driver_counts_by_idea,
    driver_idea_links,
    drivers_in_order,
    drivers_of_idea,
    has_later_cycle,
    questions_of_cycle,
    ramps_of_idea,
    sessions_of_idea,
)
from .partners import attribution_rows

STATUS_TAG_CLASSES = {
    PdsaCycle.Status.PLANNED: "nhsuk-tag--grey",
    PdsaCycle.Status.RUNNING: "nhsuk-tag--blue",
    PdsaCycle.Status.STUDIED: "nhsuk-tag--purple",
    PdsaCycle.Status.COMPLETE: "nhsuk-tag--green",
}
IDEA_TAG_CLASSES = {
    ChangeIdea.Status.IDEA: "nhsuk-tag--grey",
    ChangeIdea.Status.TESTING: "nhsuk-tag--blue",
    ChangeIdea.Status.ADOPTED: "nhsuk-tag--green",
    ChangeIdea.Status.ABANDONED: "nhsuk-tag--red",
}


def idea_tag(idea: ChangeIdea) -> dict:
    return {"text": idea.get_status_display(), "classes": IDEA_TAG_CLASSES[idea.status]}


def cycle_tag(cycle: PdsaCycle) -> dict:
    return {"text": cycle.get_status_display(), "classes": STATUS_TAG_CLASSES[cycle.status]}


def date_range(cycle: PdsaCycle) -> str:
    if not cycle.starts_on:
        return "Not scheduled yet"
    if not cycle.ends_on or cycle.ends_on == cycle.starts_on:
        return f"{cycle.starts_on:%-d %B %Y}"
    return f"{cycle.starts_on:%-d %B %Y} to {cycle.ends_on:%-d %B %Y}"


# --- Driver diagram ------------------------------------------------------------------------------


@dataclass
class DriverNode:
    driver: Driver
    ideas: list[dict]
    children: list["DriverNode"] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False

    @property
    def pk(self):
        return self.driver.pk

    @property
    def text(self) -> str:
        return self.driver.text


@dataclass
class SvgBox:
    x: int
    y: int
    width: int
    lines: list[str]
    fill: str
    stroke: str
    text_fill: str

    @property
    def height(self) -> int:
        return len(self.lines) * LINE_HEIGHT + 2 * BOX_PADDING

    @property
    def text_x(self) -> int:
        return self.x + BOX_PADDING

    @property
    def text_y(self) -> int:
        return self.y + BOX_PADDING + LINE_HEIGHT - 4

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


COLUMN_WIDTH = 200
COLUMN_GAP = 44
MARGIN = 10
HEADER_HEIGHT = 36
LINE_HEIGHT = 18
BOX_PADDING = 8
BOX_GAP = 12
CHARACTERS_PER_LINE = 25
COLUMNS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
AIM_STYLE = {"fill": "#005eb8", "stroke": "#003087", "text_fill": "#ffffff"}
PRIMARY_STYLE = {"fill": "#e8edee", "stroke": "#005eb8", "text_fill": "#212b32"}
SECONDARY_STYLE = {"fill": "#ffffff", "stroke": "#005eb8", "text_fill": "#212b32"}
IDEA_STYLE = {"fill": "#fff9c4", "stroke": "#ffb81c", "text_fill": "#212b32"}


def _column_x(index: int) -> int:
    return MARGIN + index * (COLUMN_WIDTH + COLUMN_GAP)


def _box(column: int, y: float, text: str, style: dict) -> SvgBox:
    lines = textwrap.wrap(text, CHARACTERS_PER_LINE, break_long_words=True) or [""]
    return SvgBox(x=_column_x(column), y=round(y), width=COLUMN_WIDTH, lines=lines, **style)


@dataclass
class SvgDiagram:
    """Boxes in four columns joined by lines, laid out on the server: aim → primary → secondary → ideas.
    Each primary driver is centred beside its secondary drivers; each idea sits as near as it can to the
    first driver it works on."""

    boxes: list[SvgBox]
    lines: list[tuple[float, float, float, float]]
    width: int
    height: int
    headings: list[dict]

    @classmethod
    def build(cls, *, aim: str, primaries: list[DriverNode]) -> "SvgDiagram":
        boxes: list[SvgBox] = []
        lines = []
        driver_boxes: dict = {}
        cursor = HEADER_HEIGHT
        for primary in primaries:
            block_start = cursor
            for secondary in primary.children:
                box = _box(2, cursor, secondary.text, SECONDARY_STYLE)
                driver_boxes[secondary.pk] = box
                cursor += box.height + BOX_GAP
            primary_box = _box(1, 0, primary.text, PRIMARY_STYLE)
            block_height = max(cursor - BOX_GAP - block_start, primary_box.height)
            cursor = block_start + block_height + BOX_GAP
            primary_box.y = round(block_start + (block_height - primary_box.height) / 2)
            driver_boxes[primary.pk] = primary_box
            lines.extend(
                (primary_box.x + COLUMN_WIDTH, primary_box.middle_y, box.x, box.middle_y)
                for box in (driver_boxes[secondary.pk] for secondary in primary.children)
            )
        idea_cursor = HEADER_HEIGHT
        placed: dict = {}
        for node in _walk(primaries):
            for item in node.ideas:
                idea = item["idea"]
                source = driver_boxes[node.pk]
                if idea.pk not in placed:
                    box = _box(3, 0, idea.title, IDEA_STYLE)
                    box.y = round(max(idea_cursor, source.middle_y - box.height / 2))
                    idea_cursor = box.y + box.height + BOX_GAP
                    placed[idea.pk] = box
                target = placed[idea.pk]
                lines.append((source.x + COLUMN_WIDTH, source.middle_y, target.x, target.middle_y))
        content_bottom = max(cursor, idea_cursor) - BOX_GAP
        aim_box = _box(0, 0, aim, AIM_STYLE)
        content_bottom = max(content_bottom, HEADER_HEIGHT + aim_box.height)
        aim_box.y = round(HEADER_HEIGHT + (content_bottom - HEADER_HEIGHT - aim_box.height) / 2)
        lines = [
            (aim_box.x + COLUMN_WIDTH, aim_box.middle_y, driver_boxes[p.pk].x, driver_boxes[p.pk].middle_y)
            for p in primaries
        ] + lines
        boxes = [aim_box, *driver_boxes.values(), *placed.values()]
        headings = [
            {"x": _column_x(index) + COLUMN_WIDTH / 2, "text": text} for index, text in enumerate(COLUMNS)
        ]
        return cls(
            boxes=boxes,
            lines=lines,
            width=_column_x(len(COLUMNS)) - COLUMN_GAP + MARGIN,
            height=round(content_bottom + MARGIN),
            headings=headings,
        )


def _walk(primaries: list[DriverNode]):
    for primary in primaries:
        yield primary
        yield from primary.children


def _idea_items(ideas) -> list[dict]:
    return [{"idea": idea, "tag": idea_tag(idea)} for idea in sorted(ideas, key=lambda idea: idea.title)]


def _mark_ends(nodes: list[DriverNode]) -> list[DriverNode]:
    for index, node in enumerate(nodes):
        node.is_first, node.is_last = index == 0, index == len(nodes) - 1
    return nodes


class DriverDiagram:
    def __init__(self, project: Project, access: Access):
        self.project = project
        self.access = access
        self.statement = aim_statement_of(project)
        drivers = list(drivers_in_order(project))
        ideas = {idea.pk: idea for idea in records_of(project=project, model=ChangeIdea)}
        ideas_of: dict = {}
        linked = set()
        for driver_id, idea_id in driver_idea_links(project):
            ideas_of.setdefault(driver_id, []).append(ideas[idea_id])
            linked.add(idea_id)
        nodes = {
            driver.pk: DriverNode(driver, _idea_items(ideas_of.get(driver.pk, []))) for driver in drivers
        }
        for driver in drivers:
            if driver.parent_id:
                nodes[driver.parent_id].children.append(nodes[driver.pk])
        self.primaries = _mark_ends([nodes[d.pk] for d in drivers if d.parent_id is None])
        for primary in self.primaries:
            _mark_ends(primary.children)
        self.unlinked_ideas = _idea_items(idea for pk, idea in ideas.items() if pk not in linked)
        self.counts = {
            "primary": len(self.primaries),
            "secondary": sum(len(p.children) for p in self.primaries),
            "ideas": len(linked),
        }

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def aim(self) -> str | None:
        return self.statement.aim if self.statement else None

    @property
    def vision(self) -> str | None:
        return self.statement.vision if self.statement else None

    @property
    def svg(self) -> SvgDiagram:
        return SvgDiagram.build(aim=self.aim or "No aim yet", primaries=self.primaries)

    @property
    def description(self) -> str:
        counts = self.counts
        return (
            f"Driver diagram. Aim: {self.aim or 'no aim yet'}. "
            f"{counts['primary']} primary drivers, {counts['secondary']} secondary drivers and "
            f"{counts['ideas']} linked change ideas. The same content is listed in full on this page."
        )


# --- Change ideas --------------------------------------------------------------------------------


class ChangeIdeaPresenter:
    def __init__(self, idea: ChangeIdea, access: Access):
        self.idea = idea
        self.access = access
        self.project = idea.project

    def __getattr__(self, name):
        return getattr(self.idea, name)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def tag(self) -> dict:
        return idea_tag(self.idea)

    @property
    def drivers(self) -> list[Driver]:
        return list(drivers_of_idea(self.idea))

    @property
    def sessions(self) -> list:
        return list(sessions_of_idea(self.idea))

    @property
    def ramps(self) -> list["RampPresenter"]:
        ramps = ramps_of_idea(project=self.project, idea=self.idea)
        return [RampPresenter(ramp, self.access, idea=self.idea) for ramp in ramps]

    def summary_rows(self) -> list[dict]:
        rows = [
            ("Description", self.idea.description or "None yet"),
            ("Where the idea came from", self.idea.get_origin_display()),
            ("Status", self.idea.get_status_display()),
            *attribution_rows(self.idea),
        ]
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def change_idea_rows(project: Project) -> list[dict]:
    ideas = records_of(project=project, model=ChangeIdea)
    driver_counts = driver_counts_by_idea(project)
    cycle_counts = cycle_counts_by_idea(project)
    return [
        {
            "idea": idea,
            "tag": idea_tag(idea),
            "drivers": driver_counts.get(idea.pk, 0),
            "cycles": cycle_counts.get(idea.pk, 0),
        }
        for idea in ideas
    ]


# --- Ramps and cycles ----------------------------------------------------------------------------


class RampPresenter:
    def __init__(self, ramp: Ramp, access: Access, idea: ChangeIdea | None = None):
        self.ramp = ramp
        self.access = access
        self.project = ramp.project
        self.idea = idea or ramp.change_idea

    def __getattr__(self, name):
        return getattr(self.ramp, name)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def cycles(self) -> list[dict]:
        return [
            {
                "cycle": cycle,
                "tag": cycle_tag(cycle),
                "dates": date_range(cycle),
                "decision": cycle.get_act_decision_display() or "Not decided yet",
            }
            for cycle in cycles_of_ramp(project=self.project, ramp=self.ramp)
        ]


class CyclePresenter:
    def __init__(self, cycle: PdsaCycle, access: Access, problems: list[str]):
        self.cycle = cycle
        self.access = access
        self.project = cycle.project
        self.ramp = cycle.ramp
        self.idea = cycle.ramp.change_idea
        self.advance_problems = problems

    def __getattr__(self, name):
        return getattr(self.cycle, name)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @property
    def title(self) -> str:
        return f"Cycle {self.cycle.number}: {self.ramp.title}"

    @property
    def tag(self) -> dict:
        return cycle_tag(self.cycle)

    @property
    def questions(self) -> list[PdsaQuestion]:
        return list(questions_of_cycle(project=self.project, cycle=self.cycle))

    @property
    def advance_label(self) -> str | None:
        return {
            PdsaCycle.Status.PLANNED: "Start the cycle (running)",
            PdsaCycle.Status.RUNNING: "Mark as studied",
            PdsaCycle.Status.STUDIED: "Mark as complete",
        }.get(self.cycle.status)

    @property
    def is_latest_in_ramp(self) -> bool:
        return not has_later_cycle(project=self.project, cycle=self.cycle)

    @property
    def can_start_next(self) -> bool:
        return self.is_latest_in_ramp and self.cycle.status in (
            PdsaCycle.Status.STUDIED,
            PdsaCycle.Status.COMPLETE,
        )

    def _rows(self, pairs) -> list[dict]:
        return [
            {"key": {"text": key}, "value": {"text": value or "Not recorded yet"}} for key, value in pairs
        ]

    def plan_rows(self) -> list[dict]:
        cycle = self.cycle
        return self._rows(
            [
                ("Objective", cycle.objective),
                ("Who", cycle.plan_who),
                ("What", cycle.plan_what),
                ("Where", cycle.plan_where),
                ("When", cycle.plan_when),
                ("Dates", date_range(cycle) if cycle.starts_on else ""),
                ("Data plan", cycle.data_plan),
                *attribution_rows(cycle),
            ]
        )

    def act_rows(self) -> list[dict]:
        return self._rows(
            [("Decision", self.cycle.get_act_decision_display()), ("Next steps", self.cycle.next_steps)]
        )


@dataclass
class TimelineMonth:
    heading: str
    rows: list[dict]


def pdsa_timeline(project: Project) -> list[TimelineMonth]:
    """Every cycle of the project by the date it starts, grouped by month; unscheduled cycles last."""
    ordered = sorted(
        cycles_with_ideas(project),
        key=lambda c: (c.starts_on is None, c.starts_on or date.min, c.ramp.title, c.number),
    )
    months = []
    for month, group in groupby(ordered, key=lambda c: c.starts_on and c.starts_on.replace(day=1)):
        heading = f"{month:%B %Y}" if month else "Not scheduled yet"
        rows = [
            {
                "cycle": cycle,
                "dates": date_range(cycle),
                "tag": cycle_tag(cycle),
                "decision": cycle.get_act_decision_display() or "Not decided yet",
            }
            for cycle in group
        ]
        months.append(TimelineMonth(heading, rows))
    return months
