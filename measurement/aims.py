"""Each measure's XmR summary (latest value, icons, a short series for a sparkline), cached per measure under
its data stamp; and the aim measures' facts for dashboards and monthly returns, read from that cache.

Readers load the measures (one query) and `cache.get_many` their summaries; only the measures whose stamp
has no entry yet have their points and marks loaded, in one query each for all of them
(docs/adr/005-dashboard-cache.md). A measure recorded per partner site is summarised by its pathway, summed
from the sites' points as `measurement.analysis` sums them.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from projects.models import Project

from .analysis import _value as measure_value
from .analysis import pathway_rows
from .models import DataPoint, Measure, PeriodMark
from .spc import analyse

SPARKLINE_POINTS = 26
# Entries are never stale (a change gives a new key); the timeout only lets unused ones go.
CACHE_SECONDS = 14 * 24 * 60 * 60
KEY_FORMAT = 2  # raise when MeasureSummary changes shape, so old entries are not read


@dataclass(frozen=True)
class MeasureSummary:
    """What a dashboard shows of one measure, from the XmR analysis (Making Data Count) of all its points."""

    measure_id: uuid.UUID
    points: int
    latest_value: float | None
    latest_start: date | None
    variation_icon: str | None
    assurance_icon: str | None
    recent_starts: tuple[date, ...] = ()
    recent_values: tuple[float, ...] = ()
    recent_centre: tuple[float | None, ...] = ()


@dataclass
class AimFacts:
    """What the dashboard shows of a project's aim measure."""

    measure: Measure
    latest_value: float | None
    latest_start: date | None
    variation_icon: str | None
    assurance_icon: str | None
    summary: MeasureSummary | None = None


def summary_key(measure: Measure) -> str:
    return f"measure-summary:{KEY_FORMAT}:{measure.pk}:{measure.data_stamp}"


def measure_summaries(measures: Iterable[Measure]) -> dict[uuid.UUID, MeasureSummary]:
    """The summary of every measure: from the cache, computing (two queries in all) only the missing."""
    by_key = {summary_key(measure): measure for measure in measures}
    if not by_key:
        return {}
    found = cache.get_many(list(by_key))
    missing = [measure for key, measure in by_key.items() if key not in found]
    if missing:
        computed = _summarise(missing)
        fresh = {summary_key(measure): computed[measure.pk] for measure in missing}
        cache.set_many(fresh, CACHE_SECONDS)
        found.update(fresh)
    return {measure.pk: found[key] for key, measure in by_key.items()}


def _summarise(measures: list[Measure]) -> dict[uuid.UUID, MeasureSummary]:
    organisation_ids = {measure.organisation_id for measure in measures}
    points = defaultdict(list)
    site_points = defaultdict(lambda: defaultdict(list))
    for measure_id, site_id, start, numerator, denominator in (
        DataPoint.objects.filter(organisation_id__in=organisation_ids, measure__in=measures)
        .order_by()
        .values_list("measure_id", "site_id", "period_start", "numerator", "denominator")
    ):
        if site_id is None:
            points[measure_id].append((start, numerator, denominator))
        else:
            site_points[measure_id][site_id].append((start, numerator, denominator, ""))
    for measure in measures:
        if measure.per_site:
            points[measure.pk] = [row[:3] for row in pathway_rows(measure, site_points[measure.pk])]
    rebases = defaultdict(set)
    for measure_id, start in PeriodMark.objects.filter(
        organisation_id__in=organisation_ids, measure__in=measures, kind=PeriodMark.Kind.REBASE
    ).values_list("measure_id", "period_start"):
        rebases[measure_id].add(start)
    return {measure.pk: _summary(measure, points[measure.pk], rebases[measure.pk]) for measure in measures}


def _summary(measure: Measure, rows: list, rebase_starts: set[date]) -> MeasureSummary:
    rows = sorted(rows)
    if not rows:
        return MeasureSummary(measure.pk, 0, None, None, None, None)
    values = [
        measure_value(measure, float(numerator), float(denominator) if denominator is not None else None)
        for _, numerator, denominator in rows
    ]
    rebase = [index for index, row in enumerate(rows) if index and row[0] in rebase_starts]
    result = analyse(
        "xmr",
        values,
        improvement_direction=measure.improvement_direction,
        target=float(measure.target) if measure.target is not None else None,
        rebase=rebase,
    )
    recent = slice(-SPARKLINE_POINTS, None)
    return MeasureSummary(
        measure_id=measure.pk,
        points=len(rows),
        latest_value=values[-1],
        latest_start=rows[-1][0],
        variation_icon=result.get("variation_icon"),
        assurance_icon=result.get("assurance_icon"),
        recent_starts=tuple(row[0] for row in rows[recent]),
        recent_values=tuple(values[recent]),
        recent_centre=tuple(point["centre"] for point in result["points"][recent]),
    )


def aim_facts(projects: list[Project]) -> dict[uuid.UUID, AimFacts]:
    """The aim measure of every project with its latest value and icons: one query when the summaries are
    cached, three when some are not."""
    if not projects:
        return {}
    measures = list(
        Measure.objects.filter(
            organisation_id__in={p.organisation_id for p in projects},
            project__in=[p.pk for p in projects],
            is_aim_measure=True,
        )
    )
    summaries = measure_summaries(measures)
    facts = {}
    for measure in measures:
        summary = summaries[measure.pk]
        facts[measure.project_id] = AimFacts(
            measure=measure,
            latest_value=summary.latest_value,
            latest_start=summary.latest_start,
            variation_icon=summary.variation_icon,
            assurance_icon=summary.assurance_icon,
            summary=summary,
        )
    return facts
