"""Stratified analysis (issue 10, item 7): the gap between the most and the least deprived group, whether it
is narrowing (run-chart rules, SPC.md §1), and small-number suppression with secondary suppression.

Every expected value is worked out by hand in the comments; the property tests at the end check the
suppression against an independent exact test of what the shown numbers let a reader derive.
"""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from measurement.spc import SpcInputError, analyse, analyse_gap, gap_series, suppress
from measurement.spc.runs import crossings_limit, longest_run_limit

PROPERTIES = settings(max_examples=200, deadline=None, database=None)


def proportion(numerators, denominators):
    return {"numerators": numerators, "denominators": denominators}


# ---------------------------------------------------------------------------------------------------------
# gap_series

GAP_SERIES = [  # (strata, options, expected gaps)
    pytest.param(
        {
            1: proportion([3, 1, None, 0, 5], [10, 4, 10, 0, 10]),
            3: proportion([9, 9, 9, 9, 9], [10, 10, 10, 10, 10]),  # validated, not compared
            5: proportion([1, 1, 2, 0, 0], [10, 2, 10, 5, 0]),
        },
        {"most_deprived": 1, "least_deprived": 5},
        # 30% - 10%; 25% - 50%; a numerator missing; 0 of 0 for the most deprived; 0 of 0 for the least
        [20.0, -25.0, None, None, None],
        id="difference of proportions in percentage points",
    ),
    pytest.param(
        {
            "most": proportion([3, 1, 0, 2], [10, 4, 10, None]),
            "least": proportion([1, 0, 2, 1], [10, 10, 10, 10]),
        },
        {"gap": "ratio", "most_deprived": "most", "least_deprived": "least"},
        # 30% / 10%; the least deprived at 0% has no ratio; 0% / 20%; a denominator missing
        [3.0, None, 0.0, None],
        id="ratio of proportions",
    ),
    pytest.param(
        {"Q1": [10, 3, None, 0], "Q5": [4, 7, 2, 0]},
        {"measure": "count", "most_deprived": "Q1", "least_deprived": "Q5"},
        [6.0, -4.0, None, 0.0],
        id="difference of counts, strata given as lists",
    ),
    pytest.param(
        {"Q1": {"numerators": [10, 3, 0]}, "Q5": {"numerators": [4, 0, 5]}},
        {"measure": "count", "gap": "ratio", "most_deprived": "Q1", "least_deprived": "Q5"},
        [2.5, None, 0.0],
        id="ratio of counts, strata given as numerators",
    ),
    pytest.param(
        {"Q1": proportion([1, 2], [3, 3]), "Q5": proportion([2, 2], [3, 3])},
        {"most_deprived": "Q5", "least_deprived": "Q1"},
        # (2/3 - 1/3) in one division: 100/3, correctly rounded; equal shares give exactly 0
        [100 / 3, 0.0],
        id="the groups compared either way round",
    ),
    pytest.param(
        {"Q1": proportion([], []), "Q5": proportion([], [])},
        {"most_deprived": "Q1", "least_deprived": "Q5"},
        [],
        id="no periods yet",
    ),
]


@pytest.mark.parametrize(("strata", "options", "expected"), GAP_SERIES)
def test_gap_series(strata, options, expected):
    assert gap_series(strata, **options) == expected


GOOD = {1: proportion([3, 4], [10, 10]), 5: proportion([5, 5], [10, 10])}
COMPARE = {"most_deprived": 1, "least_deprived": 5}

GAP_ERRORS = [  # (strata, options, the argument at fault, the message)
    (
        GOOD,
        {**COMPARE, "measure": "rate"},
        "measure",
        'Unknown measure \'rate\': choose "proportion" or "count".',
    ),
    (GOOD, {**COMPARE, "gap": "log"}, "gap", 'Unknown gap \'log\': choose "difference" or "ratio".'),
    ([1, 2], COMPARE, "strata", "strata must be a mapping of stratum to its data, not list."),
    ({}, COMPARE, "strata", "There are no strata: give the data of at least two groups."),
    (
        GOOD,
        {"most_deprived": 0, "least_deprived": 5},
        "most_deprived",
        "most_deprived is 0, which is not one of the strata (1, 5).",
    ),
    (
        GOOD,
        {"most_deprived": 1, "least_deprived": "5"},
        "least_deprived",
        "least_deprived is '5', which is not one of the strata (1, 5).",
    ),
    (
        GOOD,
        {"most_deprived": 1, "least_deprived": 1},
        "least_deprived",
        "most_deprived and least_deprived are both 1: compare two different groups.",
    ),
    (
        {1: proportion([3, 4], [10, 10]), 5: proportion([5], [10])},
        COMPARE,
        "strata",
        "Stratum 5 has 1 periods but stratum 1 has 2: give every stratum one value per period "
        "(None where it is missing).",
    ),
    (
        {1: proportion([3, 4], [10]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1] has 2 numerators but 1 denominators: give one denominator for each numerator.",
    ),
    (
        {1: {"numerators": [3, 4]}, 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        'strata[1] has no denominators: give {"numerators": [...], "denominators": [...]}.',
    ),
    (
        {1: [3, 4], 5: [5, 5]},
        COMPARE,
        "strata",
        'strata[1] is list: give {"numerators": [...], "denominators": [...]}.',
    ),
    (
        {1: {"numerator": [3, 4], "denominators": [10, 10]}, 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        'strata[1] has an unknown key \'numerator\': give {"numerators": [...], "denominators": [...]}.',
    ),
    (
        GOOD,
        {**COMPARE, "measure": "count"},
        "strata",
        "strata[1] has an unknown key 'denominators': give {\"numerators\": [...]} or a list of counts. "
        'A count measure has no denominators: use measure="proportion" for numerators over denominators.',
    ),
    (
        {1: proportion([3, 4], [10, -4]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['denominators'][1] is -4: a denominator cannot be below zero.",
    ),
    (
        {1: proportion([3, None], [10, -4]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['denominators'][1] is -4: a denominator cannot be below zero.",
    ),
    (
        {1: proportion([3, 4], [10, 10]), 5: proportion([2, 5], [0, 10])},
        COMPARE,
        "strata",
        "strata[5]['denominators'][0] is 0 but its numerator is 2: a denominator must be above zero where "
        "there is a value (0 of 0 means nobody in the group that period).",
    ),
    (
        {1: proportion([3, 11], [10, 10]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['numerators'][1] is 11 but its denominator is only 10: a proportion cannot count more "
        "than its denominator.",
    ),
    (
        {1: proportion([-1, 4], [10, 10]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['numerators'][0] is -1: a count cannot be negative.",
    ),
    (
        {1: [-1, 4], 5: [5, 5]},
        {**COMPARE, "measure": "count"},
        "strata",
        "strata[1]['numerators'][0] is -1: a count cannot be negative.",
    ),
    (
        {1: proportion([3, "4"], [10, 10]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['numerators'][1] is '4', which is not a number: give a number, or None if it is missing.",
    ),
    (
        {1: proportion("3,4", [10, 10]), 5: proportion([5, 5], [10, 10])},
        COMPARE,
        "strata",
        "strata[1]['numerators'] must be a list of numbers, not str.",
    ),
]


@pytest.mark.parametrize(("strata", "options", "field", "message"), GAP_ERRORS)
def test_bad_strata_are_refused_with_a_message(strata, options, field, message):
    with pytest.raises(SpcInputError) as raised:
        gap_series(strata, **options)
    assert (raised.value.field, str(raised.value)) == (field, message)
    assert isinstance(raised.value, ValueError)
    with pytest.raises(SpcInputError) as raised:
        analyse_gap(strata, **options)
    assert (raised.value.field, str(raised.value)) == (field, message)


def test_analyse_gap_needs_a_period():
    with pytest.raises(
        SpcInputError, match=r"^The strata have no periods: give at least one value per stratum\.$"
    ):
        analyse_gap({1: [], 5: []}, measure="count", most_deprived=1, least_deprived=5)


# ---------------------------------------------------------------------------------------------------------
# analyse_gap: is the gap closing?


def count_strata(gaps):
    """Count strata whose difference (most - least) is each of ``gaps``: 100 + gap against 100."""
    return {"most": [None if g is None else 100 + g for g in gaps], "least": [100] * len(gaps)}


def analysed(gaps, **options):
    return analyse_gap(
        count_strata(gaps), measure="count", most_deprived="most", least_deprived="least", **options
    )


# 12 baseline points alternating 12 / 8 (median 10); the pattern ends on the side opposite the run after it
ENDS_ABOVE, ENDS_BELOW = [8, 12] * 6, [12, 8] * 6


def test_the_run_lengths_used_below_sit_at_the_anhoej_limit():
    # 12 baseline points and a run of 6, 7 or 8: 18, 19 or 20 useful points, all with a longest-run limit of 7
    assert [longest_run_limit(n) for n in (18, 19, 20)] == [7, 7, 7]
    assert [crossings_limit(n) for n in (18, 19, 20)] == [5, 6, 6]  # 12 crossings or more: never the cause


def long_run(direction_word, length, where, centre="10", limit=7):
    verdict = {"narrowing": "The gap has narrowed", "widening": "The gap has widened"}[direction_word]
    return (
        f"{verdict}: {length} points in a row {where} the baseline median ({centre}), more than chance alone "
        f"explains ({limit} at most)"
    )


NO_SIGNAL = "No signal: the gap moves as chance alone would explain"

FINDINGS = [  # (gaps, options, direction, finding, signal points)
    # A run below a positive median: towards 0, narrowing; at, under and over the longest-run limit of 7
    (ENDS_ABOVE + [5] * 6, {"baseline": 12}, "no_signal", NO_SIGNAL, []),
    (ENDS_ABOVE + [5] * 7, {"baseline": 12}, "no_signal", NO_SIGNAL, []),
    (
        ENDS_ABOVE + [5] * 8,
        {"baseline": 12},
        "narrowing",
        long_run("narrowing", 8, "below"),
        list(range(12, 20)),
    ),
    # A run above a positive median: away from 0, widening
    (ENDS_BELOW + [15] * 7, {"baseline": 12}, "no_signal", NO_SIGNAL, []),
    (
        ENDS_BELOW + [15] * 8,
        {"baseline": 12},
        "widening",
        long_run("widening", 8, "above"),
        list(range(12, 20)),
    ),
    # A negative gap (the most deprived lower): below the median is wider, above it narrower
    (
        [-12, -8] * 6 + [-15] * 8,
        {"baseline": 12},
        "widening",
        long_run("widening", 8, "below", centre="-10"),
        list(range(12, 20)),
    ),
    (
        [-8, -12] * 6 + [-5] * 8,
        {"baseline": 12},
        "narrowing",
        long_run("narrowing", 8, "above", centre="-10"),
        list(range(12, 20)),
    ),
    # Reversed: below a median of 10, but as far (-10) or further (-12) the other way is no narrowing
    (
        ENDS_ABOVE + [-9] * 8,
        {"baseline": 12},
        "narrowing",
        long_run("narrowing", 8, "below"),
        list(range(12, 20)),
    ),
    (
        ENDS_ABOVE + [-10] * 8,
        {"baseline": 12},
        "widening",
        long_run("widening", 8, "below"),
        list(range(12, 20)),
    ),
    (
        ENDS_ABOVE + [-12] * 8,
        {"baseline": 12},
        "widening",
        long_run("widening", 8, "below"),
        list(range(12, 20)),
    ),
    # Only the crossings rule: 4 runs of 5 cross the median 3 times in 20 points (6 at least), longest 5 <= 7
    (
        [12] * 5 + [8] * 5 + [12] * 5 + [8] * 5,
        {},
        "narrowing",
        "The gap has narrowed: it crosses the median (10) only 3 times in 20 points, fewer than chance alone "
        "explains (6 at least), and its latest 5 points are below it",
        list(range(15, 20)),
    ),
    (
        [8] * 6 + [12] * 6,  # 12 points: longest run 6 <= 7, 1 crossing < 3
        {},
        "widening",
        "The gap has widened: it crosses the median (10) only once in 12 points, fewer than chance alone "
        "explains (3 at least), and its latest 6 points are above it",
        list(range(6, 12)),
    ),
    # The long run is in the past and the latest points are on the other side of the median: a wide run then
    # is a narrower gap now, and a narrow run then a wider gap now (not the run's own side)
    (
        [20] * 9 + [9, 5] * 6,
        {},
        "narrowing",
        "The gap has narrowed: after 9 points in a row above the median (9), more than chance alone explains "
        "(7 at most), its latest 6 points are below it",
        list(range(9)),
    ),
    (
        [2] * 9 + [9, 13] * 6,
        {},
        "widening",
        "The gap has widened: after 9 points in a row below the median (9), more than chance alone explains "
        "(7 at most), its latest 6 points are above it",
        list(range(9)),
    ),
    # The long run in the past, the latest points back on its side: judged by that run, as before
    (
        [20] * 9 + [9, 5] * 6 + [20],
        {},
        "widening",
        "The gap has widened: 9 points in a row above the median (9), more than chance alone explains "
        "(7 at most)",
        list(range(9)),
    ),
    # Nothing but chance
    ([8, 12] * 10, {}, "no_signal", NO_SIGNAL, []),
    # Too few points: 9 values is under the minimum of 10, 10 is at it
    (
        [12, 8] * 2 + [5] * 5,
        {"baseline": 4},
        "too_few_points",
        "Too few points to tell: the gap has 9 values, and run-chart rules need at least 10",
        [],
    ),
    (
        [12, 8] * 2 + [5] * 6,  # n = 10, limit 6: a run of 7 (the last 8 and the six 5s)
        {"baseline": 4},
        "narrowing",
        long_run("narrowing", 7, "below", limit=6),
        list(range(3, 10)),
    ),
    (
        [8, 12] * 5 + [None, None],
        {},
        "no_signal",
        NO_SIGNAL,
        [],
    ),
    (
        [8, 12] * 5 + [None] * 3,
        {"exclude": [0]},
        "too_few_points",
        "Too few points to tell: the gap has 9 values, and run-chart rules need at least 10",
        [],
    ),
    (
        [None],
        {},
        "too_few_points",
        "Too few points to tell: the gap has 0 values, and run-chart rules need at least 10",
        [],
    ),
    # The finding is about the latest part; the baseline is ignored when there are parts, as in qicharts2
    (
        [8, 12] * 10 + [8, 12, 8, 12, 8],
        {"rebase": [20], "baseline": 12},
        "too_few_points",
        "Too few points to tell: the gap has 5 values since the last rebase, and run-chart rules need at "
        "least 10",
        [],
    ),
    (
        [5] * 10 + [12] * 5 + [8] * 5 + [12] * 5 + [8] * 5,
        {"rebase": [10], "baseline": 12},
        "narrowing",
        "The gap has narrowed: it crosses the median (10) only 3 times in 20 points, fewer than chance alone "
        "explains (6 at least), and its latest 5 points are below it",
        list(range(25, 30)),
    ),
]


@pytest.mark.parametrize(("gaps", "options", "direction", "finding", "signal_points"), FINDINGS)
def test_the_gap_finding(gaps, options, direction, finding, signal_points):
    result = analysed(gaps, **options)
    assert (result["direction"], result["finding"], result["signal_points"]) == (
        direction,
        finding,
        signal_points,
    )


def test_a_gap_of_proportions_in_percentage_points():
    # The least deprived at 50%; the most deprived at 42% / 38% for 12 weeks (gap -8 / -12, median -10),
    # then 45% for 8 weeks (gap -5): nearer equality
    most = [42, 38] * 6 + [45] * 8
    strata = {
        1: proportion(most, [100] * 20),
        3: proportion([47] * 20, [100] * 20),
        5: proportion([50] * 20, [100] * 20),
    }
    result = analyse_gap(strata, most_deprived=1, least_deprived=5, baseline=12)
    assert result == {
        "measure": "proportion",
        "gap": "difference",
        "most_deprived": 1,
        "least_deprived": 5,
        "unit": "percentage points",
        "equality": 0.0,
        "values": [-8.0, -12.0] * 6 + [-5.0] * 8,
        "run_chart": analyse("run", [-8.0, -12.0] * 6 + [-5.0] * 8, baseline=12),
        "direction": "narrowing",
        "finding": "The gap has narrowed: 8 points in a row above the baseline median (-10.0 percentage "
        "points), more than chance alone explains (7 at most)",
        "signal_points": list(range(12, 20)),
    }
    assert result["run_chart"]["parts"][0]["centre"] == -10.0
    assert json.loads(json.dumps(result, allow_nan=False)) == {**result, "most_deprived": 1}


@pytest.mark.parametrize(
    ("late_numerator", "direction", "verdict"),
    [
        (32, "narrowing", "The gap has narrowed"),  # 32% / 40% = 0.8: |log 0.8| < |log 0.5|
        (100, "widening", "The gap has widened"),  # 100% / 40% = 2.5: reversed, and further from 1 than 0.5
    ],
)
def test_a_ratio_gap_is_judged_by_its_distance_from_one(late_numerator, direction, verdict):
    # The least deprived at 40%; the most deprived at 18% / 22% (ratio 0.55 / 0.45, median 0.5), then above
    most = [22, 18] * 6 + [late_numerator] * 8
    strata = {"Q1": proportion(most, [100] * 20), "Q5": proportion([40] * 20, [100] * 20)}
    result = analyse_gap(strata, gap="ratio", most_deprived="Q1", least_deprived="Q5", baseline=12)
    assert result["unit"] == "ratio"
    assert result["equality"] == 1.0
    assert result["values"][:2] == [0.55, 0.45]
    assert (result["direction"], result["finding"]) == (
        direction,
        f"{verdict}: 8 points in a row above the baseline median (a ratio of 0.50), more than chance alone "
        "explains (7 at most)",
    )


def test_analyse_gap_passes_the_engine_options_through():
    gaps = ENDS_ABOVE + [5] * 8
    for options in ({}, {"baseline": 12}, {"rebase": [12]}, {"exclude": [3, 4]}):
        assert analysed(gaps, **options)["run_chart"] == analyse("run", [float(g) for g in gaps], **options)
    with pytest.raises(SpcInputError, match=r"^rebase contains 20, which is out of range"):
        analysed(gaps, rebase=[20])


# ---------------------------------------------------------------------------------------------------------
# suppress: one-dimensional tables (a count per stratum, and their total)


def one_d(cells, total, suppressed, threshold=7, derivable=()):
    return {
        "threshold": threshold,
        "cells": cells,
        "total": total,
        "suppressed": [{"row": row, "reason": reason} for row, reason in suppressed],
        "derivable": [{"row": row} for row in derivable],
    }


SUPPRESS_1D = [  # (table, options, expected)
    pytest.param(
        {"Q1": 5, "Q2": 20, "Q3": 30, "Q4": 40, "Q5": 50},
        {},
        one_d(
            {"Q1": None, "Q2": None, "Q3": 30, "Q4": 40, "Q5": 50},
            145,
            [("Q1", "primary"), ("Q2", "secondary")],
        ),
        id="one cell small with the total shown: the next smallest goes too",
    ),
    pytest.param(
        {"Q1": 3, "Q2": 2, "Q3": 6, "Q4": 1, "Q5": 7},
        {},
        one_d(
            dict.fromkeys(["Q1", "Q2", "Q3", "Q4", "Q5"]),
            19,
            [("Q1", "primary"), ("Q2", "primary"), ("Q3", "primary"), ("Q4", "primary"), ("Q5", "primary")],
        ),
        id="every cell small, the total above the threshold",
    ),
    pytest.param(
        {"Q1": 1, "Q2": 2, "Q3": 3},
        {},
        one_d(
            dict.fromkeys(["Q1", "Q2", "Q3"]),
            None,
            [("Q1", "primary"), ("Q2", "primary"), ("Q3", "primary"), (None, "primary")],
        ),
        id="every cell small and the total too",
    ),
    pytest.param(
        {"Q1": 0, "Q2": 0, "Q3": 0},
        {},
        one_d({"Q1": 0, "Q2": 0, "Q3": 0}, 0, []),
        id="zero counts are shown",
    ),
    pytest.param(
        {"Q1": 0, "Q2": 5, "Q3": 30, "Q4": 0},
        {},
        one_d({"Q1": 0, "Q2": None, "Q3": None, "Q4": 0}, 35, [("Q2", "primary"), ("Q3", "secondary")]),
        id="zeros are passed over for the next smallest non-zero cell",
    ),
    pytest.param(
        {"Q1": 0, "Q2": 5, "Q3": 0},
        {},
        one_d({"Q1": 0, "Q2": None, "Q3": 0}, None, [("Q2", "primary"), (None, "primary")]),
        id="one small count among zeros: the total is as small",
    ),
    pytest.param(
        {"Q1": 4},
        {},
        one_d({"Q1": None}, None, [("Q1", "primary"), (None, "primary")]),
        id="a single-cell group, small",
    ),
    pytest.param({"Q1": 40}, {}, one_d({"Q1": 40}, 40, []), id="a single-cell group, large"),
    # The threshold: 7 is at it, 8 over it; 1 is the smallest count suppressed
    pytest.param(
        {"Q1": 7, "Q2": 8, "Q3": 100},
        {},
        one_d({"Q1": None, "Q2": None, "Q3": 100}, 115, [("Q1", "primary"), ("Q2", "secondary")]),
        id="a count at the threshold",
    ),
    pytest.param(
        {"Q1": 7, "Q2": 8, "Q3": 100},
        {"threshold": 6},
        one_d({"Q1": 7, "Q2": 8, "Q3": 100}, 115, [], threshold=6),
        id="a count one over a lower threshold",
    ),
    pytest.param(
        {"Q1": 7, "Q2": 8, "Q3": 100},
        {"threshold": 8},
        one_d({"Q1": None, "Q2": None, "Q3": 100}, 115, [("Q1", "primary"), ("Q2", "primary")], threshold=8),
        id="both under a higher threshold: no secondary needed",
    ),
    pytest.param(
        {"Q1": 1, "Q2": 100, "Q3": 100},
        {},
        one_d({"Q1": None, "Q2": None, "Q3": 100}, 201, [("Q1", "primary"), ("Q2", "secondary")]),
        id="a count of 1, and a tie broken by table order",
    ),
    pytest.param(
        {"Q1": 1, "Q2": 100},
        {"threshold": 0},
        one_d({"Q1": 1, "Q2": 100}, 101, [], threshold=0),
        id="threshold 0 suppresses nothing",
    ),
    # Missing counts and totals that are public or not shown
    pytest.param(
        {"Q1": None, "Q2": 5, "Q3": 30},
        {},
        one_d({"Q1": None, "Q2": None, "Q3": None}, 35, [("Q2", "primary"), ("Q3", "secondary")]),
        id="a missing count is neither suppressed nor counted",
    ),
    pytest.param(
        {"Q1": 5, "Q2": 20},
        {"column_totals": "none"},
        one_d({"Q1": None, "Q2": 20}, None, [("Q1", "primary")]),
        id="no total shown: nothing to derive from",
    ),
    pytest.param(
        {"Q1": 5, "Q2": 6, "Q3": 30},
        {"column_totals": "public"},
        one_d({"Q1": None, "Q2": None, "Q3": 30}, 41, [("Q1", "primary"), ("Q2", "primary")]),
        id="a public total is never suppressed, even when small",
    ),
    pytest.param(
        {"Q1": 5, "Q2": 0},
        {"column_totals": "public"},
        one_d({"Q1": None, "Q2": None}, 5, [("Q1", "primary"), ("Q2", "secondary")]),
        id="a public total and only a zero left: the zero is hidden as a last resort",
    ),
    pytest.param(
        {"Q1": 5},
        {"column_totals": "public"},
        one_d({"Q1": None}, 5, [("Q1", "primary")], derivable=["Q1"]),
        id="a public total of one stratum: the count cannot be protected, and the result says so",
    ),
    pytest.param(
        {"Q1": 5.0, "Q2": Decimal(20), "Q3": 30},
        {},
        one_d({"Q1": None, "Q2": None, "Q3": 30}, 55, [("Q1", "primary"), ("Q2", "secondary")]),
        id="whole numbers of any type",
    ),
]


@pytest.mark.parametrize(("table", "options", "expected"), SUPPRESS_1D)
def test_suppress_one_dimensional(table, options, expected):
    assert suppress(table, **options) == expected


# ---------------------------------------------------------------------------------------------------------
# suppress: two-dimensional tables (strata x periods or cells), with row, column and grand totals


def two_d(cells, row_totals, column_totals, grand_total, suppressed, derivable=(), threshold=7):
    return {
        "threshold": threshold,
        "cells": cells,
        "row_totals": row_totals,
        "column_totals": column_totals,
        "grand_total": grand_total,
        "suppressed": [
            {"row": row, "column": column, "reason": reason} for row, column, reason in suppressed
        ],
        "derivable": [{"row": row, "column": column} for row, column in derivable],
    }


SUPPRESS_2D = [
    pytest.param(
        # A 2x2 table of cells: A0 = 5 is small. Row A hides A1; column 0 hides B0; column 1 has only a zero
        # left, so its total goes; then row B (B0 hidden, B1 zero) hides its total, the row totals hide A's,
        # the column totals hide column 0's. Only the zero and the grand total are left.
        {"A": [5, 20], "B": [12, 0]},
        {},
        two_d(
            {"A": [None, None], "B": [None, 0]},
            {"A": None, "B": None},
            [None, None],
            37,
            [
                ("A", 0, "primary"),
                ("A", 1, "secondary"),
                ("B", 0, "secondary"),
                ("A", None, "secondary"),
                ("B", None, "secondary"),
                (None, 0, "secondary"),
                (None, 1, "secondary"),
            ],
        ),
        id="secondary suppression propagates through rows, columns and totals",
    ),
    pytest.param(
        # Two small cells in different rows and columns: the rectangle they make with Q1[2] and Q3[0] hides
        # two counts in each of its rows and columns (the plain "next smallest" rule would hide 7 of 9).
        {"Q1": [3, 40, 50], "Q2": [30, 45, 60], "Q3": [35, 50, 4]},
        {},
        two_d(
            {"Q1": [None, 40, None], "Q2": [30, 45, 60], "Q3": [None, 50, None]},
            {"Q1": 93, "Q2": 135, "Q3": 89},
            [68, 135, 114],
            317,
            [("Q1", 0, "primary"), ("Q1", 2, "secondary"), ("Q3", 0, "secondary"), ("Q3", 2, "primary")],
        ),
        id="a cell that protects two groups is preferred",
    ),
    pytest.param(
        {"Q1": {"18-64": 5, "65+": 30}, "Q2": {"18-64": 12, "65+": 40}},
        {},
        two_d(
            {"Q1": {"18-64": None, "65+": None}, "Q2": {"18-64": None, "65+": None}},
            {"Q1": 35, "Q2": 52},
            {"18-64": 17, "65+": 70},
            87,
            [
                ("Q1", "18-64", "primary"),
                ("Q1", "65+", "secondary"),
                ("Q2", "18-64", "secondary"),
                ("Q2", "65+", "secondary"),
            ],
        ),
        id="keyed columns: a 2x2 table with its margins hides all four cells",
    ),
    pytest.param(
        # One column: each cell is its row's total. A's cell and total are small; column 0 then hides B0 and
        # the row totals hide B's, so the shown 35 = A + B cannot be split.
        {"A": [5], "B": [30]},
        {},
        two_d(
            {"A": [None], "B": [None]},
            {"A": None, "B": None},
            [35],
            35,
            [("A", 0, "primary"), ("B", 0, "secondary"), ("A", None, "primary"), ("B", None, "secondary")],
        ),
        id="a single-column table",
    ),
    pytest.param(
        {"A": [5, 20], "B": [30, 40]},
        {"row_totals": "none"},
        two_d(
            {"A": [None, 20], "B": [None, 40]},
            None,
            [35, 60],
            95,
            [("A", 0, "primary"), ("B", 0, "secondary")],
        ),
        id="column totals only",
    ),
    pytest.param(
        {"A": [5, 20], "B": [30, 40]},
        {"row_totals": "none", "column_totals": "none"},
        two_d({"A": [None, 20], "B": [30, 40]}, None, None, None, [("A", 0, "primary")]),
        id="no totals: primary suppression only",
    ),
    pytest.param(
        {"A": {"x": 40, "y": 9}, "B": {"x": 5, "y": 50}},
        {"row_totals": "public", "column_totals": "public"},
        two_d(
            {"A": {"x": None, "y": None}, "B": {"x": None, "y": None}},
            {"A": 49, "B": 55},
            {"x": 45, "y": 59},
            104,
            [
                ("A", "x", "secondary"),
                ("A", "y", "secondary"),
                ("B", "x", "primary"),
                ("B", "y", "secondary"),
            ],
        ),
        id="public totals are kept and the cells protect each other",
    ),
    pytest.param(
        # Public totals 4 and 50 on both sides: A0 = 4 is protected by hiding the zeros and B1 with it (the
        # four cells then have one degree of freedom), zeros being a last resort
        {"A": [4, 0], "B": [0, 50]},
        {"row_totals": "public", "column_totals": "public"},
        two_d(
            {"A": [None, None], "B": [None, None]},
            {"A": 4, "B": 50},
            [4, 50],
            54,
            [("A", 0, "primary"), ("A", 1, "secondary"), ("B", 0, "secondary"), ("B", 1, "secondary")],
        ),
        id="public totals: zeros hidden as a last resort",
    ),
    pytest.param(
        {"A": [4], "B": [50]},
        {"row_totals": "public", "column_totals": "public"},
        two_d(
            {"A": [None], "B": [50]},
            {"A": 4, "B": 50},
            [54],
            54,
            [("A", 0, "primary")],
            derivable=[("A", 0)],
        ),
        id="a public total that gives a count away: reported as derivable",
    ),
    pytest.param(
        # Rows 1-2 x columns 0-1 and rows 3-4 x columns 2-3 are all small, and so is r2[2]. Every row and
        # column hides two counts or more, yet r2[2] can be worked out: row 2 gives r2[0] + r2[1] + r2[2] =
        # 15, and rows/columns 1-2 give r2[0] + r2[1] = 6 + 8 - 5 = 9. The exact check hides r1[2] (50, the
        # cheapest count that closes a cycle through it).
        {"r1": [2, 3, 50, 60], "r2": [4, 5, 6, 70], "r3": [80, 90, 2, 3], "r4": [85, 95, 4, 5]},
        {},
        two_d(
            {
                "r1": [None, None, None, 60],
                "r2": [None, None, None, 70],
                "r3": [80, 90, None, None],
                "r4": [85, 95, None, None],
            },
            {"r1": 115, "r2": 85, "r3": 175, "r4": 189},
            [171, 193, 62, 138],
            564,
            [
                ("r1", 0, "primary"),
                ("r1", 1, "primary"),
                ("r1", 2, "secondary"),
                ("r2", 0, "primary"),
                ("r2", 1, "primary"),
                ("r2", 2, "primary"),
                ("r3", 2, "primary"),
                ("r3", 3, "primary"),
                ("r4", 2, "primary"),
                ("r4", 3, "primary"),
            ],
        ),
        id="a count derivable across groups is found and protected",
    ),
]


@pytest.mark.parametrize(("table", "options", "expected"), SUPPRESS_2D)
def test_suppress_two_dimensional(table, options, expected):
    assert suppress(table, **options) == expected


SUPPRESS_ERRORS = [  # (table, options, the argument at fault, the message)
    ([5, 20], {}, "table", "table must be a mapping of stratum to counts, not list."),
    ({}, {}, "table", "The table has no strata: give at least one row of counts."),
    ({"Q1": -1, "Q2": 20}, {}, "table", "table['Q1'] is -1: a count cannot be negative."),
    ({"Q1": 2.5}, {}, "table", "table['Q1'] is 2.5: a count must be a whole number (0, 1, 2, ...)."),
    ({"Q1": [1, 2.5]}, {}, "table", "table['Q1'][1] is 2.5: a count must be a whole number (0, 1, 2, ...)."),
    ({"Q1": {"a": -3.0}}, {}, "table", "table['Q1']['a'] is -3.0: a count cannot be negative."),
    ({"Q1": float("nan")}, {}, "table", "table['Q1'] is nan: a count must be a whole number (0, 1, 2, ...)."),
    (
        {"Q1": "3"},
        {},
        "table",
        "table['Q1'] is '3', which is not a count: give a whole number, or None if it is missing.",
    ),
    (
        {"Q1": True},
        {},
        "table",
        "table['Q1'] is True, which is not a count: give a whole number, or None if it is missing.",
    ),
    (
        {"Q1": [1, 2], "Q2": [1]},
        {},
        "table",
        "table['Q2'] has 1 counts but table['Q1'] has 2: give every stratum a count for each column "
        "(None where it is missing).",
    ),
    (
        {"Q1": {"a": 1, "b": 2}, "Q2": {"b": 2, "a": 1}},
        {},
        "table",
        "table['Q2'] has columns ['b', 'a'] but table['Q1'] has ['a', 'b']: give every stratum a count for "
        "each column, in the same order.",
    ),
    (
        {"Q1": [1, 2], "Q2": 3},
        {},
        "table",
        "table['Q2'] is int but table['Q1'] is list: give every row the same shape.",
    ),
    (
        {"Q1": 3, "Q2": [1]},
        {},
        "table",
        "table['Q2'] is a list but table['Q1'] is one count: give every row the same shape.",
    ),
    ({"Q1": []}, {}, "table", "table['Q1'] has no counts: give at least one column."),
    ({None: 3}, {}, "table", "A stratum key is None: give every row a key (None marks a total)."),
    ({"Q1": {None: 3}}, {}, "table", "A column key is None: give every column a key (None marks a total)."),
    (
        {"Q1": 3},
        {"threshold": -1},
        "threshold",
        "The threshold is -1: give a whole number of 0 or more (0 suppresses nothing).",
    ),
    (
        {"Q1": 3},
        {"threshold": 7.5},
        "threshold",
        "The threshold is 7.5: give a whole number of 0 or more (0 suppresses nothing).",
    ),
    (
        {"Q1": 3},
        {"threshold": True},
        "threshold",
        "The threshold is True: give a whole number of 0 or more (0 suppresses nothing).",
    ),
    (
        {"Q1": 3},
        {"row_totals": "yes"},
        "row_totals",
        'row_totals is \'yes\': choose "shown", "public" or "none".',
    ),
    (
        {"Q1": 3},
        {"column_totals": False},
        "column_totals",
        'column_totals is False: choose "shown", "public" or "none".',
    ),
]


@pytest.mark.parametrize(("table", "options", "field", "message"), SUPPRESS_ERRORS)
def test_bad_tables_are_refused_with_a_message(table, options, field, message):
    with pytest.raises(SpcInputError) as raised:
        suppress(table, **options)
    assert (raised.value.field, str(raised.value)) == (field, message)


# ---------------------------------------------------------------------------------------------------------
# Properties


@st.composite
def tables(draw):
    """A 1-D or 2-D table of counts: zeros, small and large counts, the odd missing one."""
    count = st.one_of(
        st.just(0), st.integers(1, 9), st.integers(1, 9), st.integers(10, 60), st.integers(10, 60), st.none()
    )
    rows = [f"Q{i}" for i in range(1, draw(st.integers(1, 4)) + 1)]
    shape = draw(st.sampled_from(["1-D", "positional", "keyed"]))
    if shape == "1-D":
        table = {row: draw(count) for row in rows}
    else:
        columns = draw(st.integers(1, 4))
        table = {row: [draw(count) for _ in range(columns)] for row in rows}
        if shape == "keyed":
            table = {row: {f"c{j}": value for j, value in enumerate(values)} for row, values in table.items()}
    options = {
        "threshold": draw(st.integers(0, 9)),
        "row_totals": draw(st.sampled_from(["shown", "public", "none"])),
        "column_totals": draw(st.sampled_from(["shown", "public", "none"])),
    }
    return table, options


def entries_and_equations(table, options):
    """The table's counts by address and the equations a reader knows hold between them, built from the
    table's meaning alone (not from the module)."""
    one_d = not isinstance(next(iter(table.values())), dict | list)
    grid = {
        row: ({None: v} if one_d else dict(enumerate(v)) if isinstance(v, list) else v)
        for row, v in table.items()
    }
    rows = list(grid)
    columns = list(next(iter(grid.values())))
    value = {}
    for row in rows:
        for column in columns:
            if grid[row][column] is not None:
                value[row, column] = grid[row][column]
    equations = []  # (cells, total): sum(cells) == total
    row_totals = "none" if one_d else options["row_totals"]
    column_totals = options["column_totals"]
    if one_d:
        if column_totals != "none":
            value[None, None] = sum(value.get((r, None), 0) for r in rows)
            equations.append(([(r, None) for r in rows], (None, None)))
        return value, equations
    if row_totals != "none":
        for row in rows:
            value[row, None] = sum(value.get((row, c), 0) for c in columns)
            equations.append(([(row, c) for c in columns], (row, None)))
    if column_totals != "none":
        for column in columns:
            value[None, column] = sum(value.get((r, column), 0) for r in rows)
            equations.append(([(r, column) for r in rows], (None, column)))
    if row_totals != "none" or column_totals != "none":
        value[None, None] = sum(value.get((r, c), 0) for r in rows for c in columns)
        if row_totals != "none":
            equations.append(([(r, None) for r in rows], (None, None)))
        if column_totals != "none":
            equations.append(([(None, c) for c in columns], (None, None)))
    return value, equations


def rank(matrix):
    rows = [list(map(Fraction, row)) for row in matrix]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column]:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def derivable(hidden, equations):
    """The hidden counts fixed by the equations once every shown count is known: a hidden count is fixed
    exactly when its column of the system is not in the span of the other hidden counts' columns."""
    order = sorted(hidden, key=repr)
    matrix = [
        [(1 if address in cells else 0) - (1 if address == total else 0) for address in order]
        for cells, total in equations
    ]
    full = rank(matrix)
    return {
        address
        for position, address in enumerate(order)
        if full == rank([row[:position] + row[position + 1 :] for row in matrix]) + 1
    }


def addresses(entries, one_d):
    return {(entry["row"], None if one_d else entry["column"]) for entry in entries}


@PROPERTIES
@given(tables())
def test_suppression_hides_every_small_count_and_leaves_none_derivable(case):
    table, options = case
    result = suppress(table, **options)
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    one_d = "total" in result
    value, equations = entries_and_equations(table, options)
    hidden = addresses(result["suppressed"], one_d)
    public_totals = {key for key in ("row_totals", "column_totals") if options[key] == "public"}

    def public(address):
        row, column = address
        if one_d:
            return row is None and "column_totals" in public_totals
        if row is None and column is None:
            return bool(public_totals)
        return (column is None and "row_totals" in public_totals) or (
            row is None and "column_totals" in public_totals
        )

    primary = {a for a, count in value.items() if 1 <= count <= options["threshold"] and not public(a)}
    assert {a for a in hidden if (a[0], a[1]) in primary} == primary
    assert addresses([e for e in result["suppressed"] if e["reason"] == "primary"], one_d) == primary
    assert hidden <= set(value)
    assert not any(public(a) for a in hidden)

    # What is shown is the truth; what is hidden is not in the result
    def shown(address):
        row, column = address
        if one_d:
            return result["total"] if row is None else result["cells"][row]
        if row is None and column is None:
            return result["grand_total"]
        if row is None:
            return result["column_totals"][column]
        if column is None:
            return result["row_totals"][row]
        return result["cells"][row][column]

    for address, count in value.items():
        assert shown(address) == (None if address in hidden else count)
    # No hidden count can be worked out, except those the result itself reports as derivable
    assert derivable(hidden, equations) == addresses(result["derivable"], one_d)
    if not public_totals:
        assert result["derivable"] == []


@PROPERTIES
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)), max_size=30
    )
)
def test_swapping_the_groups_negates_the_difference_and_keeps_the_direction(periods):
    strata = {
        "a": proportion([min(n, d) for n, d, _, _ in periods], [d for _, d, _, _ in periods]),
        "b": proportion([min(n, d) for _, _, n, d in periods], [d for _, _, _, d in periods]),
    }
    one_way = gap_series(strata, most_deprived="a", least_deprived="b")
    other_way = gap_series(strata, most_deprived="b", least_deprived="a")
    assert other_way == [None if g is None else -g for g in one_way]
    for g, (_, d_a, _, d_b) in zip(one_way, periods, strict=True):
        assert (g is None) == (d_a == 0 or d_b == 0)
    if periods:
        first = analyse_gap(strata, most_deprived="a", least_deprived="b")
        second = analyse_gap(strata, most_deprived="b", least_deprived="a")
        assert first["direction"] == second["direction"]
        assert first["signal_points"] == second["signal_points"]
        assert json.loads(json.dumps(first, allow_nan=False)) == first


@PROPERTIES
@given(
    st.lists(st.one_of(st.none(), st.integers(-20, 20)), min_size=1, max_size=40),
    st.one_of(st.none(), st.integers(1, 12)),
)
def test_the_direction_follows_the_run_chart(gaps, baseline):
    result = analysed(gaps, baseline=baseline)
    part = result["run_chart"]["parts"][-1]
    present = sum(g is not None for g in gaps)
    if present < 10:
        assert result["direction"] == "too_few_points"
    elif not part["runs_signal"]:
        assert result["direction"] == "no_signal"
        assert result["signal_points"] == []
    else:
        assert result["direction"] in ("narrowing", "widening")
        points = result["signal_points"]
        sides = {(result["values"][i] > part["centre"]) for i in points}
        assert len(sides) == 1 and all(result["values"][i] != part["centre"] for i in points)
        assert result["finding"].startswith(
            "The gap has narrowed: " if result["direction"] == "narrowing" else "The gap has widened: "
        )
