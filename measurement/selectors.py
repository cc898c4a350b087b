"""Reads of measures and their data, through the reader's `Access`."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import Access
from projects.selectors import project_visible, records_of

from .models import DataPoint, Measure, PeriodMark, StratumPoint


def measures_of_project(*, access: Access, project_id: uuid.UUID) -> QuerySet[Measure]:
    project = project_visible(access=access, project_id=project_id)
    return records_of(project=project, model=Measure)


def measure_visible(*, access: Access, project_id: uuid.UUID, measure_id: uuid.UUID) -> Measure:
    project = project_visible(access=access, project_id=project_id)
    try:
        measure = records_of(project=project, model=Measure).get(pk=measure_id)
    except (Measure.DoesNotExist, ValueError) as error:
        raise Http404("No such measure") from error
    measure.project = project
    return measure


def points_of(measure: Measure) -> QuerySet[DataPoint]:
    return DataPoint.objects.filter(organisation_id=measure.organisation_id, measure=measure).order_by(
        "period_start"
    )


def stratum_points_of(measure: Measure) -> QuerySet[StratumPoint]:
    """A stratified measure's rows per group and period (counts of people, never people)."""
    return StratumPoint.objects.filter(organisation_id=measure.organisation_id, measure=measure).order_by(
        "period_start", "stratum"
    )


def marks_of(measure: Measure) -> QuerySet[PeriodMark]:
    return PeriodMark.objects.filter(organisation_id=measure.organisation_id, measure=measure)
