"""IHI run-chart rules (SPC.md §2; Perla, Provost & Murray 2011): shift, trend and the exact Swed-Eisenhart
limits for too few or too many runs."""

from collections import Counter
from fractions import Fraction
from itertools import combinations, groupby
from math import comb

import pytest

from measurement.spc import analyse
from measurement.spc.ihi import _runs_frequency, runs_count_limits


def series_from_runs(lengths: list[int], first_side: int = 1) -> list[float]:
    values, side = [], first_side
    for length in lengths:
        values += [float(side)] * length
        side = -side
    return values


def ihi(values, **options):
    return analyse("run", values, **options)["ihi"]


# Swed & Eisenhart (1943) critical values at 5% two-sided (2.5% in each tail), as reprinted in the runs-test
# tables of statistics textbooks: (above, below) -> (largest count of runs that is too few, smallest that is
# too many).
SWED_EISENHART = [((5, 5), (2, 10)), ((10, 10), (6, 16)), ((12, 12), (7, 19)), ((20, 20), (14, 28))]


@pytest.mark.parametrize(("counts", "limits"), SWED_EISENHART)
def test_runs_limits_match_the_swed_eisenhart_tables(counts, limits):
    assert runs_count_limits(*counts) == limits


def brute_force_runs_distribution(above: int, below: int) -> Counter:
    total = above + below
    counts: Counter = Counter()
    for positions in combinations(range(total), above):
        chosen = set(positions)
        counts[len(list(groupby(i in chosen for i in range(total))))] += 1
    return counts


@pytest.mark.parametrize(
    ("above", "below"), [(a, b) for a in range(1, 9) for b in range(1, 9) if a + b <= 14]
)
def test_runs_limits_agree_with_enumerating_every_arrangement(above, below):
    """The closed-form distribution and the 2.5% tails, checked by listing all C(a + b, a) arrangements."""
    distribution = brute_force_runs_distribution(above, below)
    arrangements = comb(above + below, above)
    assert {r: _runs_frequency(above, below, r) for r in distribution} == dict(distribution)
    tail = Fraction(1, 40)
    too_few = [
        r
        for r in distribution
        if Fraction(sum(n for s, n in distribution.items() if s <= r), arrangements) <= tail
    ]
    too_many = [
        r
        for r in distribution
        if Fraction(sum(n for s, n in distribution.items() if s >= r), arrangements) <= tail
    ]
    assert runs_count_limits(above, below) == (
        max(too_few, default=0),
        min(too_many, default=above + below + 1),
    )


def test_runs_limits_are_symmetric_in_above_and_below():
    assert all(runs_count_limits(a, b) == runs_count_limits(b, a) for a in range(1, 30) for b in range(1, 30))


@pytest.mark.parametrize(
    ("run_count", "too_few", "too_many"),
    [(5, True, False), (6, True, False), (7, False, False), (15, False, False), (16, False, True)],
)
def test_too_few_and_too_many_runs_at_and_around_the_limits_for_10_above_and_10_below(
    run_count, too_few, too_many
):
    above_runs, below_runs = (run_count + 1) // 2, run_count // 2
    lengths = []
    for k in range(run_count):
        runs, total = (above_runs, 10) if k % 2 == 0 else (below_runs, 10)
        lengths.append(total // runs + (1 if k // 2 < total % runs else 0))
    values = series_from_runs(lengths)
    assert values.count(1.0) == values.count(-1.0) == 10
    result = ihi(values)
    assert (result["too_few_runs"], result["too_many_runs"]) == (too_few, too_many)


@pytest.mark.parametrize(
    ("values", "shift_points"),
    [
        ([1] * 5 + [-1] * 5 + [1, -1] * 2, []),  # 5 in a row: no shift
        ([1] * 6 + [-1, 1, -1, 1] + [-1] * 5 + [0, 0], [0, 1, 2, 3, 4, 5]),  # 6: a shift
        ([5, 5, 5, 2, 5, 5, 5, 1, 1, 1, 2, 1, 1, 1], [0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13]),
    ],
)
def test_a_shift_is_6_points_on_one_side_and_points_on_the_median_are_skipped(values, shift_points):
    """The median is 0, 0 and 2: in the last series 3 above, one on the median, 3 above is a shift."""
    result = ihi(values)
    assert analyse("run", values)["parts"][0]["centre"] in (0.0, 2.0)
    assert result["shift_points"] == shift_points
    assert result["shift"] is bool(shift_points)


@pytest.mark.parametrize(
    ("values", "trend_points"),
    [
        ([1, 2, 3, 4, 0, 9, 0], []),  # 4 rising points: no trend
        ([1, 2, 3, 4, 5, 0, 9], [0, 1, 2, 3, 4]),  # 5 rising points (4 increases): a trend
        ([9, 7, 5, 3, 1, 9, 0], [0, 1, 2, 3, 4]),  # falling
        ([1, 2, 2, 3, 4, 0, 9], []),  # like values count once: only 4 distinct rising values
        ([1, 2, 2, 3, 4, 5, 0, 9], [0, 1, 2, 3, 4, 5]),  # and they do not break the trend either
        ([3, 3, 4, 5, 6, 7, 7, 0], [1, 2, 3, 4, 5]),  # like values before and after are not part of it
        ([1, 2, 3, 4, 5, 4, 3, 2, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]),  # the peak belongs to both trends
    ],
)
def test_a_trend_is_5_points_going_one_way(values, trend_points):
    result = ihi(values)
    assert result["trend_points"] == trend_points
    assert result["trend"] is bool(trend_points)


def test_missing_and_excluded_points_are_left_out_of_the_ihi_rules():
    values = [1, 2, None, 3, 4, 50, 5, 0, 9, 0]
    assert ihi(values, exclude=[5])["trend_points"] == [0, 1, 3, 4, 6]
    assert ihi(values)["trend_points"] == [0, 1, 3, 4, 5]


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ([9, 0, 9, 0, 9, 1, 2, 3, 4, 5, 0, 9, 0, 9, 0, 9], "trend"),  # 1..5 rises across index 8
        ([0, 0, 0, 9, 9, 9, 9, 9, 9, 0, 0, 0], "shift"),  # six 9s above 4.5 across index 6
    ],
)
def test_the_ihi_rules_never_span_a_rebase(values, rule):
    boundary = 8 if rule == "trend" else 6
    assert ihi(values)[rule] is True
    assert ihi(values, rebase=[boundary])[rule] is False
    assert ihi(values, rebase=[boundary])[f"{rule}_points"] == []


def test_only_a_run_chart_reports_the_ihi_rules():
    assert "ihi" in analyse("run", [1, 2, 3])
    for kind in ("i", "xmr"):
        assert "ihi" not in analyse(kind, [1.0, 2.0, 3.0])
    assert "ihi" not in analyse("p", [1, 2, 3], denominators=[5, 5, 5])
