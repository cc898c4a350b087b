"""Runs the SPC engine on a measure's stored data, cached under the measure's data stamp, which every
write of its definition, points or marks changes (docs/adr/005-dashboard-cache.md)."""

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


@dataclass(frozen=True)
class MeasureAnalysis:
    measure_id: str
    chart: str
    periods: list[Period]
    result: dict | None
    rebase_starts: list[date]
    excluded_starts: list[date]
    mark_reasons: dict[str, str]

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


def measure_analysis(measure: Measure, *, chart: str | None = None) -> MeasureAnalysis:
    """The engine's result for the measure as its chart kind (or `chart`), from cache when nothing changed."""
    chart = chart or measure.default_chart
    key = f"measure-analysis:{measure.pk}:{measure.data_stamp}:{chart}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    analysis = _analyse(measure, chart)
    cache.set(key, analysis, CACHE_SECONDS)
    return analysis


def _analyse(measure: Measure, chart: str) -> MeasureAnalysis:
    rows = list(points_of(measure).values_list("period_start", "numerator", "denominator", "note"))
    periods = [
        Period(
            start=start,
            label=describe_period(start, frequency=measure.frequency),
            numerator=float(numerator),
            denominator=float(denominator) if denominator is not None else None,
            value=_value(measure, float(numerator), float(denominator) if denominator is not None else None),
            note=note,
        )
        for start, numerator, denominator, note in rows
    ]
    marks = list(marks_of(measure))
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
