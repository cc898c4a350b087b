"""A project's aim measure broken down by deprivation quintile, with 24 weeks of data whose gap between the
most and least deprived narrows; shared by the dashboards' and the reports' equity tests."""

from datetime import timedelta
from decimal import Decimal

from accounts.access import Access
from alwaysevents.tenancy import all_organisations
from measurement.models import Measure
from measurement.points import current_period
from measurement.services import measure_create, stratum_points_upsert
from measurement.strata import StratumInput

WEEKS = 24
# Quintile 5 has 3 of 11 in this week (counts from 1 to 7 are suppressed): a count no reader outside the
# team may see, nor the others of its week that would let it be worked out.
SMALL_WEEK, SMALL_NUMERATOR, SMALL_DENOMINATOR = WEEKS - 3, 3, 11


def narrowing_rows(
    first_week, *, small_week=SMALL_WEEK, small=(SMALL_NUMERATOR, SMALL_DENOMINATOR)
) -> list[StratumInput]:
    """Quintile 1's uptake climbs towards quintile 5's after week 12: the gap narrows. Quintile 5 has
    `small` (numerator, denominator) in `small_week`, 60 or 61 of 100 otherwise."""
    rows = []
    for index in range(WEEKS):
        week = first_week + timedelta(weeks=index)
        most = 20 + (2 * (index - 11) if index >= 12 else (index % 3))
        least, least_of = small if index == small_week else (60 + index % 2, 100)
        for group, numerator, denominator in (
            ("1", most, 100),
            ("2", 40, 100),
            ("3", 45, 100),
            ("4", 50, 100),
            ("5", least, least_of),
        ):
            rows.append(StratumInput(week, {"deprivation": group}, Decimal(numerator), Decimal(denominator)))
    return rows


def add_stratified_aim(world, project=None, *, member=None) -> Measure:
    """A new aim measure of `project` (project A by default) broken down by deprivation, entered by a team
    member through the API's service, with a gap that narrows."""
    project = project or world.project_a
    access = Access.for_user(member or world.a_member)
    with all_organisations(reason="test set-up"):
        first = current_period(world.records_a.measure) - timedelta(weeks=WEEKS - 1)
        measure = measure_create(
            access=access,
            project=project,
            name="Uptake of rehabilitation",
            numerator="People who started rehabilitation",
            denominator="People referred",
            unit="percent",
            is_aim_measure=True,
            stratified_by=["deprivation"],
            starts_on=first,
        )
        stratum_points_upsert(access=access, measure=measure, points=narrowing_rows(first), source="api")
        measure.refresh_from_db()
    return measure
