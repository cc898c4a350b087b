"""The per-measure summary cache: read without touching the points once cached, and refreshed by every
write of the measure's points, marks or definition, because each write gives the measure a new stamp."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import Access
from measurement.aims import aim_facts, measure_summaries
from measurement.analysis import measure_analysis
from measurement.models import Measure
from measurement.points import PointInput
from measurement.services import (
    measure_update,
    period_mark_add,
    period_mark_remove,
    points_upsert,
    tally_add,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]

NEXT_WEEK = date(2026, 3, 30)  # the world's aim measure has 12 weekly points from 5 January


@pytest.fixture
def measure(world):
    return Measure.objects.get(pk=world.records_a.measure.pk)


@pytest.fixture
def team(world):
    return Access.for_user(world.a_member)


def _summary(measure):
    fresh = Measure.objects.get(pk=measure.pk)
    return measure_summaries([fresh])[fresh.pk]


def test_a_cached_summary_is_read_without_loading_points(measure):
    cold = measure_summaries([measure])[measure.pk]
    with CaptureQueriesContext(connection) as context:
        warm = measure_summaries([measure])[measure.pk]
    assert len(context.captured_queries) == 0
    assert warm == cold and cold.points == 12 and cold.latest_value == 80.0
    assert len(cold.recent_values) == len(cold.recent_centre) == 12


def test_it_is_refreshed_after_points_are_added(measure, team):
    before = _summary(measure)
    points_upsert(
        access=team, measure=measure, points=[PointInput(NEXT_WEEK, Decimal(1), Decimal(10))], source="grid"
    )
    after = _summary(measure)
    assert (before.points, after.points) == (12, 13)
    assert after.latest_value == 10.0 and after.latest_start == NEXT_WEEK


def test_it_is_refreshed_after_a_tally(measure, team):
    before = _summary(measure)
    tally_add(access=team, measure=measure, happened=True)
    assert _summary(measure).points == before.points + 1


def test_it_is_refreshed_after_a_rebase_mark_is_set_and_removed(measure, team):
    before = _summary(measure)
    mark = period_mark_add(
        access=team, measure=measure, period_start=date(2026, 3, 9), kind="rebase", reason="New process"
    )
    rebased = _summary(measure)
    assert rebased.recent_centre != before.recent_centre
    period_mark_remove(access=team, measure=measure, mark_id=mark.pk)
    assert _summary(measure).recent_centre == before.recent_centre


def test_it_is_refreshed_after_the_measure_is_edited(measure, team):
    before = _summary(measure)
    measure_update(access=team, measure=measure, expected_version=measure.version, target=Decimal("10.00"))
    after = _summary(measure)
    assert (before.assurance_icon, after.assurance_icon) == ("inconsistent", "pass")


def test_the_aim_facts_follow_the_cache(world, measure, team):
    assert aim_facts([world.project_a])[world.project_a.pk].latest_value == 80.0
    points_upsert(
        access=team, measure=measure, points=[PointInput(NEXT_WEEK, Decimal(3), Decimal(10))], source="api"
    )
    facts = aim_facts([world.project_a])[world.project_a.pk]
    assert facts.latest_value == 30.0 and facts.summary.latest_start == NEXT_WEEK


def test_the_chart_analysis_follows_the_stamp_too(measure, team):
    assert measure_analysis(measure).latest.start == date(2026, 3, 23)
    points_upsert(
        access=team, measure=measure, points=[PointInput(NEXT_WEEK, Decimal(3), Decimal(10))], source="api"
    )
    assert measure_analysis(Measure.objects.get(pk=measure.pk)).latest.start == NEXT_WEEK
