"""The Making Data Count XmR chart as NHSRplotthedots 0.2.2 computes it (SPC.md §3).

Worked numbers come from NHSRplotthedots' tests: the integration snapshots
(``tests/testthat/_snaps/integration_tests.md``, ae_attendances summed by month, decoded from R's
serialisation to full double precision), the ``ptd_spc_standard`` and ``ptd_spc`` summary snapshots
(``set.seed(123); rnorm(20)``, three significant figures), ``test-ptd_calculate_point_type.R``,
``test-ptd_calculate_assurance_type.R``, ``test-ptd_spc_standard.R`` and ``test-geom_ptd_icon.R``; and four
unit-test files of the Python port nhspy-plotthedots (``tests/unittests``, commit bfdefe4).
"""

import math

import pytest

from measurement.spc import analyse
from measurement.spc.xmr import (
    CLOSE_ABOVE,
    INSIDE,
    assurance,
    process_limits,
    shift_members,
    trend_members,
    two_in_three_members,
    variation_icon,
)

# NHSRdatasets ae_attendances, all attendances by month (2016-04 .. 2019-03), from the PTD snapshot
AE_ATTENDANCES = [
    1867781.0, 2070340.0, 1958802.0, 2079034.0, 1932901.0, 1952464.0, 2001816.0, 1907871.0, 1944567.0,
    1895272.0, 1735619.0, 2015834.0, 1949762.0, 2066789.0, 1994056.0, 2073944.0, 1924663.0, 1925961.0,
    2044137.0, 1976971.0, 2003954.0, 2000086.0, 1820012.0, 2049785.0, 1984369.0, 2164458.0, 2093942.0,
    2179896.0, 1997854.0, 2005695.0, 2079492.0, 2037847.0, 2047518.0, 2113413.0, 1954947.0, 2167550.0,
]  # fmt: skip
# the same months' 4-hour performance, from the "ae_all performance" snapshot (fix_after_n_points = 12)
AE_PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435, 0.909763097023593,
    0.9064786853944554, 0.8905308979446662, 0.8837903610883545, 0.8617594559611471, 0.851413411900772,
    0.8753090395991286, 0.9000949482943537, 0.9051525263083392, 0.8970035160821932, 0.9072518525056468,
    0.9034785895858326, 0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311, 0.8857248828216929,
    0.9039011151983545, 0.9076297242234981, 0.8931949047110505, 0.8972702710007838, 0.8894368286304747,
    0.8900933497219513, 0.8760446687116353, 0.8644632183941728, 0.843525141560121, 0.8422525009629417,
    0.8660427671795345,
]  # fmt: skip
# R: set.seed(123); rnorm(24), printed to 8 decimals (the first 20 are the data of the PTD snapshots)
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141, -1.06782371, -0.21797491, -1.02600445, -0.72889123,
]  # fmt: skip


def limits_of(part: dict) -> tuple[float, float, float]:
    return part["centre"], part["lpl"], part["upl"]


def types_of(result: dict) -> list[str]:
    return [point["special_cause_type"] for point in result["points"]]


def side_codes(sides: list[int]) -> bytes:
    """relative_to_mean (-1, 0, 1) as the engine codes it: one byte, sign + 1."""
    return bytes([side + 1 for side in sides])


def zone_codes(close: list) -> bytes:
    return bytes([CLOSE_ABOVE if is_close else INSIDE for is_close in close])


def members_from_ends(ends: list[int]) -> list[bool]:
    """PTD's ``ptd_part_of_seven_trend``: a point belongs if it or one of the next 6 ends a window."""
    return [any(ends[k : k + 7]) for k in range(len(ends))]


# --- worked numbers from NHSRplotthedots ---------------------------------------------------------------


def test_ae_attendances_match_the_ptd_integration_snapshot_to_the_last_bit():
    result = analyse("xmr", AE_ATTENDANCES)
    assert limits_of(result["parts"][0]) == (2000538.9444444445, 1731844.3644444444, 2269233.5244444446)
    assert {point["point_type"] for point in result["points"]} == {"common_cause"}


def test_ae_attendances_rebased_in_april_2017_match_the_ptd_snapshot():
    result = analyse("xmr", AE_ATTENDANCES, rebase=[12])
    assert [limits_of(part) for part in result["parts"]] == [
        (1946858.4166666667, 1639947.374848485, 2253769.4584848485),
        (2027379.2083333333, 1772921.0639855072, 2281837.3526811595),
    ]
    assert {point["point_type"] for point in result["points"]} == {"common_cause"}


def test_ae_performance_with_limits_fixed_on_12_points_matches_the_ptd_snapshot():
    result = analyse("xmr", AE_PERFORMANCE, baseline=12)
    assert limits_of(result["parts"][0]) == (0.8908915564349236, 0.8614049789074258, 0.9203781339624213)
    points = result["points"]
    assert [i + 1 for i, p in enumerate(points) if p["outside_limits"]] == [10, 21, 22, 23, 24, 34, 35]
    assert [i + 1 for i, p in enumerate(points) if p["close_to_limits"]] == [9, 33, 36]
    common, concern, improvement = "common_cause", "special_cause_concern", "special_cause_improvement"
    assert [p["point_type"] for p in points] == (
        [common] * 9 + [concern, common] + [improvement] * 8 + [common] + [concern] * 4 + [common] * 5
        + [concern] * 7
    )  # fmt: skip
    assert types_of(result)[11:19] == ["7 Points Above CL"] * 8
    assert types_of(result)[29:36] == ["7 Points Below CL"] * 4 + ["Below LCL"] * 2 + ["7 Points Below CL"]
    assert (result["variation_type"], result["variation_icon"]) == (concern, "concern_low")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (RNORM_123[:20], (0.142, -3.01, 3.29)),  # ptd_spc_standard.md and ptd_spc.md summary
        (RNORM_123[:10], (0.0746, -2.60, 2.75)),  # ptd_spc.md, facet 0
        (RNORM_123[10:20], (0.209, -3.28, 3.70)),  # ptd_spc.md, facet 1
    ],
)
def test_rnorm_summaries_match_the_ptd_snapshots_to_three_figures(values, expected):
    part = analyse("xmr", values)["parts"][0]
    assert tuple(float(f"{number:.3g}") for number in limits_of(part)) == expected


@pytest.mark.parametrize(
    ("screen", "upl", "lpl"),
    [(True, 35 / 18 + 2.66, 35 / 18 - 2.66), (False, 35 / 18 + 2.66 * 32 / 17, 35 / 18 - 2.66 * 32 / 17)],
)
def test_deviations_vignette_screened_and_excel_limits(screen, upl, lpl):
    """vignettes/deviations.Rmd: moving ranges 8 and 9 are screened out, leaving fifteen of 1 (Excel keeps
    them, mean 32/17); the vignette prints UPL 4.6 / 6.95, mean 1.94, LPL -0.72 / -3.06."""
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = analyse("xmr", values, screen_outliers=screen)
    part = result["parts"][0]
    assert part["centre"] == pytest.approx(35 / 18, abs=1e-15)
    assert (part["upl"], part["lpl"]) == pytest.approx((upl, lpl), abs=1e-12)
    assert types_of(result) == ["Common Cause"] * 4 + ["Above UCL"] + ["Common Cause"] * 13


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        ([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        (
            [1, 2, 3, 4, 5, 4, 3, 2, 1, 2],
            (2.7, 0.040000000000000036, 5.36, 0.9266666666666667, 4.473333333333334),
        ),
        ([1, 2, 3], (2.0, -0.6600000000000001, 4.66, 0.22666666666666657, 3.7733333333333334)),
        (list(range(20)), (9.5, 6.84, 12.16, 7.726666666666667, 11.273333333333333)),
        (
            [3, 1, 4, 1, 5, 9, 2],
            (
                3.5714285714285716,
                -6.625238095238096,
                13.768095238095238,
                -3.2263492063492065,
                10.36920634920635,
            ),
        ),
        (
            [1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2],
            (3.0, -0.014666666666666828, 6.014666666666667, 0.9902222222222221, 5.009777777777778),
        ),
        (
            [-1, -2, -3, -2, -1, -2, -3, -4, -5, -6, -7, -4, -3, -2, -1, -2],
            (-3.0, -6.014666666666667, 0.014666666666666828, -5.009777777777778, -0.9902222222222221),
        ),
    ],
)
def test_limits_match_nhspy_plotthedots(values, expected):
    """nhspy-plotthedots tests/unittests/test_limits_calculations.py: (mean, lpl, upl, nlpl, nupl)."""
    limits = process_limits([float(v) for v in values], fix_after=None, screen=True)
    assert tuple(limits) == pytest.approx(expected, rel=1e-12, abs=1e-12)


# --- the rule functions against the PTD and nhspy unit tests ---------------------------------------------


@pytest.mark.parametrize(
    ("sides", "ends"),
    [
        ([], []),
        ([1] * 6, [0] * 6),  # PTD ptd_seven_point_one_side_mean
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
        ([-1] * 8 + [1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
        (
            [1] * 7,
            [0] * 6 + [1],
        ),  # nhspy test_seven_point_one_side_mean.py: above, below, equal, small, large
        ([-1] * 7, [0] * 6 + [1]),
        ([-1, 0, 1, 0, -1, 0, 1], [0] * 7),
        ([1, 0, -1], [0] * 3),
        ([1] * 10 + [-1] * 10, [0] * 6 + [1] * 4 + [0] * 6 + [1] * 4),
    ],
)
def test_shift_members(sides, ends):
    assert shift_members(side_codes(sides)) == members_from_ends(ends)


def test_points_on_the_mean_never_make_a_shift():
    """PTD requires ``vp[[i]] != 0``; nhspy's test_zero expects seven points on the mean to count, which is
    where the port departs from the package it ports."""
    assert shift_members(side_codes([0] * 7)) == [False] * 7


@pytest.mark.parametrize(
    ("values", "ends"),
    [
        ([], []),
        ([1, 2, 3, 4, 5, 6], [0] * 6),  # PTD ptd_seven_point_trend
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ([1, 2, 3, 4, 5, 6, 7], [0] * 6 + [1]),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0, 0, 0, 0, 0, 0, 0, 1, 0]),
        ([7, 6, 5, 4, 3, 2, 1], [0] * 6 + [-1]),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0, 0, 0, 0, 0, 0, 0, -1, 0]),
        (list(range(1, 11)), [0] * 6 + [1] * 4),  # nhspy test_seven_point_trend.py
        (list(range(10, 0, -1)), [0] * 6 + [-1] * 4),
        ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], [0] * 10),
        ([1, 2, 3], [0] * 3),
        (list(range(20)), [0] * 6 + [1] * 14),
        ([1] * 7, [0] * 7),
        ([1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2], [0] * 10 + [1] + [0] * 5),
        ([-1, -2, -3, -2, -1, -2, -3, -4, -5, -6, -7, -4, -3, -2, -1, -2], [0] * 10 + [-1] + [0] * 5),
    ],
)
def test_trend_members(values, ends):
    assert trend_members([float(v) for v in values]) == members_from_ends(ends)


@pytest.mark.parametrize(
    ("close", "sides", "members"),
    [
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),  # PTD ptd_two_in_three and ptd_part_of_two_in_three
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),  # opposite sides never count (issue #143)
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        ([1, 1, 1], [-1, -1, -1], [1, 1, 1]),  # nhspy test_two_in_three.py
        ([1, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 0], [1, 1, 1], [0, 0, 0]),
    ],
)
def test_two_in_three_members(close, sides, members):
    assert two_in_three_members(side_codes(sides), zone_codes(close)) == [bool(m) for m in members]


def test_two_in_three_members_on_nhspys_long_series():
    """nhspy test_two_in_three.py test_large: every point close, so every member is a flagged point."""
    sides = [
        -1, -1, -1, -1, -1, 0, -1, -1, 1, -1, 0, -1, -1, 0, 0, -1, 0, 1, -1, 1, -1, -1, 1, 0, -1, 1, 1,
        0, -1, -1, 0, -1, 0, 0, -1, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 1, -1, 0, 1, 0, 0, 1, 1,
        1, -1, -1, 1, -1, 0, 1, -1, 1, 1, 0, -1, 1, 0, 0, 1, 0, 1, 1, 1, -1, 1, 1, 0, 1, 1, 1,
    ]  # fmt: skip
    expected = [True] * 5 + [False] * 47 + [True] * 3 + [False] * 16 + [True] * 3 + [False] * 4 + [True] * 3
    assert two_in_three_members(side_codes(sides), zone_codes([True] * 81)) == expected


def test_two_close_points_on_opposite_sides_are_common_cause():
    """PTD test-ptd_spc_standard.R L97-114 (0.2.x fix of issue #143)."""
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    result = analyse("xmr", values)
    assert [point["point_type"] for point in result["points"][-2:]] == ["common_cause", "common_cause"]


@pytest.mark.parametrize(
    ("lpl", "upl", "direction", "expected"),
    [
        (1, 3, 1, "consistent_fail"),  # PTD test-ptd_calculate_assurance_type.R, target 4
        (5, 7, 1, "consistent_pass"),
        (1, 5, 1, "inconsistent"),
        (1, 3, -1, "consistent_pass"),
        (5, 7, -1, "consistent_fail"),
        (1, 5, -1, "inconsistent"),
        (1, 3, 0, None),
        (5, 7, 0, None),
        (4, 7, 1, "inconsistent"),  # a target on a limit is inconsistent (strict comparisons)
        (1, 4, -1, "inconsistent"),
        (None, None, 1, "inconsistent"),  # limits that do not exist
    ],
)
def test_assurance_type(lpl, upl, direction, expected):
    assert assurance(4.0, direction, lpl, upl) == expected


def test_assurance_needs_a_target():
    assert assurance(None, 1, 1.0, 3.0) is None
    result = analyse("xmr", RNORM_123[:20])
    assert (result["assurance_type"], result["assurance_icon"]) == (None, None)


def test_icons_of_24_random_points_match_the_ptd_geom_test():
    """test-geom_ptd_icon.R: rnorm(24) is common cause, and a target of 0.5 is inconsistently met."""
    result = analyse("xmr", RNORM_123, target=0.5)
    assert (result["variation_icon"], result["assurance_icon"]) == ("common_cause", "inconsistent")


@pytest.mark.parametrize(
    ("variation_type", "direction", "icon"),
    [
        ("common_cause", 1, "common_cause"),
        ("special_cause_neutral_high", 0, "neutral_high"),
        ("special_cause_neutral_low", 0, "neutral_low"),
        ("special_cause_improvement", 1, "improvement_high"),
        ("special_cause_improvement", -1, "improvement_low"),
        ("special_cause_concern", 1, "concern_low"),
        ("special_cause_concern", -1, "concern_high"),
    ],
)
def test_variation_icon(variation_type, direction, icon):
    assert variation_icon(variation_type, direction) == icon


# --- each rule exactly at, just inside and just outside its limit ---------------------------------------

BASELINE = [0.0, 1.0] * 6  # the limits are fixed on these 12 points: mean 0.5, every moving range 1
ON_THE_MEAN = 0.5  # separates the tested points from the baseline: a point on the mean breaks every rule
UPL, LPL = 0.5 + 2.66, 0.5 - 2.66
NUPL, NLPL = 0.5 + 2 * (2.66 / 3), 0.5 - 2 * (2.66 / 3)


def tail_types(tail: list, **options) -> list[str]:
    """Labels of the points after the baseline and the separating point on the mean."""
    return types_of(analyse("xmr", [*BASELINE, ON_THE_MEAN, *tail], baseline=12, **options))[13:]


def test_the_fixed_baseline_gives_the_expected_limits():
    part = analyse("xmr", [*BASELINE, ON_THE_MEAN], baseline=12)["parts"][0]
    assert (part["centre"], part["lpl"], part["upl"]) == (0.5, LPL, UPL)


@pytest.mark.parametrize(
    ("value", "outside", "close", "label"),
    [
        (UPL, False, True, "2 in 3 Above CL"),
        (math.nextafter(UPL, math.inf), True, False, "Above UCL"),
        (LPL, False, True, "2 in 3 Below CL"),
        (math.nextafter(LPL, -math.inf), True, False, "Below LCL"),
        (NUPL, False, False, "7 Points Above CL"),
        (math.nextafter(NUPL, math.inf), False, True, "2 in 3 Above CL"),
        (NLPL, False, False, "7 Points Below CL"),
        (math.nextafter(NLPL, -math.inf), False, True, "2 in 3 Below CL"),
    ],
)
def test_outside_and_close_to_the_limits_are_strict(value, outside, close, label):
    """Seven equal points: outside beats 2 in 3, which beats the 7-point shift."""
    point = analyse("xmr", [*BASELINE, ON_THE_MEAN, *[value] * 7], baseline=12)["points"][-1]
    assert (point["outside_limits"], point["close_to_limits"]) == (outside, close)
    assert point["special_cause_type"] == label


@pytest.mark.parametrize(
    ("tail", "labels"),
    [
        ([3.0, 3.0, 0.6], ["2 in 3 Above CL", "2 in 3 Above CL", "Common Cause"]),
        ([3.0, 0.6, 3.0], ["2 in 3 Above CL", "Common Cause", "2 in 3 Above CL"]),  # the third is not flagged
        ([3.0, 0.6, 0.6], ["Common Cause"] * 3),  # only one close point
        ([3.0, 0.5, 3.0], ["Common Cause"] * 3),  # a point on the mean disqualifies the window
        ([3.0, 0.4, 3.0], ["Common Cause"] * 3),  # as does one on the other side
        ([3.0, 0.6, 0.6, 3.0], ["Common Cause"] * 4),  # too far apart
        ([3.0, 9.0, 0.6], ["Common Cause", "Above UCL", "Common Cause"]),  # outside is not close
        ([-2.0, -2.0, 0.4], ["2 in 3 Below CL", "2 in 3 Below CL", "Common Cause"]),
    ],
)
def test_two_in_three_close_to_a_limit(tail, labels):
    assert tail_types(tail) == labels


def test_two_in_three_windows_never_run_off_the_end():
    assert tail_types([0.6, 3.0])[-1] == "Common Cause"
    assert tail_types([0.6, 3.0, 3.0])[-2:] == ["2 in 3 Above CL"] * 2


@pytest.mark.parametrize(
    ("tail", "flagged"),
    [
        ([0.6] * 6, 0),
        ([0.6] * 7, 7),
        ([0.6] * 8, 8),
        ([0.6] * 3 + [0.5] + [0.6] * 3, 0),  # a point on the mean breaks the run
        ([0.6] * 3 + [None] + [0.6] * 3, 0),  # so does a missing one
        ([0.4] * 6, 0),
        ([0.4] * 7, 7),
    ],
)
def test_shift_of_7_points_on_one_side(tail, flagged):
    labels = tail_types(tail)
    assert sum(label.startswith("7 Points") for label in labels) == flagged
    assert labels.count("Common Cause") == len(tail) - flagged


@pytest.mark.parametrize(
    ("tail", "flagged"),
    [
        ([0.1, 0.2, 0.3, 0.4, 0.6, 0.7], 0),
        ([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8], 7),  # crosses the mean
        ([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9], 8),
        ([0.1, 0.2, 0.3, 0.3, 0.4, 0.6, 0.7, 0.8], 0),  # a tie breaks a trend
    ],
)
def test_trend_of_7_points_all_rising(tail, flagged):
    labels = tail_types(tail)
    assert labels.count("7 Point Trend (Increasing)") == flagged
    assert labels.count("Common Cause") == len(tail) - flagged


def test_a_period_of_fewer_than_7_points_has_no_trend():
    assert types_of(analyse("xmr", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])) == ["Common Cause"] * 6


def test_the_peak_of_a_rise_and_a_fall_is_labelled_with_the_fall():
    series = [0.0, 10.0] * 6 + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    labels = types_of(analyse("xmr", series, baseline=12))[12:]
    assert labels == ["7 Point Trend (Increasing)"] * 6 + ["7 Point Trend (Decreasing)"] * 7


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ([0.6] * 6 + [9.0], ["7 Points Above CL"] * 6 + ["Above UCL"]),  # outside beats the shift
        ([0.6, 0.7, 0.8, 0.9, 1.0, 2.3, 2.4], ["7 Point Trend (Increasing)"] * 7),  # trend beats both
        ([0.6] * 5 + [2.3, 2.3], ["7 Points Above CL"] * 5 + ["2 in 3 Above CL"] * 2),  # 2 in 3 beats shift
    ],
)
def test_priority_outside_then_trend_then_two_in_three_then_shift(tail, expected):
    assert tail_types(tail) == expected


@pytest.mark.parametrize(
    ("direction", "high", "low"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
    ],
)
def test_point_type_follows_the_improvement_direction(direction, high, low):
    high_point = analyse("xmr", [*BASELINE, 9.0], baseline=12, improvement_direction=direction)["points"][-1]
    low_shift = analyse(
        "xmr", [*BASELINE, ON_THE_MEAN, *[0.4] * 7], baseline=12, improvement_direction=direction
    )
    assert high_point["point_type"] == high
    assert low_shift["points"][-1]["point_type"] == low
    assert low_shift["variation_type"] == low


@pytest.mark.parametrize(
    ("direction", "reason"),
    [
        ("decrease", "7 points in a row below the average: a sustained improvement"),
        ("increase", "7 points in a row below the average: a sustained deterioration"),
        ("neutral", "7 points in a row below the average: a sustained change worth looking into"),
    ],
)
def test_reasons_read_as_plain_english(direction, reason):
    result = analyse(
        "xmr", [*BASELINE, ON_THE_MEAN, *[0.4] * 7], baseline=12, improvement_direction=direction
    )
    assert result["points"][-1]["reason"] == reason
    assert result["points"][0]["reason"] is None


def test_every_label_has_a_sentence():
    result = analyse("xmr", [*BASELINE, 9.0, -9.0, 0.6, 2.5, 2.5, 0.4, -2.0, -2.0], baseline=12)
    labelled = [point for point in result["points"] if point["special_cause_type"] != "Common Cause"]
    assert {point["special_cause_type"] for point in labelled} == {
        "Above UCL",
        "Below LCL",
        "2 in 3 Above CL",
        "2 in 3 Below CL",
    }
    assert all(point["reason"] for point in labelled)


@pytest.mark.parametrize(("length", "warning"), [(11, True), (12, True), (13, False), (20, False)])
def test_short_period_warning_for_12_points_or_fewer(length, warning):
    assert (
        analyse("xmr", [float(k % 3) for k in range(length)])["parts"][0]["short_period_warning"] is warning
    )


def test_short_period_warning_is_per_period():
    values = [float(k % 3) for k in range(40)]
    parts = analyse("xmr", values, rebase=[35])["parts"]
    assert [part["short_period_warning"] for part in parts] == [False, True]


def test_rules_never_span_a_rebase():
    values = [*BASELINE, ON_THE_MEAN, *[0.6] * 7]
    whole = types_of(analyse("xmr", values, baseline=12))
    split = analyse("xmr", values, baseline=12, rebase=[16])
    assert whole[13:] == ["7 Points Above CL"] * 7
    assert "7 Points Above CL" not in types_of(split)


def test_baseline_fixes_the_limits_within_each_period():
    values = [0.0, 1.0] * 6 + [5.0, 5.0] + [10.0, 12.0] * 6 + [50.0]
    parts = analyse("xmr", values, baseline=12, rebase=[14])["parts"]
    assert limits_of(parts[0]) == (0.5, 0.5 - 2.66, 0.5 + 2.66)
    assert limits_of(parts[1]) == (11.0, 11.0 - 2.66 * 2, 11.0 + 2.66 * 2)


def test_variation_comes_from_the_last_point_and_assurance_from_the_last_period():
    values = [*BASELINE, ON_THE_MEAN, *[0.6] * 7, 100.0] + [10.0, 11.0] * 6
    result = analyse("xmr", values, rebase=[21], target=20.0)
    assert result["points"][-1]["point_type"] == "common_cause"
    assert result["variation_type"] == "common_cause"
    assert result["assurance_type"] == "consistent_fail"  # 20 is above the last period's UPL of 13.16
    assert result["assurance_icon"] == "fail"


def test_a_missing_value_has_no_classification():
    point = analyse("xmr", [1.0, 2.0, None, 1.0, 2.0])["points"][2]
    assert (point["value"], point["outside_limits"], point["close_to_limits"], point["relative_to_mean"]) == (
        None,
        None,
        None,
        None,
    )
    assert (point["special_cause_type"], point["point_type"], point["sigma_signal"]) == (
        "Common Cause",
        "common_cause",
        False,
    )


def test_a_single_point_has_no_limits():
    result = analyse("xmr", [4.0])
    assert limits_of(result["parts"][0]) == (4.0, None, None)
    assert result["points"][0]["outside_limits"] is None
    assert result["points"][0]["relative_to_mean"] == 0


def test_xmr_points_and_parts_carry_every_contract_key():
    result = analyse("xmr", [1.0, 2.0, 3.0])
    assert set(result["points"][0]) == {
        "value", "part", "centre", "ucl", "lcl", "sigma_signal", "excluded", "outside_limits",
        "close_to_limits", "relative_to_mean", "special_cause_type", "point_type", "reason",
    }  # fmt: skip
    assert set(result) == {
        "kind", "parts", "points", "variation_type", "variation_icon", "assurance_type", "assurance_icon",
    }  # fmt: skip
    part = result["parts"][0]
    assert (part["mean_ucl"], part["mean_lcl"]) == (part["upl"], part["lpl"])
