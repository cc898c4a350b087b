"""Anhøj runs analysis (SPC.md §1): critical values, signal boundaries, centre-line and missing-value rules.

Expected values come from qicharts2: the Appendix 2 table of ``vignettes/qicharts2.Rmd`` as rendered in
``docs/articles/qicharts2.html``, the vignette's worked example (n = 24) and ``R/helper.functions.R``.
"""

from fractions import Fraction
from math import comb

import pytest

from measurement.spc import analyse
from measurement.spc.runs import (
    UsefulPoints,
    anhoej_runs,
    crossings_limit,
    longest_run_limit,
    useful_from_codes,
    useful_points,
)

# qicharts2 Appendix 2, "Critical values for longest run and number of crossings":
# (number of useful observations, upper limit for longest run, lower limit for number of crossings)
APPENDIX_2 = [
    (10, 6, 2), (11, 6, 2), (12, 7, 3), (13, 7, 3), (14, 7, 4), (15, 7, 4), (16, 7, 4), (17, 7, 5),
    (18, 7, 5), (19, 7, 6), (20, 7, 6), (21, 7, 6), (22, 7, 7), (23, 8, 7), (24, 8, 8), (25, 8, 8),
    (26, 8, 8), (27, 8, 9), (28, 8, 9), (29, 8, 10), (30, 8, 10), (31, 8, 11), (32, 8, 11), (33, 8, 11),
    (34, 8, 12), (35, 8, 12), (36, 8, 13), (37, 8, 13), (38, 8, 14), (39, 8, 14), (40, 8, 14), (41, 8, 15),
    (42, 8, 15), (43, 8, 16), (44, 8, 16), (45, 8, 17), (46, 9, 17), (47, 9, 17), (48, 9, 18), (49, 9, 18),
    (50, 9, 19), (51, 9, 19), (52, 9, 20), (53, 9, 20), (54, 9, 21), (55, 9, 21), (56, 9, 21), (57, 9, 22),
    (58, 9, 22), (59, 9, 23), (60, 9, 23), (61, 9, 24), (62, 9, 24), (63, 9, 25), (64, 9, 25), (65, 9, 25),
    (66, 9, 26), (67, 9, 26), (68, 9, 27), (69, 9, 27), (70, 9, 28), (71, 9, 28), (72, 9, 29), (73, 9, 29),
    (74, 9, 29), (75, 9, 30), (76, 9, 30), (77, 9, 31), (78, 9, 31), (79, 9, 32), (80, 9, 32), (81, 9, 33),
    (82, 9, 33), (83, 9, 34), (84, 9, 34), (85, 9, 34), (86, 9, 35), (87, 9, 35), (88, 9, 36), (89, 9, 36),
    (90, 9, 37), (91, 10, 37), (92, 10, 38), (93, 10, 38), (94, 10, 39), (95, 10, 39), (96, 10, 39),
    (97, 10, 40), (98, 10, 40), (99, 10, 41), (100, 10, 41),
]  # fmt: skip


def sides_from_runs(lengths: list[int], first_side: int = 1) -> list[int]:
    sides = []
    side = first_side
    for length in lengths:
        sides += [side] * length
        side = -side
    return sides


def analysed(sides: list[int]):
    return anhoej_runs(useful_from_codes(range(len(sides)), bytes([side + 1 for side in sides])), len(sides))


def even_runs(total: int, count: int) -> list[int]:
    """``count`` run lengths as equal as possible, adding up to ``total``."""
    return [total // count + (1 if k < total % count else 0) for k in range(count)]


@pytest.mark.parametrize(("n_useful", "longest_max", "crossings_min"), APPENDIX_2)
def test_critical_values_match_the_qicharts2_appendix(n_useful, longest_max, crossings_min):
    assert longest_run_limit(n_useful) == longest_max
    assert crossings_limit(n_useful) == crossings_min


@pytest.mark.parametrize(("n_useful", "longest_max", "crossings_min"), APPENDIX_2)
def test_the_run_chart_reports_the_appendix_limits(n_useful, longest_max, crossings_min):
    values = [float(side) for side in sides_from_runs([1] * n_useful)]
    if n_useful % 2:
        values += [0.0, 0.0]  # one more above than below: two points at 0 keep the median there
    part = analyse("run", values)["parts"][0]
    assert (part["n_useful"], part["longest_run_max"], part["n_crossings_min"]) == (
        n_useful,
        longest_max,
        crossings_min,
    )


@pytest.mark.parametrize(
    ("n_useful", "longest_max", "crossings_min"),
    [
        (1, 3, 0), (2, 4, 0), (3, 5, 0), (4, 5, 0), (5, 5, 0), (6, 6, 1),
        (7, 6, 1), (8, 6, 1), (9, 6, 2), (10, 6, 2), (11, 6, 2), (12, 7, 3),
    ],
)  # fmt: skip
def test_short_series_limits_from_spc_md_1_4(n_useful, longest_max, crossings_min):
    assert longest_run_limit(n_useful) == longest_max
    assert crossings_limit(n_useful) == crossings_min


@pytest.mark.parametrize("trials", range(0, 400))
def test_crossings_limit_is_the_exact_binomial_5_percent_quantile(trials):
    """Checked with rational probabilities, independently of the engine's whole-number sums."""
    k = crossings_limit(trials + 1)
    probability_up_to = sum((Fraction(comb(trials, i), 2**trials) for i in range(k + 1)), Fraction(0))
    assert probability_up_to >= Fraction(1, 20)
    assert k == 0 or probability_up_to - Fraction(comb(trials, k), 2**trials) < Fraction(1, 20)


LIMIT_CASES = [(n, lmax, cmin) for n, lmax, cmin in APPENDIX_2 if n in (10, 11, 12, 24, 25, 46, 50, 91, 100)]


@pytest.mark.parametrize(("n_useful", "longest_max", "crossings_min"), LIMIT_CASES)
@pytest.mark.parametrize(("extra", "signal"), [(-1, False), (0, False), (1, True)])
def test_longest_run_at_under_and_over_its_limit(n_useful, longest_max, crossings_min, extra, signal):
    longest = longest_max + extra
    sides = sides_from_runs([longest] + [1] * (n_useful - longest))  # every other run is one point
    result = analysed(sides)
    assert result.longest_run == longest
    assert result.n_crossings >= crossings_min  # so only the longest-run rule is in play
    assert result.signal is signal


@pytest.mark.parametrize(("n_useful", "longest_max", "crossings_min"), LIMIT_CASES)
@pytest.mark.parametrize(("extra", "signal"), [(1, False), (0, False), (-1, True)])
def test_crossings_at_under_and_over_their_limit(n_useful, longest_max, crossings_min, extra, signal):
    crossings = crossings_min + extra
    sides = sides_from_runs(even_runs(n_useful, crossings + 1))
    result = analysed(sides)
    assert result.n_crossings == crossings
    assert result.longest_run <= longest_max  # so only the crossings rule is in play
    assert result.signal is signal


@pytest.mark.parametrize(
    ("runs", "longest_run", "crossings", "signal"),
    [
        # the vignette's n = 24: a run of more than 8, or fewer than 8 crossings, is a signal
        ([2, 8, 2, 1, 2, 1, 2, 1, 2, 1, 2], 8, 10, False),
        ([3, 9, 3, 1, 2, 1, 2, 1, 2], 9, 8, True),
        ([3] * 8, 3, 7, True),
        ([3, 3, 3, 3, 2, 3, 2, 3, 2], 3, 8, False),
    ],
)
def test_worked_example_of_24_points_around_a_median_of_zero(runs, longest_run, crossings, signal):
    sides = sides_from_runs(runs, first_side=-1)
    assert sides.count(1) == sides.count(-1) == 12
    part = analyse("run", [float(side) for side in sides])["parts"][0]
    assert part["centre"] == 0.0
    assert (part["longest_run"], part["n_crossings"], part["runs_signal"]) == (longest_run, crossings, signal)
    assert (part["longest_run_max"], part["n_crossings_min"]) == (8, 8)


@pytest.mark.parametrize(
    ("values", "n_useful", "longest_run", "crossings"),
    [
        ([3, 2, 3, 1, 1], 4, 2, 1),  # above / on / above is one run
        ([3, 2, 1, 3, 3, 1, 1], 6, 2, 3),  # above / on / below is one crossing
        ([3, 3, 2, 2, 2, 1, 1], 4, 2, 1),  # several points on the median in a row
    ],
)
def test_points_on_the_median_neither_break_nor_extend_a_run(values, n_useful, longest_run, crossings):
    part = analyse("run", values)["parts"][0]
    assert part["centre"] == 2.0
    assert part["n_obs"] == len(values)
    assert (part["n_useful"], part["longest_run"], part["n_crossings"]) == (n_useful, longest_run, crossings)


def test_the_median_of_an_even_count_averages_the_two_middle_values():
    part = analyse("run", [1, 2, 3, 10])["parts"][0]
    assert part["centre"] == 2.5
    assert part["n_useful"] == 4


@pytest.mark.parametrize("values", [[5.0] * 9, [None] * 4, [7.0]])
def test_no_useful_points_gives_na_and_no_signal(values):
    part = analyse("run", values)["parts"][0]
    assert part["n_obs"] == len(values)
    assert part["n_useful"] == 0
    assert (part["longest_run"], part["longest_run_max"], part["n_crossings"], part["n_crossings_min"]) == (
        None,
        None,
        None,
        None,
    )
    assert part["runs_signal"] is False


def test_missing_values_count_in_n_obs_but_not_in_n_useful():
    part = analyse("run", [1, None, 3, float("nan"), 1, 3, None])["parts"][0]
    assert part["centre"] == 2.0
    assert (part["n_obs"], part["n_useful"], part["n_crossings"]) == (7, 4, 3)


def test_excluded_points_leave_the_median_and_the_runs_analysis():
    values = [1, 2, 3, 4, 5, 100, 100, 100]
    part = analyse("run", values, exclude=[5, 6, 7])["parts"][0]
    assert part["centre"] == 3.0
    assert (part["n_obs"], part["n_useful"], part["longest_run"]) == (5, 4, 2)
    assert [point["excluded"] for point in analyse("run", values, exclude=[5, 6, 7])["points"]] == [
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


def test_freeze_takes_the_median_from_the_baseline_but_analyses_every_point():
    values = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16]
    part = analyse("run", values, baseline=5)["parts"][0]
    assert part["centre"] == 3.0
    assert (part["n_obs"], part["n_useful"], part["longest_run"], part["longest_run_max"]) == (12, 11, 9, 6)
    assert part["runs_signal"] is True


def test_each_part_has_its_own_median_and_runs_analysis():
    values = [1, 2, 3, 4, 5, 101, 102, 103, 104, 105]
    result = analyse("run", values, rebase=[5])
    assert [(part["start"], part["end"], part["centre"]) for part in result["parts"]] == [
        (0, 5, 3.0),
        (5, 10, 103.0),
    ]
    assert [part["n_useful"] for part in result["parts"]] == [4, 4]
    assert [point["part"] for point in result["points"]] == [0] * 5 + [1] * 5


def test_useful_points_drop_the_centre_and_an_undefined_centre_leaves_none():
    assert useful_points([0, 1, 2, 3], [1.0, 2.0, 3.0, 2.0], 2.0) == UsefulPoints([0, 2], b"\x00\x02")
    assert useful_points([5, 6], [1.0, 3.0], 2.0) == UsefulPoints([5, 6], b"\x00\x02")
    assert useful_points([0, 1], [1.0, 2.0], float("nan")) == UsefulPoints([], b"")
    assert useful_from_codes(range(5), b"\x02\x01\x03\x00\x02") == UsefulPoints([0, 3, 4], b"\x02\x00\x02")


def test_a_long_run_explains_its_points_and_a_lack_of_crossings_explains_the_part():
    sides = sides_from_runs([3, 9, 3, 1, 2, 1, 2, 1, 2], first_side=-1)
    result = analyse("run", [float(side) for side in sides])
    long_run = [point["reason"] for point in result["points"][3:12]]
    assert set(long_run) == {
        "9 points in a row above the median, more than chance alone explains (8 at most): "
        "a sustained improvement"
    }
    assert all(point["reason"] is None for point in result["points"][:3] + result["points"][12:])
    assert result["parts"][0]["reason"] == (
        "A run of 9 points on one side of the median is longer than chance alone explains (8 at most): "
        "the process has probably shifted"
    )
    few_crossings = analyse("run", [float(side) for side in sides_from_runs([4, 4, 4, 4, 4, 4])])
    assert few_crossings["parts"][0]["reason"] == (
        "The line crosses the median only 5 times in 24 points, fewer than chance alone explains "
        "(8 at least): the process has probably shifted"
    )
    assert all(point["reason"] is None for point in few_crossings["points"])
