"""Measures by population group, the core: the programme's dimensions, a measure's breakdown, the one check
of a group's row, atomic saves, and the period's total derived from its groups, never typed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.access import Access
from measurement.models import DataPoint, StratumPoint
from measurement.points import current_period
from measurement.services import (
    PointsRejected,
    measure_create,
    measure_update,
    points_upsert,
    stratum_points_upsert,
    stratum_tally_add,
    tally_add,
)
from measurement.strata import StratumInput, breakdowns, strata_of
from programmes.models import Dimension

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]


def team(world):
    return Access.for_user(world.a_member)


@pytest.fixture
def uptake(world):
    week = current_period(world.records_a.measure)
    return measure_create(
        access=team(world),
        project=world.project_a,
        name="Uptake of rehabilitation",
        numerator="People who started rehabilitation",
        denominator="People referred",
        unit="percent",
        stratified_by=["deprivation"],
        starts_on=week - timedelta(weeks=20),
    )


def row(week, group, numerator, denominator, note=""):
    return StratumInput(week, {"deprivation": group}, Decimal(numerator), Decimal(denominator), note)


def rejected(call) -> list[str]:
    with pytest.raises(PointsRejected) as error:
        call()
    return [str(e) for e in error.value.errors]


def test_every_programme_has_the_seeded_dimensions(world):
    keys = list(Dimension.objects.filter(programme=world.programme).values_list("key", flat=True))
    assert keys == ["deprivation", "age", "sex", "ethnic-group", "conditions", "place"]
    deprivation = Dimension.objects.get(programme=world.programme, key="deprivation")
    assert deprivation.ordered and deprivation.strata[0] == ["1", "1 (most deprived)"]


def test_a_measure_has_a_stratum_per_combination_of_its_groups(world):
    measure = measure_create(
        access=team(world),
        project=world.project_a,
        name="By deprivation and sex",
        numerator="n",
        denominator="d",
        unit="percent",
        stratified_by=["deprivation", "sex"],
        starts_on=current_period(world.records_a.measure),
    )
    strata = strata_of(measure)
    assert len(strata) == 10
    assert strata[0].key == "deprivation=1;sex=female"
    assert strata[0].label == "1 (most deprived), Female"


def test_the_place_dimension_offers_the_places_of_the_projects_system(world):
    measure = measure_create(
        access=team(world),
        project=world.project_a,
        name="By place",
        numerator="n",
        denominator="d",
        unit="percent",
        stratified_by=["place"],
        starts_on=current_period(world.records_a.measure),
    )
    (place,) = breakdowns(measure)
    assert place.groups == ((str(world.place_a.pk), "Alpha Place Alliance"),)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"stratified_by": ["income"]}, "The programme has no breakdown called income"),
        ({"stratified_by": ["sex", "sex"]}, "Choose each breakdown once"),
        ({"stratified_by": ["sex"], "unit": "minutes", "denominator": ""}, "Minutes do not add up"),
        ({"stratified_by": ["sex"], "per_site": True}, "cannot also be broken down by group"),
    ],
)
def test_a_breakdown_the_measure_cannot_have_is_refused(world, fields, message):
    values = {"name": "Refused", "numerator": "n", "denominator": "d", "unit": "percent"}
    with pytest.raises(ValidationError, match=message):
        measure_create(
            access=team(world),
            project=world.project_a,
            starts_on=current_period(world.records_a.measure),
            **{**values, **fields},
        )


def test_the_total_is_the_sum_of_the_groups(world, uptake):
    week = current_period(uptake)
    written = stratum_points_upsert(
        access=team(world),
        measure=uptake,
        points=[row(week, "1", 3, 10, "Ramp 2 started"), row(week, "5", 8, 10)],
        source="grid",
    )
    assert written == 2
    total = DataPoint.objects.get(measure=uptake, period_start=week)
    assert (total.numerator, total.denominator, total.note) == (11, 20, "Ramp 2 started")
    stratum_points_upsert(access=team(world), measure=uptake, points=[row(week, "1", 4, 10)], source="grid")
    total.refresh_from_db()
    assert (total.numerator, total.denominator) == (12, 20)
    assert StratumPoint.objects.filter(measure=uptake).count() == 2


def test_one_bad_row_saves_nothing_and_names_every_problem(world, uptake):
    week = current_period(uptake)
    problems = rejected(
        lambda: stratum_points_upsert(
            access=team(world),
            measure=uptake,
            points=[
                (2, row(week, "1", 3, 10)),
                (3, row(week, "6", 3, 10)),
                (4, row(week, "2", 11, 10)),
                (5, StratumInput(week, {}, Decimal(1), Decimal(2))),
                (6, row(week, "1", 1, 2)),
            ],
            source="import",
        )
    )
    assert problems == [
        "Row 3, deprivation: '6' is not a deprivation quintile (imd): use one of 1, 2, 3, 4, 5",
        "Row 4, numerator: The numerator cannot be more than the denominator",
        "Row 5, deprivation: Choose the deprivation quintile (imd)",
        f"Row 6, period: {week} for 1 (most deprived) is also on row 2",
    ]
    assert not StratumPoint.objects.filter(measure=uptake).exists()
    assert not DataPoint.objects.filter(measure=uptake).exists()


def test_groups_may_be_written_by_their_label(world, uptake):
    week = current_period(uptake)
    point = StratumInput(week, {"deprivation": "5 (Least Deprived)"}, Decimal(2), Decimal(4))
    stratum_points_upsert(access=team(world), measure=uptake, points=[point], source="api")
    assert StratumPoint.objects.get(measure=uptake).stratum == "deprivation=5"


def test_the_total_cannot_be_typed_for_a_measure_by_group(world, uptake):
    from measurement.points import PointInput

    week = current_period(uptake)
    problems = rejected(
        lambda: points_upsert(
            access=team(world),
            measure=uptake,
            points=[PointInput(week, Decimal(1), Decimal(2))],
            source="grid",
        )
    )
    assert problems == [
        "Measure: This measure is broken down by group: enter each group's numbers, and the total is "
        "worked out from them"
    ]
    with pytest.raises(ValidationError, match="broken down by group"):
        tally_add(access=team(world), measure=uptake, happened=True)


def test_the_tally_counts_one_person_of_the_chosen_group(world, uptake):
    for happened in (True, True, False):
        stratum_tally_add(access=team(world), measure=uptake, groups={"deprivation": "1"}, happened=happened)
    point = StratumPoint.objects.get(measure=uptake)
    assert (point.stratum, point.numerator, point.denominator) == ("deprivation=1", 2, 3)
    total = DataPoint.objects.get(measure=uptake)
    assert (total.numerator, total.denominator) == (2, 3)
    with pytest.raises(ValidationError, match="not a deprivation quintile"):
        stratum_tally_add(access=team(world), measure=uptake, groups={"deprivation": "9"}, happened=True)


def test_the_breakdown_is_fixed_once_the_measure_has_data(world, uptake):
    stratum_points_upsert(
        access=team(world), measure=uptake, points=[row(current_period(uptake), "1", 1, 2)], source="grid"
    )
    with pytest.raises(ValidationError, match="breakdown by group cannot change"):
        measure_update(
            access=team(world), measure=uptake, expected_version=uptake.version, stratified_by=["sex"]
        )


def test_readers_who_are_not_the_team_cannot_enter_groups(world, uptake):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        stratum_points_upsert(
            access=Access.for_user(world.a_buddy),
            measure=uptake,
            points=[row(current_period(uptake), "1", 1, 2)],
            source="api",
        )
    assert not StratumPoint.objects.exists()
