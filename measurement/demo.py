"""Demo measures: the RNOH family of measures with 40 weeks of data whose reliability shifts up after the
second ramp of PDSA cycles (child-height signs, July 2026); shorter series for Somerset and Derbyshire."""

import random
from datetime import date, timedelta

from django.utils import timezone

from alwaysevents.audit import audit
from alwaysevents.tenancy import all_organisations

from .models import DataPoint, Measure

JOB = "seed_demo"
FIRST_WEEK = date(2026, 2, 16)
SHIFT_WEEK = date(2026, 7, 13)  # the week after the second ramp's last cycle started


def seed_measures(projects: dict) -> None:
    with all_organisations(reason="the demo seed builds every organisation's measures"):
        if Measure.objects.filter(project=projects["rnoh"]).exists():
            return
        rng = random.Random(40)
        _rnoh(projects["rnoh"], rng)
        _short_series(
            projects["somerset"], rng, "Patients told the plan for going home", weeks=12, low=5, high=8
        )
        _short_series(
            projects["derbyshire"], rng, "Patients who know what happens next", weeks=6, low=4, high=7
        )


def _measure(project, **fields) -> Measure:
    measure = Measure.objects.create(organisation=project.organisation, project=project, **fields)
    audit(system_job=JOB, action="measure.create", obj=measure, changed=list(fields))
    return measure


def _weeks(count: int, first: date = FIRST_WEEK) -> list[date]:
    return [first + timedelta(weeks=week) for week in range(count)]


def _points(measure: Measure, rows: list[tuple[date, int, int | None]]) -> None:
    DataPoint.objects.bulk_create(
        DataPoint(
            organisation=measure.organisation,
            measure=measure,
            period_start=week,
            numerator=numerator,
            denominator=denominator,
        )
        for week, numerator, denominator in rows
    )
    Measure.objects.filter(pk=measure.pk).update(points_changed_at=timezone.now())
    audit(system_job=JOB, action="measure.data_import", obj=measure, changed=["data"])


def _rnoh(project, rng: random.Random) -> None:
    reliability = _measure(
        project,
        name="Families who found their way without asking",
        kind="process",
        is_aim_measure=True,
        numerator="Families who reached children's outpatients without asking for directions",
        denominator="Families asked at the clinic desk",
        inclusions="All families on clinic mornings",
        exclusions="Families brought by hospital transport",
        collection_method="asked_of_patients",
        sampling_rule="10 families a week",
        unit="percent",
        improvement_direction="increase",
        target=90,
        default_chart="xmr",
        starts_on=FIRST_WEEK,
    )
    _points(
        reliability,
        [(week, rng.randint(5, 7) if week < SHIFT_WEEK else rng.randint(8, 10), 10) for week in _weeks(40)],
    )
    experience = _measure(
        project,
        name="Families who felt welcomed",
        kind="outcome",
        numerator="Families answering 'agree' or 'strongly agree' to 'I felt welcomed'",
        denominator="Families answering the question",
        collection_method="asked_of_patients",
        sampling_rule="Every family on one clinic morning a week",
        unit="percent",
        improvement_direction="increase",
        default_chart="run",
        starts_on=FIRST_WEEK,
    )
    _points(
        experience,
        [(week, rng.randint(6, 9) if week < SHIFT_WEEK else rng.randint(8, 11), 12) for week in _weeks(40)],
    )
    balancing = _measure(
        project,
        name="Reception minutes spent giving directions",
        kind="balancing",
        numerator="Minutes the main reception spent giving directions to children's outpatients",
        collection_method="staff_audit",
        sampling_rule="Tuesday morning clinic",
        unit="minutes",
        improvement_direction="decrease",
        default_chart="xmr",
        starts_on=FIRST_WEEK,
    )
    _points(
        balancing,
        [
            (week, rng.randint(35, 50) if week < SHIFT_WEEK else rng.randint(10, 25), None)
            for week in _weeks(40)
        ],
    )


def _short_series(project, rng: random.Random, name: str, *, weeks: int, low: int, high: int) -> None:
    first = date(2026, 11, 16) - timedelta(weeks=weeks - 1)
    measure = _measure(
        project,
        name=name,
        kind="process",
        is_aim_measure=True,
        numerator=name,
        denominator="Patients asked",
        collection_method="staff_audit",
        sampling_rule="10 patients a week",
        unit="percent",
        improvement_direction="increase",
        default_chart="run",
        starts_on=first,
    )
    _points(measure, [(week, rng.randint(low, high), 10) for week in _weeks(weeks, first)])
