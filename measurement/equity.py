"""Measures by population group, read: what a reader outside the team may see of each group's counts, and
the gap between the most and the least deprived group (docs/measurement.md, "Measures by population group").

Small-number suppression: each period's groups form a one-way table whose total is public (it is the
measure's own chart). Numerators and denominators are each suppressed by the engine (`measurement.spc.
suppress`): every count from 1 to SUPPRESSION_THRESHOLD, and then as many more as stop a hidden one being
worked out from the total and the other groups. A group hidden for a period is hidden whole (numerator,
denominator and value), and it is left out of the gap for that period. The team sees its own counts."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from .analysis import CACHE_SECONDS, MeasureAnalysis, Period
from .models import Measure
from .periods import describe_period
from .selectors import marks_of, stratum_points_of
from .spc import analyse_gap, suppress
from .strata import Breakdown, breakdowns, parse_stratum_key

GAP_DIMENSION = "deprivation"
StratumRow = tuple[date, Decimal, Decimal | None]


@dataclass(frozen=True)
class Disclosure:
    """Which groups' counts, in which periods, a reader outside the team may not see."""

    threshold: int
    hidden: dict = field(default_factory=dict)  # (stratum key, period start) -> "primary" | "secondary"

    def hides(self, key: str, period: date) -> bool:
        return (key, period) in self.hidden

    def hidden_periods(self, key: str) -> int:
        return sum(1 for stratum, _period in self.hidden if stratum == key)

    @property
    def any(self) -> bool:
        return bool(self.hidden)


NOTHING_HIDDEN = Disclosure(threshold=0)


def stratum_rows(measure: Measure) -> dict[str, list[StratumRow]]:
    """Each group's rows by stratum key, oldest first: one query, cached under the measure's data stamp."""
    key = f"measure-strata-rows:{measure.pk}:{measure.data_stamp}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = defaultdict(list)
    for stratum, *row in (
        stratum_points_of(measure)
        .order_by("period_start")
        .values_list("stratum", "period_start", "numerator", "denominator")
    ):
        rows[stratum].append(tuple(row))
    rows = dict(rows)
    cache.set(key, rows, CACHE_SECONDS)
    return rows


def disclosure_for(access, measure: Measure) -> Disclosure:
    """What this reader may see: everything for the project's team, suppressed counts for anyone else."""
    if access.can_edit_project(measure.project):
        return NOTHING_HIDDEN
    return public_disclosure(measure)


def public_disclosure(measure: Measure) -> Disclosure:
    threshold = settings.SUPPRESSION_THRESHOLD
    key = f"measure-strata-disclosure:{measure.pk}:{measure.data_stamp}:{threshold}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    by_period: dict[date, dict[str, StratumRow]] = defaultdict(dict)
    for stratum, rows in stratum_rows(measure).items():
        for row in rows:
            by_period[row[0]][stratum] = row
    hidden = {}
    for period, groups in by_period.items():
        for position in (1, 2) if measure.has_denominator else (1,):
            counts = {
                stratum: None if row[position] is None else round(row[position])
                for stratum, row in groups.items()
            }
            result = suppress(counts, threshold=threshold, column_totals="public")
            for cell in result["suppressed"]:
                hidden.setdefault((cell["row"], period), cell["reason"])
            if result["derivable"]:
                # The total leaves nothing else to hide behind: show none of the period's groups.
                for stratum in groups:
                    hidden.setdefault((stratum, period), "secondary")
    disclosure = Disclosure(threshold=threshold, hidden=hidden)
    cache.set(key, disclosure, CACHE_SECONDS)
    return disclosure


def counts_by_group(
    measure: Measure, strata: list, disclosure: Disclosure, *, latest: int | None = None, missing: str = ""
) -> dict:
    """The counts by group, a row a period (newest first; the `latest` periods only, when given), as a
    reader with this disclosure may see them: a suppressed group's cell reads "Suppressed" and nothing else,
    a group without data that period `missing`."""
    rows = stratum_rows(measure)
    by_period: dict = {}
    for stratum in strata:
        for start, numerator, denominator in rows.get(stratum.key, []):
            by_period.setdefault(start, {})[stratum.key] = (numerator, denominator)
    lines = []
    for start in sorted(by_period, reverse=True)[:latest]:
        cells = []
        for stratum in strata:
            found = by_period[start].get(stratum.key)
            if found is None:
                cells.append({"text": missing, "suppressed": False})
            elif disclosure.hides(stratum.key, start):
                cells.append({"text": "Suppressed", "suppressed": True})
            else:
                numerator, denominator = found
                of = f" of {float(denominator):g}" if denominator is not None else ""
                cells.append({"text": f"{float(numerator):g}{of}", "suppressed": False})
        lines.append({"label": describe_period(start, frequency=measure.frequency), "cells": cells})
    return {"headers": [stratum.label for stratum in strata], "rows": lines}


def gap_breakdown(measure: Measure, parts: list[Breakdown] | None = None) -> Breakdown | None:
    """The deprivation dimension of a measure broken down by it, whose first group is the most deprived."""
    parts = breakdowns(measure) if parts is None else parts
    return next((part for part in parts if part.key == GAP_DIMENSION and len(part.groups) >= 2), None)


@dataclass(frozen=True)
class GapAnalysis:
    measure_id: str
    dimension: Breakdown
    periods: list[date]
    result: dict  # analyse_gap's
    left_out: int  # periods whose gap a reader outside the team may not see

    @property
    def most_label(self) -> str:
        return self._named(self.result["most_deprived"])

    @property
    def least_label(self) -> str:
        return self._named(self.result["least_deprived"])

    @property
    def definition(self) -> str:
        """What the gap is, "the value for ... minus the value for ..., in percentage points"."""
        most, least = self.most_label, self.least_label
        if self.result["gap"] == "ratio":
            return f"the value for {most} divided by the value for {least}"
        unit = "percentage points" if self.unit == "percentage points" else "counts"
        return f"the value for {most} minus the value for {least}, in {unit}"

    @property
    def no_gap(self) -> str:
        return "1 is no gap" if self.result["gap"] == "ratio" else "0 is no gap"

    def _named(self, group: str) -> str:
        """'deprivation quintile 1 (most deprived)': the dimension's name without its note, and the group."""
        return f"{self.dimension.name.split(' (')[0].lower()} {self.dimension.label(group)}"

    @property
    def direction(self) -> str:
        return self.result["direction"]

    @property
    def finding(self) -> str:
        return self.result["finding"]

    @property
    def unit(self) -> str:
        return self.result["unit"]

    def chart_analysis(self, frequency: str) -> MeasureAnalysis:
        """The gap as a run chart the measure's chart renderer draws (missing periods are gaps)."""
        periods = [
            Period(
                start=start,
                label=describe_period(start, frequency=frequency),
                numerator=0.0,
                denominator=None,
                value=value,
                note="",
            )
            for start, value in zip(self.periods, self.result["values"], strict=True)
        ]
        return MeasureAnalysis(
            measure_id=self.measure_id,
            chart="run",
            periods=periods,
            result=self.result["run_chart"],
            rebase_starts=[],
            excluded_starts=[],
            mark_reasons={},
            series="gap",
        )


def gap_analysis(
    measure: Measure, disclosure: Disclosure = NOTHING_HIDDEN, parts: list[Breakdown] | None = None
) -> GapAnalysis | None:
    """The gap between the most and the least deprived group, period by period (the measure's `gap_as`:
    a difference or a ratio), analysed with run-chart rules; None for a measure not broken down by
    deprivation or without data. Other dimensions are summed within each deprivation group. `parts`: the
    measure's breakdowns when the caller has them already."""
    dimension = gap_breakdown(measure, parts)
    rows = stratum_rows(measure) if dimension else {}
    if not rows:
        return None
    hidden_key = "public" if disclosure.any else "team"
    key = f"measure-gap:{measure.pk}:{measure.data_stamp}:{hidden_key}:{disclosure.threshold}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    periods = sorted({row[0] for stratum_rows_ in rows.values() for row in stratum_rows_})
    index_of = {start: index for index, start in enumerate(periods)}
    groups = [group for group, _label in dimension.groups]
    most, least = groups[0], groups[-1]
    sums = {group: [[None, None] for _ in periods] for group in groups}
    blocked = set()
    for stratum, stratum_rows_ in rows.items():
        group = parse_stratum_key(stratum).get(GAP_DIMENSION)
        if group not in sums:
            continue
        for start, numerator, denominator in stratum_rows_:
            if disclosure.hides(stratum, start):
                blocked.add((group, start))
            cell = sums[group][index_of[start]]
            cell[0] = (cell[0] or 0) + float(numerator)
            if denominator is not None:
                cell[1] = (cell[1] or 0) + float(denominator)
    left_out = set()
    for group, start in blocked:
        if group in (most, least):
            sums[group][index_of[start]] = [None, None]
            left_out.add(start)
    proportion = measure.has_denominator
    strata = {
        group: {
            "numerators": [cell[0] for cell in cells],
            **({"denominators": [cell[1] for cell in cells]} if proportion else {}),
        }
        for group, cells in sums.items()
    }
    marks = list(marks_of(measure))
    result = analyse_gap(
        strata,
        measure="proportion" if proportion else "count",
        gap=measure.gap_as,
        most_deprived=most,
        least_deprived=least,
        rebase=sorted(
            {index_of[m.period_start] for m in marks if m.kind == "rebase" and m.period_start in index_of}
            - {0}
        ),
        exclude=sorted(
            {index_of[m.period_start] for m in marks if m.kind == "exclude" and m.period_start in index_of}
        ),
    )
    analysis = GapAnalysis(str(measure.pk), dimension, periods, result, len(left_out))
    cache.set(key, analysis, CACHE_SECONDS)
    return analysis


EQUITY_LABELS = {
    "narrowing": "Gap narrowing",
    "widening": "Gap widening",
    "no_signal": "No signal in the gap",
    "too_few_points": "Too few points to judge the gap",
}


def equity_marker(measure: Measure) -> dict | None:
    """For dashboards: whether the gap of a measure broken down by deprivation is narrowing, widening or
    shows no signal, as a reader outside the team sees it; None for a measure without a gap."""
    if not measure.stratified_by:
        return None
    gap = gap_analysis(measure, public_disclosure(measure))
    if gap is None:
        return None
    return {"direction": gap.direction, "label": EQUITY_LABELS[gap.direction], "finding": gap.finding}
