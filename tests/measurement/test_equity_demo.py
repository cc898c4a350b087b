"""The demo's measure by population group: South Tyneside's uptake of education and rehabilitation by
deprivation quintile for 60 weeks, whose gap the equity engine finds narrowing after the second ramp of PDSA
cycles, with some small counts in the least deprived quintile for suppression to hide."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command

from accounts.access import Access
from accounts.models import User
from coproduction.models import PdsaCycle, PdsaCyclePartner, Ramp
from measurement.equity import disclosure_for, gap_analysis
from measurement.models import DataPoint, Measure, StratumPoint
from measurement.spc import analyse_gap
from projects.models import Project

pytestmark = pytest.mark.django_db

QUINTILES = ["1", "2", "3", "4", "5"]


@pytest.fixture
def uptake(system_scope):
    call_command("seed_demo")
    project = Project.objects.get(title="Living well with long-term conditions")
    return Measure.objects.get(project=project, is_aim_measure=True)


def _by_quintile(measure) -> dict:
    strata = defaultdict(lambda: {"numerators": [], "denominators": []})
    for row in StratumPoint.objects.filter(measure=measure).order_by("period_start", "stratum"):
        quintile = row.stratum.removeprefix("deprivation=")
        strata[quintile]["numerators"].append(int(row.numerator))
        strata[quintile]["denominators"].append(int(row.denominator))
    return dict(strata)


def test_the_measure_is_broken_down_by_deprivation_for_60_weeks_of_5_quintiles(uptake):
    assert uptake.stratified_by == ["deprivation"] and uptake.gap_as == "difference"
    assert uptake.unit == "percent" and uptake.frequency == "weekly"
    rows = StratumPoint.objects.filter(measure=uptake)
    assert rows.count() == 60 * 5
    assert sorted(set(rows.values_list("stratum", flat=True))) == [f"deprivation={q}" for q in QUINTILES]
    weeks = sorted(set(rows.values_list("period_start", flat=True)))
    assert len(weeks) == 60 and all((b - a).days == 7 for a, b in pairwise(weeks))
    assert weeks[0] == uptake.starts_on


def test_each_weeks_total_is_the_sum_of_its_quintiles(uptake):
    sums = defaultdict(lambda: [0, 0])
    for row in StratumPoint.objects.filter(measure=uptake):
        sums[row.period_start][0] += row.numerator
        sums[row.period_start][1] += row.denominator
    totals = {
        point.period_start: [point.numerator, point.denominator]
        for point in DataPoint.objects.filter(measure=uptake)
    }
    assert totals == dict(sums)


def test_the_engine_finds_the_gap_narrowing_after_the_second_ramp(uptake):
    result = analyse_gap(_by_quintile(uptake), most_deprived="1", least_deprived="5")
    assert result["direction"] == "narrowing", result["finding"]
    second_ramp = Ramp.objects.get(project=uptake.project, title="Peer calls and classes close to home")
    started = PdsaCycle.objects.get(ramp=second_ramp, number=1).starts_on
    week_of_second_ramp = (started - uptake.starts_on).days // 7
    assert 28 <= week_of_second_ramp <= 32
    assert min(result["signal_points"]) >= week_of_second_ramp  # the narrowing follows the ramp
    values = result["values"]
    assert all(value < 0 for value in values[:10])  # the most deprived took up fewer places from the start


def test_some_least_deprived_counts_are_small_enough_to_be_suppressed(uptake):
    least = _by_quintile(uptake)["5"]
    assert 3 <= sum(1 <= count <= 7 for count in least["numerators"]) <= 20
    assert all(8 <= count <= 15 for count in least["denominators"])


def test_south_tyneside_has_two_ramps_the_partners_joining_the_last_cycles(uptake):
    project = uptake.project
    ramps = Ramp.objects.filter(project=project)
    assert ramps.count() == 2
    assert all(PdsaCycle.objects.filter(ramp=ramp).count() == 3 for ramp in ramps)
    attributed = PdsaCyclePartner.objects.filter(project=project).values_list("cycle__starts_on", flat=True)
    assert attributed and all(starts_on >= uptake.starts_on + timedelta(weeks=30) for starts_on in attributed)


def test_the_team_reads_the_measure_and_the_coach_reads_it_as_a_non_team_reader(uptake):
    team = Access.for_user(User.objects.get(email="tyneside@example.org"))
    coach = Access.for_user(User.objects.get(email="coach@example.org"))
    assert team.can_edit_project(uptake.project)
    assert coach.can_read_project(uptake.project) and not coach.can_edit_project(uptake.project)


def test_the_coach_sees_the_gap_narrow_too_with_the_small_counts_weeks_left_out(uptake):
    team, coach = (
        gap_analysis(uptake, disclosure_for(Access.for_user(User.objects.get(email=email)), uptake))
        for email in ("tyneside@example.org", "coach@example.org")
    )
    assert team.left_out == 0 and coach.left_out > 0
    assert team.direction == coach.direction == "narrowing", coach.finding


def test_the_measure_page_renders_for_the_team_and_for_the_coach(uptake, client, settings):
    settings.MFA_REQUIRED_ROLES = []
    for email in ("tyneside@example.org", "coach@example.org"):
        client.force_login(User.objects.get(email=email))
        assert client.get(uptake.get_absolute_url()).status_code == 200, email


def test_seeding_again_adds_nothing(uptake):
    counts = (StratumPoint.objects.count(), DataPoint.objects.count(), Ramp.objects.count())
    call_command("seed_demo")
    assert counts == (StratumPoint.objects.count(), DataPoint.objects.count(), Ramp.objects.count())
