"""Demo measures: the RNOH family of measures with 40 weeks of data whose reliability shifts up after the
second ramp of PDSA cycles (child-height signs, July 2026); shorter series for Somerset and Derbyshire; and
measures recorded per partner site: Greater Manchester's joint reviews at the council's and the agency's
sites, Derbyshire's frailty plans at each Place Alliance; and South Tyneside's uptake of rehabilitation by
deprivation quintile for 60 weeks, whose gap narrows after the second ramp of PDSA cycles."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.tenancy import all_organisations
from demo.coproduction import SOUTH_TYNESIDE_SECOND_RAMP
from measurement.models import DataPoint, Measure
from measurement.services import stratum_points_upsert
from measurement.strata import StratumInput

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


def _points(measure: Measure, rows: list[tuple[date, int, int | None]], site=None) -> None:
    DataPoint.objects.bulk_create(
        DataPoint(
            organisation=measure.organisation,
            measure=measure,
            site=site,
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


JOINT_REVIEWS_FROM = date(2026, 8, 3)  # the first joint-review PDSA cycle


def seed_site_measures(projects: dict, partners: dict) -> None:
    """`partners` are keyed as in demo.seed (project key/organisation key). Runs once."""
    with all_organisations(reason="the demo seed builds the partner sites' measures"):
        manchester = projects["manchester"]
        if Measure.objects.filter(project=manchester).exists():
            return
        rng = random.Random(15)
        joint = _measure(
            manchester,
            name="Reviews held jointly",
            kind="process",
            is_aim_measure=True,
            numerator="Reviews of care at home held jointly by the social worker and the agency",
            denominator="Reviews due that week",
            collection_method="staff_audit",
            sampling_rule="Every review due",
            unit="percent",
            improvement_direction="increase",
            target=80,
            default_chart="run",
            starts_on=date(2026, 6, 15),
            per_site=True,
        )
        for key, due in (("manchester/manchester_council", 12), ("manchester/1-101234567", 9)):
            rows = []
            for week in _weeks(24, date(2026, 6, 15)):
                held = rng.randint(0, 2) if week < JOINT_REVIEWS_FROM else rng.randint(due // 2, due)
                rows.append((week, held, due))
            _points(joint, rows, site=partners[key])
        derbyshire = projects["derbyshire"]
        plans = _measure(
            derbyshire,
            name="People with a frailty plan written with them",
            kind="outcome",
            numerator="People at a first frailty review whose plan they helped write",
            denominator="People at a first frailty review",
            collection_method="asked_of_patients",
            sampling_rule="Every first frailty review",
            unit="percent",
            improvement_direction="increase",
            default_chart="run",
            starts_on=date(2026, 9, 7),
            per_site=True,
        )
        for key, seen in (
            ("derbyshire/U84031", 8),
            ("derbyshire/U34562", 6),
            ("derbyshire/U67018", 5),
        ):
            _points(
                plans,
                [(week, rng.randint(seen // 3, seen), seen) for week in _weeks(10, date(2026, 9, 7))],
                site=partners[key],
            )


UPTAKE_FIRST_WEEK = date(2025, 10, 13)
UPTAKE_WEEKS = 60  # to the week of 30 November 2026
INVITATION_WEEK = date(2026, 3, 2)  # the first ramp: a plain-English invitation for everyone
# IMD quintile (1 = most deprived): people referred a week (low, high); the share taking up a place before the
# ramps; how much of the way the second ramp's peer calls and local classes lift it, once fully running.
UPTAKE_BY_QUINTILE = {
    "1": ((24, 36), 0.34, 0.34),
    "2": ((18, 28), 0.44, 0.22),
    "3": ((14, 22), 0.54, 0.12),
    "4": ((10, 18), 0.62, 0.05),
    "5": ((9, 15), 0.75, 0.0),  # few referrals: some weeks' counts are small enough to be suppressed
}
RAMP_UP_WEEKS = 8  # the peer calls reached the whole borough over two months


def seed_stratified_measures(projects: dict, users: dict) -> None:
    """South Tyneside's aim measure broken down by deprivation quintile, entered through the service every
    entry path uses (so each group's rows are checked and each week's total is their sum) by the project's
    lead. Runs once: a second run finds the project's measure and adds nothing."""
    with all_organisations(reason="the demo seed builds South Tyneside's measure by deprivation quintile"):
        project = projects["south_tyneside"]
        if Measure.objects.filter(project=project).exists():
            return
        uptake = _measure(
            project,
            name="People with long-term conditions taking up education and rehabilitation",
            kind="process",
            is_aim_measure=True,
            numerator="People who started a course of education and rehabilitation for their condition",
            denominator="People referred or offered a place",
            inclusions="Adults with COPD, heart failure or diabetes referred in South Tyneside",
            collection_method="data_extract",
            sampling_rule="Every referral, by the deprivation quintile of the person's postcode",
            unit="percent",
            improvement_direction="increase",
            default_chart="run",
            starts_on=UPTAKE_FIRST_WEEK,
            stratified_by=["deprivation"],
            gap_as="difference",
        )
        stratum_points_upsert(
            access=Access.for_user(users["tyneside@example.org"]),
            measure=uptake,
            points=_uptake_by_quintile(random.Random(8)),
            source="import",
        )


def _uptake_by_quintile(rng: random.Random) -> list[StratumInput]:
    rows = []
    for week in _weeks(UPTAKE_WEEKS, UPTAKE_FIRST_WEEK):
        for quintile, ((low, high), before, reach) in UPTAKE_BY_QUINTILE.items():
            share = before + (0.04 if week >= INVITATION_WEEK else 0)
            if week >= SOUTH_TYNESIDE_SECOND_RAMP:
                running = ((week - SOUTH_TYNESIDE_SECOND_RAMP).days // 7 + 1) / RAMP_UP_WEEKS
                share += reach * min(1, running)
            referred = rng.randint(low, high)
            took_up = sum(rng.random() < share for _ in range(referred))
            rows.append(StratumInput(week, {"deprivation": quintile}, Decimal(took_up), Decimal(referred)))
    return rows
