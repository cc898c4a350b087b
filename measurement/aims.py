"""The latest value and icons of projects' aim measures, for dashboards and monthly returns."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from coproduction.models import Project

from .analysis import _value as measure_value
from .models import DataPoint, Measure, PeriodMark
from .spc import analyse


@dataclass
class AimFacts:
    """What the dashboard shows of a project's aim measure, from the XmR analysis (Making Data Count)."""

    measure: Measure
    latest_value: float | None
    latest_start: date | None
    variation_icon: str | None
    assurance_icon: str | None


def aim_facts(projects: list[Project]) -> dict[uuid.UUID, AimFacts]:
    """The aim measure of every project with its latest value and icons: three queries for all of them."""
    measures = list(
        Measure.objects.filter(
            organisation_id__in={p.organisation_id for p in projects},
            project__in=[p.pk for p in projects],
            is_aim_measure=True,
        )
    )
    if not measures:
        return {}
    points = defaultdict(list)
    for row in DataPoint.objects.filter(
        organisation_id__in={m.organisation_id for m in measures}, measure__in=measures
    ).values_list("measure_id", "period_start", "numerator", "denominator"):
        points[row[0]].append(row[1:])
    rebases = defaultdict(set)
    for measure_id, start in PeriodMark.objects.filter(
        organisation_id__in={m.organisation_id for m in measures}, measure__in=measures, kind="rebase"
    ).values_list("measure_id", "period_start"):
        rebases[measure_id].add(start)
    return {
        measure.project_id: _aim(measure, points[measure.pk], rebases[measure.pk]) for measure in measures
    }


def _aim(measure: Measure, rows: list, rebase_starts: set[date]) -> AimFacts:
    rows = sorted(rows)
    if not rows:
        return AimFacts(measure, None, None, None, None)
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
    return AimFacts(
        measure=measure,
        latest_value=values[-1],
        latest_start=rows[-1][0],
        variation_icon=result.get("variation_icon"),
        assurance_icon=result.get("assurance_icon"),
    )
