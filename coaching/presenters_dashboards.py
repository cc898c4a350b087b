"""Display logic for the dashboards."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from measurement.icons import assurance_icon_svg, assurance_label, variation_icon_svg, variation_label
from measurement.models import Measure
from measurement.periods import describe_period
from measurement.sparklines import sparkline_description, sparkline_svg
from programmes.models import Enrolment, Organisation, Place, Region

from .forms_dashboards import AssignForm, RemoveForm
from .presenters import RETURN_LABELS, when_text
from .selectors_dashboards import (
    CohortLine,
    DashboardFilters,
    DashboardRow,
    DashboardRows,
    Facets,
    MeasureCard,
    ProgrammeDashboardData,
    ProjectLine,
    RegionalDashboardData,
    reliability_cards,
)

ICON_FILTERS = [
    ("improvement", "Special cause improvement"),
    ("concern", "Special cause concern"),
    ("neutral", "Special cause, neither improvement nor concern"),
    ("common_cause", "Common cause variation"),
    ("no_data", "No data yet"),
]
# The columns that sort the table, in order; the SQL of each is selectors_dashboards.SORT_EXPRESSIONS.
SORTS = {
    "project": "Project",
    "organisation": "Organisation",
    "system": "System",
    "phase": "Phase",
    "score": "Suggested score",
    "latest": "Latest aim value",
    "last_entry": "Last data entry",
    "return": "Last month's return",
    "comments": "Unresolved comments",
    "next_call": "Next call",
}
# The tag colours of the equity markers: green for a gap narrowing, orange for one widening.
EQUITY_TAG_COLOURS = {
    "narrowing": "green",
    "widening": "orange",
    "no_signal": "grey",
    "too_few_points": "white",
}
CSV_HEADER = [
    "Project",
    "Organisation",
    "ODS code",
    "System",
    "Partners",
    "Cohort",
    "Phase",
    "Suggested progress score",
    "Aim measure",
    "Latest value",
    "Latest period",
    "Variation",
    "Assurance",
    "Equity",
    "Equity finding",
    "Last data entry",
    "Last month's return",
    "Return overdue",
    "Unresolved comments",
    "Next call",
    "Needs attention",
    "URL",
]


def _unit_suffix(measure: Measure) -> str:
    return "%" if measure.unit == Measure.Unit.PERCENT else f" {measure.get_unit_display().lower()}"


def value_text(measure: Measure, value: float) -> str:
    return f"{value:.1f}{_unit_suffix(measure)}"


PARTNERS_NAMED = 5  # beyond these, the line under a project's title counts the rest


def partners_text(names: list[str]) -> str:
    """ "with 3 partners: A, B and C" under a project's title; empty for a project with none."""
    if not names:
        return ""
    noun = "partner" if len(names) == 1 else "partners"
    shown, rest = names[:PARTNERS_NAMED], len(names) - PARTNERS_NAMED
    if rest > 0:
        listed = f"{', '.join(shown)} and {rest} more"
    else:
        listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"with {len(names)} {noun}: {listed}"


# A page of rows reverses each link once, with these ids in it, then puts each row's ids in their place.
URL_PLACEHOLDER = uuid.UUID(int=0)
MEASURE_PLACEHOLDER = uuid.UUID(int=1)


@dataclass(frozen=True)
class ProjectLinks:
    project: str
    calls: str
    measure: str

    @classmethod
    def reversed(cls) -> "ProjectLinks":
        kwargs = {"project_id": URL_PLACEHOLDER}
        return cls(
            reverse("project_detail", kwargs=kwargs),
            reverse("call_list", kwargs=kwargs),
            reverse("measure_detail", kwargs={**kwargs, "measure_id": MEASURE_PLACEHOLDER}),
        )

    def measure_href(self, measure: Measure) -> str:
        return self.measure.replace(str(URL_PLACEHOLDER), str(measure.project_id)).replace(
            str(MEASURE_PLACEHOLDER), str(measure.pk)
        )


@dataclass
class RowPresenter:
    row: DashboardRow
    links: ProjectLinks | None = None

    def __getattr__(self, name):
        return getattr(self.row, name)

    def _link(self, pattern: str) -> str:
        return pattern.replace(str(URL_PLACEHOLDER), str(self.row.project.pk))

    @property
    def project_href(self) -> str:
        return self._link((self.links or ProjectLinks.reversed()).project)

    @property
    def calls_href(self) -> str:
        return self._link((self.links or ProjectLinks.reversed()).calls)

    @property
    def latest_value(self) -> str:
        aim = self.row.aim
        if aim is None:
            return "No aim measure"
        if aim.latest_value is None:
            return "No data yet"
        return value_text(aim.measure, aim.latest_value)

    @property
    def variation_icon_svg(self) -> str:
        return mark_safe(variation_icon_svg(self.row.variation_icon, size=28))  # noqa: S308 - escaped

    @property
    def assurance_icon_svg(self) -> str:
        icon = self.row.aim.assurance_icon if self.row.aim else None
        return mark_safe(assurance_icon_svg(icon, size=28))  # noqa: S308 - escaped when built

    @property
    def variation_text(self) -> str:
        return variation_label(self.row.variation_icon)

    @property
    def assurance_text(self) -> str:
        return assurance_label(self.row.aim.assurance_icon if self.row.aim else None)

    @property
    def equity_text(self) -> str:
        """The equity marker's label ("Gap narrowing"), or why the project has none."""
        if self.row.equity:
            return self.row.equity["label"]
        aim = self.row.aim
        if aim is None:
            return "No aim measure"
        if "deprivation" not in (aim.measure.stratified_by or []):
            return "Not broken down by deprivation"
        return "No data by group yet"

    @property
    def equity_colour(self) -> str:
        return EQUITY_TAG_COLOURS[self.row.equity["direction"]] if self.row.equity else ""

    @property
    def last_data_entry_text(self) -> str:
        return (
            f"{timezone.localtime(self.row.last_data_entry):%-d %b %Y}"
            if self.row.last_data_entry
            else "None"
        )

    @property
    def return_text(self) -> str:
        text = RETURN_LABELS[self.row.return_status]
        return f"{text} (overdue)" if self.row.return_overdue else text

    @property
    def next_call_text(self) -> str:
        return when_text(self.row.next_call) or "None booked"

    @property
    def partners_text(self) -> str:
        return partners_text(self.row.partners)

    def csv_row(self, site_url: str) -> list[str]:
        project, aim = self.row.project, self.row.aim
        return [
            project.title,
            project.organisation.name,
            project.organisation.ods_code or "",
            self.row.system.name if self.row.system else "",
            "; ".join(self.row.partners),
            project.enrolment.cohort.name,
            project.phase.name,
            str(self.row.suggested_score),
            aim.measure.name if aim else "",
            "" if aim is None or aim.latest_value is None else f"{aim.latest_value:.1f}",
            aim.latest_start.isoformat() if aim and aim.latest_start else "",
            self.variation_text,
            self.assurance_text,
            self.equity_text,
            self.row.equity["finding"] if self.row.equity else "",
            self.row.last_data_entry.isoformat() if self.row.last_data_entry else "",
            RETURN_LABELS[self.row.return_status],
            "yes" if self.row.return_overdue else "no",
            str(self.row.unresolved_comments),
            self.row.next_call.isoformat() if self.row.next_call else "",
            "; ".join(self.row.attention_reasons),
            site_url + project.get_absolute_url(),
        ]


PAGE_SIZE = 50


def page_number(value: str | None) -> int:
    """A page asked for in the query string; anything that is not a positive whole number is page 1."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


@dataclass
class CoachDashboard:
    """The rows are counted and sorted in SQL; one page of them is read and drawn (a page of 300 rows is
    slow to draw and to read)."""

    rows: DashboardRows
    filters: DashboardFilters
    options: dict
    page: int = 1
    presented: list[RowPresenter] = field(init=False)

    def __post_init__(self):
        self.page = min(self.page, self.page_count)
        first = (self.page - 1) * PAGE_SIZE
        links = ProjectLinks.reversed()
        self.presented = [RowPresenter(row, links) for row in self.rows[first : first + PAGE_SIZE]]

    @property
    def sort(self) -> str:
        return self.rows.sort

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.rows) // PAGE_SIZE))

    @property
    def showing_text(self) -> str:
        count = len(self.rows)
        noun = "project" if count == 1 else "projects"
        if self.page_count == 1:
            return f"{count} {noun} shown"
        first = (self.page - 1) * PAGE_SIZE + 1
        return f"Projects {first} to {first + len(self.presented) - 1} of {count} shown"

    def pagination(self) -> dict | None:
        """The NHS.UK pagination component's parameters, or None when everything fits on one page."""
        if self.page_count == 1:
            return None
        href = lambda number: "?" + self.query(page=number)  # noqa: E731
        params = {
            "ariaLabel": "Pages of projects",
            "items": [
                {"number": number, "href": href(number), "current": number == self.page}
                for number in range(1, self.page_count + 1)
            ],
        }
        if self.page > 1:
            params["previous"] = {"href": href(self.page - 1)}
        if self.page < self.page_count:
            params["next"] = {"href": href(self.page + 1)}
        return params

    def query(self, **changes) -> str:
        params = {
            "programme": self.filters.programme,
            "cohort": self.filters.cohort,
            "system": self.filters.system,
            "phase": self.filters.phase,
            "icon": self.filters.icon,
            "attention": "yes" if self.filters.needs_attention else "",
            "place": self.filters.place,
            "sort": self.sort,
        }
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value})

    def headers(self) -> list[dict]:
        """Column headers that sort the table; choosing the current column again reverses it."""
        current = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        headers = []
        for key, label in SORTS.items():
            next_sort = f"-{key}" if key == current and not descending else key
            headers.append(
                {
                    "label": label,
                    "href": "?" + self.query(sort=next_sort),
                    "aria_sort": ("descending" if descending else "ascending") if key == current else None,
                }
            )
        return headers

    def select_items(self, name: str) -> list[dict]:
        options = ICON_FILTERS if name == "icon" else self.options[name]
        chosen = getattr(self.filters, name)
        return [{"value": "", "text": "All"}] + [
            {"value": value, "text": text, "selected": value == chosen} for value, text in options
        ]

    @property
    def attention_count(self) -> int:
        return self.rows.attention_count


# --- System dashboard ---------------------------------------------------------------------------------

SYSTEM_SORTS = [key for key in SORTS if key != "system"]


@dataclass
class Rollup:
    """Counts of projects by variation icon group (rows) and phase (columns), with totals."""

    phases: list[str]
    lines: list[dict]
    totals: list[int]
    total: int


def rollup(counted: Facets, system_id=None, phases: list[str] | None = None) -> Rollup:
    """The projects (of one system, or all) counted in `phases` (a region's phases, so every system's line
    has the same columns), or in the projects' own phases."""
    names = counted.phases() if phases is None else phases
    counts = counted.by_group_and_phase(system_id)
    lines = [
        {
            "group": group,
            "label": label,
            "counts": [counts.get((group, name), 0) for name in names],
            "total": sum(counts.get((group, name), 0) for name in names),
        }
        for group, label in ICON_FILTERS
    ]
    totals = [sum(line["counts"][index] for line in lines) for index in range(len(names))]
    return Rollup(phases=names, lines=lines, totals=totals, total=sum(counts.values()))


@dataclass
class MeasureCardPresenter:
    card: MeasureCard
    links: ProjectLinks | None = None

    @property
    def measure(self) -> Measure:
        return self.card.measure

    @cached_property
    def href(self) -> str:
        return (self.links or ProjectLinks.reversed()).measure_href(self.measure)

    @cached_property
    def title(self) -> str:
        return f"{self.measure.project.title}: {self.measure.name}"

    @cached_property
    def latest_text(self) -> str:
        summary = self.card.summary
        if summary.latest_value is None:
            return "No data yet"
        period = describe_period(summary.latest_start, frequency=self.measure.frequency)
        return f"{value_text(self.measure, summary.latest_value)} ({period})"

    @cached_property
    def description(self) -> str:
        summary = self.card.summary
        if summary.latest_value is None:
            return "No data yet."
        return sparkline_description(summary, self.latest_text)

    @property
    def sparkline_svg(self) -> str:
        summary = self.card.summary
        return mark_safe(  # noqa: S308 - sparkline_svg escapes every text
            sparkline_svg(
                element_id=f"spark-{self.measure.pk}",
                values=summary.recent_values,
                centre=summary.recent_centre,
                variation_icon=summary.variation_icon,
                title=self.title,
                description=self.description,
            )
        )

    @property
    def variation_icon_svg(self) -> str:
        return mark_safe(variation_icon_svg(self.card.summary.variation_icon, size=28))  # noqa: S308

    @property
    def assurance_icon_svg(self) -> str:
        return mark_safe(assurance_icon_svg(self.card.summary.assurance_icon, size=28))  # noqa: S308


@dataclass
class SystemDashboard(CoachDashboard):
    system: Organisation | None = None
    systems: list[Organisation] = field(default_factory=list)
    counts: Facets | None = None  # every project of the system, whatever the filters
    cards_of: Callable[[list], list[MeasureCard]] | None = None
    places: list[Place] = field(default_factory=list)
    place: Place | None = None

    @property
    def title(self) -> str:
        where = f"{self.system.name}, {self.place.name}" if self.place else self.system.name
        return f"System dashboard: {where}"

    @property
    def whole_system_href(self) -> str:
        return reverse("system_dashboard") + "?" + urlencode({"system": str(self.system.pk)})

    def headers(self) -> list[dict]:
        return [header for key, header in zip(SORTS, super().headers(), strict=True) if key in SYSTEM_SORTS]

    def select_items(self, name: str) -> list[dict]:
        if name == "system":
            return [
                {"value": str(system.pk), "text": system.name, "selected": system == self.system}
                for system in self.systems
            ]
        if name == "place":
            return [{"value": "", "text": "The whole system"}] + [
                {"value": str(place.pk), "text": place.name, "selected": place == self.place}
                for place in self.places
            ]
        return super().select_items(name)

    @property
    def rollup(self) -> Rollup:
        return rollup(self.counts)

    @cached_property
    def presented_cards(self) -> list[MeasureCardPresenter]:
        """The reliability measures of the projects on this page."""
        links = ProjectLinks.reversed()
        cards = self.cards_of([row.project for row in self.presented])
        return [MeasureCardPresenter(card, links) for card in cards]


def system_dashboard_presenter(data, filters: DashboardFilters, sort: str, page: int = 1) -> SystemDashboard:
    filters.system = str(data.system.pk)
    filters.place = str(data.place.pk) if data.place else ""
    counts = data.counts()
    return SystemDashboard(
        rows=data.rows(filters, sort),
        filters=filters,
        options={"phase": [(name, name) for name in counts.phases()]},
        page=page,
        system=data.system,
        systems=data.systems,
        counts=counts,
        cards_of=reliability_cards,
        places=data.places,
        place=data.place,
    )


# --- Regional dashboard -------------------------------------------------------------------------------


@dataclass
class SystemLine:
    """One system of a region: its projects counted by phase and by variation icon group."""

    system: Organisation
    rollup: Rollup
    can_open: bool  # the reader may open the system's dashboard

    @property
    def dashboard_href(self) -> str:
        return reverse("system_dashboard") + "?" + urlencode({"system": str(self.system.pk)})

    @property
    def phase_counts(self) -> list[int]:
        return self.rollup.totals

    @property
    def icon_counts(self) -> list[int]:
        return [line["total"] for line in self.rollup.lines]


@dataclass
class RegionalDashboard(CoachDashboard):
    region: Region | None = None
    regions: list[Region] = field(default_factory=list)
    counts: Facets | None = None  # every project of the region, whatever the filters
    system_lines: list[SystemLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Regional dashboard: {self.region.name}"

    @property
    def rollup(self) -> Rollup:
        return rollup(self.counts)

    @staticmethod
    def icon_labels() -> list[str]:
        return [label for _, label in ICON_FILTERS]

    def query(self, **changes) -> str:
        return "&".join(filter(None, [urlencode({"region": str(self.region.pk)}), super().query(**changes)]))

    def select_items(self, name: str) -> list[dict]:
        if name == "region":
            return [
                {"value": str(region.pk), "text": region.name, "selected": region == self.region}
                for region in self.regions
            ]
        return super().select_items(name)


def system_rollups(data: RegionalDashboardData, counts: Facets, phases: list[str]) -> list:
    """(system, its projects' roll-up in the region's phases, whether the reader may open it) for every
    system of the region; a system-wide project's system is its own organisation."""
    with_projects = counts.systems()
    return [
        (system, rollup(counts, system.pk, phases), data.opens_every_system or system.pk in with_projects)
        for system in data.systems
    ]


def regional_dashboard_presenter(
    data: RegionalDashboardData, filters: DashboardFilters, sort: str, page: int = 1
) -> RegionalDashboard:
    counts = data.counts()
    phases = counts.phases()
    lines = [
        SystemLine(system=system, rollup=rolled_up, can_open=can_open)
        for system, rolled_up, can_open in system_rollups(data, counts, phases)
    ]
    return RegionalDashboard(
        rows=data.rows(filters, sort),
        filters=filters,
        options={"phase": [(name, name) for name in phases]},
        page=page,
        region=data.region,
        regions=data.regions,
        counts=counts,
        system_lines=lines,
    )


# --- Programme dashboard ------------------------------------------------------------------------------


@dataclass
class ProgrammeDashboard:
    """The programme dashboard; `failed_prefix` names the one assignment form that came back with errors."""

    data: ProgrammeDashboardData
    failed_prefix: str = ""
    failed_form: AssignForm | RemoveForm | None = None
    buddies_page: int = 1

    LISTED = 20  # of the projects needing support, the first shown in each list; the count says the rest

    def __getattr__(self, name):
        return getattr(self.data, name)

    # A programme can hold hundreds of projects: their buddy forms come PAGE_SIZE at a time.

    @property
    def buddy_page_count(self) -> int:
        return max(1, -(-len(self.data.projects) // PAGE_SIZE))

    @cached_property
    def projects_on_page(self) -> list:
        page = min(self.buddies_page, self.buddy_page_count)
        return self.data.projects[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    @cached_property
    def listed_without_buddy(self) -> list:
        return self.data.without_buddy[: self.LISTED]

    @cached_property
    def listed_without_recent_call(self) -> list:
        return self.data.without_recent_call[: self.LISTED]

    def page_of_prefix(self, prefix: str) -> int:
        """The page of buddy forms holding the form `prefix` names ("project-<id>"), or the first."""
        try:
            project_id = uuid.UUID(prefix.removeprefix("project-"))
        except ValueError:
            return 1
        position = self.data.projects.positions([project_id]).get(project_id)
        return position // PAGE_SIZE + 1 if position is not None else 1

    @cached_property
    def _pages_of_listed(self) -> dict:
        positions = self.data.projects.positions(line.project.pk for line in self.listed_without_buddy)
        return {project_id: position // PAGE_SIZE + 1 for project_id, position in positions.items()}

    def project_anchor(self, project) -> str:
        """Where a listed project's buddy form is: its page of the buddies section."""
        return self.buddy_href(self._pages_of_listed.get(project.pk, 1)) + f"#project-{project.pk}"

    def buddy_href(self, page: int) -> str:
        return "?" + urlencode({"programme": str(self.data.programme.pk), "buddies_page": page})

    def buddy_pagination(self) -> dict | None:
        if self.buddy_page_count == 1:
            return None
        page = min(self.buddies_page, self.buddy_page_count)
        params = {
            "ariaLabel": "Pages of projects' buddies",
            "items": [
                {"number": number, "href": self.buddy_href(number) + "#buddies", "current": number == page}
                for number in range(1, self.buddy_page_count + 1)
            ],
        }
        if page > 1:
            params["previous"] = {"href": self.buddy_href(page - 1) + "#buddies"}
        if page < self.buddy_page_count:
            params["next"] = {"href": self.buddy_href(page + 1) + "#buddies"}
        return params

    def programme_items(self) -> list[dict]:
        return [
            {"value": str(p.pk), "text": p.name, "selected": p == self.data.programme}
            for p in self.data.programmes
        ]

    @staticmethod
    def status_counts(line: CohortLine) -> list[int]:
        return [getattr(line.cohort, f"enrolments_{status}") for status in Enrolment.Status.values]

    @staticmethod
    def status_labels() -> list[str]:
        return list(Enrolment.Status.labels)

    @staticmethod
    def phase_text(line: CohortLine) -> str:
        return "; ".join(f"{name}: {count}" for name, count in line.projects_by_phase) or "No projects yet"

    def assign_form(self, prefix: str) -> AssignForm:
        if prefix == self.failed_prefix and isinstance(self.failed_form, AssignForm):
            return self.failed_form
        return AssignForm(prefix=prefix)

    @staticmethod
    def last_call_text(line: ProjectLine) -> str:
        last = line.project.last_coaching_call
        return f"{timezone.localtime(last):%-d %b %Y}" if last else "Never"
