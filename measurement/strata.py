"""Measures by population group: which groups a stratified measure has, how a group is named in a row, and
the one check every entry path (grid, quick tally, CSV, API) runs on a group's data (docs/measurement.md,
"Measures by population group").

A measure broken down by dimensions (deprivation quintile, age band, ...) has one stratum per combination
of their groups. Each stratum's numerator and denominator are entered; the period's total (the measure's
DataPoint, which every chart and dashboard reads) is their sum, never typed."""

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from programmes.models import Dimension, Place

from .models import Measure
from .points import PointError, PointInput, current_period, validate_point


@dataclass(frozen=True)
class Breakdown:
    """One dimension of a measure with its groups resolved: (key, label) in order."""

    key: str
    name: str
    ordered: bool
    groups: tuple[tuple[str, str], ...]

    def label(self, group: str) -> str:
        return dict(self.groups).get(group, group)


@dataclass(frozen=True)
class Stratum:
    key: str  # "deprivation=1" or "age=65-79;deprivation=1"
    groups: dict = field(hash=False)  # dimension key -> group key
    label: str  # "1 (most deprived)" or "65 to 79, 1 (most deprived)"


@dataclass(frozen=True)
class StratumInput:
    """One group's data for one period, as written by a person or a file: the groups by dimension key."""

    period_start: date
    groups: dict
    numerator: Decimal
    denominator: Decimal | None
    note: str = ""


def programme_dimensions(programme_id) -> list[Dimension]:
    return list(Dimension.objects.filter(programme_id=programme_id).order_by("position"))


def breakdowns(measure: Measure, dimensions: list[Dimension] | None = None) -> list[Breakdown]:
    """The measure's dimensions in its order, each with its groups (a place dimension: the places of the
    project's integrated care system). Dimensions the programme no longer has are left out."""
    if not measure.stratified_by:
        return []
    project = measure.project
    if dimensions is None:
        dimensions = programme_dimensions(project.enrolment.cohort.programme_id)
    by_key = {dimension.key: dimension for dimension in dimensions}
    result = []
    for key in measure.stratified_by:
        dimension = by_key.get(key)
        if dimension is None:
            continue
        if dimension.from_places:
            groups = tuple((str(place.pk), place.name) for place in _places_of(project))
        else:
            groups = tuple((str(group), str(label)) for group, label in dimension.strata)
        result.append(Breakdown(dimension.key, dimension.name, dimension.ordered, groups))
    return result


def _places_of(project) -> list[Place]:
    organisation = project.organisation
    system_id = organisation.pk if organisation.is_system else organisation.system_id
    return list(Place.objects.filter(system_id=system_id).order_by("name")) if system_id else []


def stratum_key(groups: dict, order: list[str]) -> str:
    return ";".join(f"{key}={groups[key]}" for key in order)


def parse_stratum_key(key: str) -> dict:
    return dict(part.split("=", 1) for part in key.split(";") if "=" in part)


def strata_of(measure: Measure, parts: list[Breakdown] | None = None) -> list[Stratum]:
    """Every combination of the measure's groups, in order (the first dimension slowest)."""
    parts = breakdowns(measure) if parts is None else parts
    if not parts:
        return []
    order = [part.key for part in parts]
    strata = []
    for combination in itertools.product(*(part.groups for part in parts)):
        groups = {part.key: group for part, (group, _label) in zip(parts, combination, strict=True)}
        label = ", ".join(label for _group, label in combination)
        strata.append(Stratum(stratum_key(groups, order), groups, label))
    return strata


class StratumCheck:
    """Checks groups' rows against the measure's breakdown: every dimension named, each with one of its
    groups, no dimension the measure lacks, one row per group and period; then the numbers as any point's."""

    def __init__(self, measure: Measure, parts: list[Breakdown] | None = None):
        self.measure = measure
        self.parts = breakdowns(measure) if parts is None else parts
        self.order = [part.key for part in self.parts]
        self.latest = current_period(measure)

    def resolve(self, groups: dict, *, row: int | None) -> tuple[str | None, list[PointError]]:
        """The stratum key of `groups` (group keys or labels accepted, any case), or the problems."""
        errors = []
        chosen = {}
        unknown = sorted(set(groups) - set(self.order))
        for name in unknown:
            errors.append(PointError(row, name, f"This measure is not broken down by '{name}'"))
        for part in self.parts:
            written = str(groups.get(part.key) or "").strip()
            if not written:
                errors.append(PointError(row, part.key, f"Choose the {part.name.lower()}"))
                continue
            found = next(
                (group for group, label in part.groups if written.lower() in (group.lower(), label.lower())),
                None,
            )
            if found is None:
                allowed = ", ".join(group for group, _label in part.groups)
                errors.append(
                    PointError(
                        row, part.key, f"'{written}' is not a {part.name.lower()}: use one of {allowed}"
                    )
                )
            else:
                chosen[part.key] = found
        if errors:
            return None, errors
        return stratum_key(chosen, self.order), []

    def check(self, rows: list[tuple[int | None, StratumInput]]) -> tuple[list, list[PointError]]:
        """(row, stratum key, input) for every row, and every problem of every row."""
        errors, checked, seen = [], [], {}
        for row, item in rows:
            key, problems = self.resolve(item.groups, row=row)
            errors += problems
            point = PointInput(item.period_start, item.numerator, item.denominator, item.note)
            errors += validate_point(self.measure, point, row=row, latest=self.latest)
            if key is not None:
                if (key, item.period_start) in seen:
                    other = seen[key, item.period_start]
                    message = f"{item.period_start} for {self.label(key)} is also on row {other}"
                    errors.append(PointError(row, "period", message))
                seen.setdefault((key, item.period_start), row)
                checked.append((row, key, item))
        return checked, errors

    def label(self, key: str) -> str:
        groups = parse_stratum_key(key)
        return ", ".join(part.label(groups.get(part.key, "")) for part in self.parts)
