"""Runs the SPC engine on a measure's stored data, cached under the measure's data stamp, which every
write of its definition, points or marks changes (docs/adr/005-dashboard-cache.md).

A measure recorded per partner site has one series per site and the pathway's, which is derived, never
typed: per period, the sites' numerators and denominators summed (a P chart of the pathway is then the
sites' patients pooled), counts summed. Values that cannot be added up (minutes: a time at one site plus a
time at another is no time of the pathway) have no pathway series; each site's has the same rules.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from .models import Measure
from .periods import describe_period
from .selectors import marks_of, points_of
from .spc import analyse

CACHE_SECONDS = 24 * 60 * 60
RUN_RULES = {"anhoej": "Anhøj rules (qicharts2)", "ihi": "IHI run-chart rules"}


@dataclass(frozen=True)
class Period:
    start: date
    label: str
    numerator: float
    denominator: float | None
    value: float
    note: str
    sites: int = 0  # the pathway of a per-site measure: how many sites' data it sums


@dataclass(frozen=True)
class MeasureAnalysis:
    measure_id: str
    chart: str
    periods: list[Period]
    result: dict | None
    rebase_starts: list[date]
    excluded_starts: list[date]
    mark_reasons: dict[str, str]
    site_id: str = ""  # one site's series of a per-site measure; "" for the measure or its pathway
    pathway: bool = False  # the pathway of a per-site measure: summed across its sites
    series: str = ""  # one population group's series ("deprivation=1") or "gap"; "" for the measure's

    @property
    def element_id(self) -> str:
        """Unique on a page that shows the pathway and every site, or every group and the gap."""
        suffix = f"-{self.site_id[:8]}" if self.site_id else ""
        if self.series:
            suffix += "-" + re.sub(r"[^a-z0-9]+", "-", self.series.lower()).strip("-")
        return f"chart-{self.measure_id[:8]}{suffix}"

    @property
    def has_data(self) -> bool:
        return bool(self.periods)

    @property
    def latest(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    @property
    def signals(self) -> list[dict]:
        """Every point with a reason, latest first, for the plain-English list beside the chart."""
        if not self.result:
            return []
        return [
            {"period": self.periods[index].label, "reason": point["reason"]}
            for index, point in reversed(list(enumerate(self.result["points"])))
            if point.get("reason")
        ]

    @property
    def part_reasons(self) -> list[str]:
        return [part["reason"] for part in (self.result or {}).get("parts", []) if part.get("reason")]


def _value(measure: Measure, numerator: float, denominator: float | None) -> float:
    if measure.unit == Measure.Unit.PERCENT:
        return round(100 * numerator / denominator, 6)
    if denominator:
        return numerator / denominator
    return numerator


def sites_add_up(measure: Measure) -> bool:
    """Whether the sites' values of a measure add up to the pathway's: numerators and denominators of a
    percentage or a rate do (the pathway's value is their ratio), and counts do; minutes do not."""
    return measure.unit != Measure.Unit.MINUTES


Row = tuple[date, float, float | None, str, int]  # start, numerator, denominator, note, sites summed


def measure_analysis(measure: Measure, *, chart: str | None = None) -> MeasureAnalysis:
    """The engine's result for the measure as its chart kind (or `chart`), from cache when nothing changed:
    for a measure recorded per site, its pathway's."""
    chart = chart or measure.default_chart
    key = f"measure-analysis:2:{measure.pk}:{measure.data_stamp}:{chart}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    marks = list(marks_of(measure))
    if measure.per_site:
        analysis = _analyse(measure, chart, pathway_rows(measure, _site_rows(measure)), marks, pathway=True)
    else:
        rows = points_of(measure).filter(site__isnull=True)
        analysis = _analyse(measure, chart, [(*row, 0) for row in rows.values_list(*POINT_FIELDS)], marks)
    cache.set(key, analysis, CACHE_SECONDS)
    return analysis


def site_analyses(measure: Measure, *, chart: str | None = None) -> dict[uuid.UUID, MeasureAnalysis]:
    """Each site's analysis of a measure recorded per site, by partnership id (sites with data only): the
    same engine, chart and marks as the pathway's; two queries for all the sites, then from cache."""
    chart = chart or measure.default_chart
    key = f"measure-site-analyses:{measure.pk}:{measure.data_stamp}:{chart}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    marks = list(marks_of(measure))
    analyses = {
        site_id: _analyse(measure, chart, [(*row, 1) for row in rows], marks, site_id=str(site_id))
        for site_id, rows in _site_rows(measure).items()
    }
    cache.set(key, analyses, CACHE_SECONDS)
    return analyses


def site_analysis(measure: Measure, *, site_id: uuid.UUID, chart: str | None = None) -> MeasureAnalysis:
    """One site's analysis of a measure recorded per site; one without periods when it has no data yet."""
    chart = chart or measure.default_chart
    return site_analyses(measure, chart=chart).get(site_id) or MeasureAnalysis(
        measure_id=str(measure.pk),
        chart=chart,
        periods=[],
        result=None,
        rebase_starts=[],
        excluded_starts=[],
        mark_reasons={},
        site_id=str(site_id),
    )


def stratum_analyses(
    measure: Measure, rows: dict, *, chart: str | None = None, variant: str = "team"
) -> dict[str, MeasureAnalysis]:
    """Each population group's analysis of a measure broken down by group, by stratum key (groups with data
    only; `rows` from measurement.equity.stratum_rows, or those a reader outside the team may see, the
    `variant` "public"): the same engine, chart and marks as the total's."""
    chart = chart or measure.default_chart
    key = f"measure-stratum-analyses:{measure.pk}:{measure.data_stamp}:{chart}:{variant}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    marks = list(marks_of(measure))
    analyses = {
        stratum: _analyse(
            measure,
            chart,
            [(start, numerator, denominator, "", 0) for start, numerator, denominator in stratum_rows],
            marks,
            series=stratum,
        )
        for stratum, stratum_rows in rows.items()
    }
    cache.set(key, analyses, CACHE_SECONDS)
    return analyses


POINT_FIELDS = ("period_start", "numerator", "denominator", "note")


def _site_rows(measure: Measure) -> dict[uuid.UUID, list[tuple]]:
    rows = defaultdict(list)
    for site_id, *row in points_of(measure).filter(site__isnull=False).values_list("site_id", *POINT_FIELDS):
        rows[site_id].append(tuple(row))
    return rows


def pathway_rows(measure: Measure, by_site: dict[uuid.UUID, list[tuple]]) -> list[Row]:
    """Per period, the sum of the sites' numerators and denominators, and how many sites it sums."""
    if not sites_add_up(measure):
        return []
    sums: dict[date, list] = {}
    for rows in by_site.values():
        for start, numerator, denominator, _note in rows:
            total = sums.setdefault(start, [0, None, 0])
            total[0] += numerator
            if denominator is not None:
                total[1] = (total[1] or 0) + denominator
            total[2] += 1
    return [
        (start, numerator, denominator, "", sites)
        for start, (numerator, denominator, sites) in sorted(sums.items())
    ]


def _analyse(
    measure: Measure,
    chart: str,
    rows: list[Row],
    marks: list,
    *,
    site_id: str = "",
    pathway: bool = False,
    series: str = "",
) -> MeasureAnalysis:
    periods = [
        Period(
            start=start,
            label=describe_period(start, frequency=measure.frequency),
            numerator=float(numerator),
            denominator=float(denominator) if denominator is not None else None,
            value=_value(measure, float(numerator), float(denominator) if denominator is not None else None),
            note=note,
            sites=sites,
        )
        for start, numerator, denominator, note, sites in rows
    ]
    index_of = {period.start: index for index, period in enumerate(periods)}
    rebase = sorted(
        {index_of[m.period_start] for m in marks if m.kind == "rebase" and m.period_start in index_of} - {0}
    )
    exclude = sorted(
        {index_of[m.period_start] for m in marks if m.kind == "exclude" and m.period_start in index_of}
    )
    result = None
    if periods:
        result = analyse(
            chart,
            [p.numerator for p in periods] if chart == "p" else [p.value for p in periods],
            denominators=[p.denominator for p in periods] if chart == "p" else None,
            improvement_direction=measure.improvement_direction,
            target=float(measure.target) if measure.target is not None else None,
            rebase=rebase,
            exclude=exclude if chart != "xmr" else (),
        )
        if chart == "p":
            result = _as_percent(result)
    return MeasureAnalysis(
        measure_id=str(measure.pk),
        chart=chart,
        periods=periods,
        result=result,
        rebase_starts=[periods[i].start for i in rebase],
        excluded_starts=[periods[i].start for i in exclude],
        mark_reasons={f"{m.kind}:{m.period_start}": m.reason for m in marks},
        site_id=site_id,
        pathway=pathway,
        series=series,
    )


def _as_percent(result: dict) -> dict:
    """qicharts2's P chart works in proportions; our pages speak in percentages (its `multiply = 100`)."""
    scale = lambda value: None if value is None else value * 100  # noqa: E731
    for point in result["points"]:
        for key in ("value", "centre", "ucl", "lcl"):
            point[key] = scale(point[key])
    for part in result["parts"]:
        for key in ("centre", "mean_ucl", "mean_lcl"):
            part[key] = scale(part[key])
    return result
