"""Display logic for the dashboards."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.safestring import mark_safe

from measurement.icons import assurance_icon_svg, assurance_label, variation_icon_svg, variation_label
from measurement.models import Measure

from .presenters import RETURN_LABELS, when_text
from .selectors_dashboards import DashboardFilters, DashboardRow

ICON_FILTERS = [
    ("improvement", "Special cause improvement"),
    ("concern", "Special cause concern"),
    ("neutral", "Special cause, neither improvement nor concern"),
    ("common_cause", "Common cause variation"),
    ("no_data", "No data yet"),
]
SORTS = {
    "project": ("Project", lambda row: row.project.title.lower()),
    "organisation": ("Organisation", lambda row: row.project.organisation.name.lower()),
    "system": ("System", lambda row: row.system.name.lower() if row.system else None),
    "phase": ("Phase", lambda row: row.project.phase.order),
    "score": ("Suggested score", lambda row: row.suggested_score),
    "latest": ("Latest aim value", lambda row: row.aim.latest_value if row.aim else None),
    "last_entry": ("Last data entry", lambda row: row.last_data_entry),
    "return": ("Last month's return", lambda row: row.return_status),
    "comments": ("Unresolved comments", lambda row: row.unresolved_comments),
    "next_call": ("Next call", lambda row: row.next_call),
}
CSV_HEADER = [
    "Project",
    "Organisation",
    "ODS code",
    "System",
    "Cohort",
    "Phase",
    "Suggested progress score",
    "Aim measure",
    "Latest value",
    "Latest period",
    "Variation",
    "Assurance",
    "Last data entry",
    "Last month's return",
    "Return overdue",
    "Unresolved comments",
    "Next call",
    "Needs attention",
    "URL",
]


def sort_rows(rows: list[DashboardRow], sort: str) -> tuple[list[DashboardRow], str]:
    """Rows in the order asked for ("-" first for descending); rows with nothing to sort by go last."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "project", "project"
    value_of = SORTS[key][1]
    present = [row for row in rows if value_of(row) is not None]
    missing = [row for row in rows if value_of(row) is None]
    present.sort(key=value_of, reverse=sort.startswith("-"))
    return present + missing, sort


def _unit_suffix(measure: Measure) -> str:
    return "%" if measure.unit == Measure.Unit.PERCENT else f" {measure.get_unit_display().lower()}"


@dataclass
class RowPresenter:
    row: DashboardRow

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def latest_value(self) -> str:
        aim = self.row.aim
        if aim is None:
            return "No aim measure"
        if aim.latest_value is None:
            return "No data yet"
        return f"{aim.latest_value:.1f}{_unit_suffix(aim.measure)}"

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

    def csv_row(self, site_url: str) -> list[str]:
        project, aim = self.row.project, self.row.aim
        return [
            project.title,
            project.organisation.name,
            project.organisation.ods_code,
            self.row.system.name if self.row.system else "",
            project.enrolment.cohort.name,
            project.phase.name,
            str(self.row.suggested_score),
            aim.measure.name if aim else "",
            "" if aim is None or aim.latest_value is None else f"{aim.latest_value:.1f}",
            aim.latest_start.isoformat() if aim and aim.latest_start else "",
            self.variation_text,
            self.assurance_text,
            self.row.last_data_entry.isoformat() if self.row.last_data_entry else "",
            RETURN_LABELS[self.row.return_status],
            "yes" if self.row.return_overdue else "no",
            str(self.row.unresolved_comments),
            self.row.next_call.isoformat() if self.row.next_call else "",
            "; ".join(self.row.attention_reasons),
            site_url + project.get_absolute_url(),
        ]


@dataclass
class CoachDashboard:
    rows: list[DashboardRow]
    filters: DashboardFilters
    options: dict
    sort: str = "project"
    presented: list[RowPresenter] = field(init=False)

    def __post_init__(self):
        rows, self.sort = sort_rows(self.rows, self.sort)
        self.presented = [RowPresenter(row) for row in rows]

    def query(self, **changes) -> str:
        params = {
            "programme": self.filters.programme,
            "cohort": self.filters.cohort,
            "system": self.filters.system,
            "phase": self.filters.phase,
            "icon": self.filters.icon,
            "attention": "yes" if self.filters.needs_attention else "",
            "sort": self.sort,
        }
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value})

    def headers(self) -> list[dict]:
        """Column headers that sort the table; choosing the current column again reverses it."""
        current = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        headers = []
        for key, (label, _) in SORTS.items():
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
        return sum(1 for row in self.rows if row.needs_attention)
