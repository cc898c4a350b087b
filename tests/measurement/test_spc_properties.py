"""Invariants of every analysis, checked on generated series (hypothesis)."""

import json
import math
from itertools import groupby, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from measurement.spc import analyse
from measurement.spc.xmr import process_limits

PROPERTIES = settings(max_examples=150, deadline=None, database=None)  # no example database in the repo

QIC_KINDS = ("run", "i", "p", "pp", "u")
MEASURE = st.one_of(st.none(), st.integers(-50, 50).map(float), st.floats(-1e3, 1e3, allow_nan=False))


@st.composite
def series(draw, kinds=(*QIC_KINDS, "xmr"), min_size=1):
    """A kind, its values and options. Values are often whole numbers, so ties and points on the centre line
    (the edge cases of every rule) are common."""
    kind = draw(st.sampled_from(kinds))
    size = draw(st.integers(min_size, 45))
    options: dict = {}
    if kind in ("p", "pp", "u"):
        denominators = draw(st.lists(st.integers(1, 60), min_size=size, max_size=size))
        values = [
            None if draw(st.integers(0, 9)) == 0 else float(draw(st.integers(0, n if kind != "u" else 3 * n)))
            for n in denominators
        ]
        options["denominators"] = denominators
    else:
        values = draw(st.lists(MEASURE, min_size=size, max_size=size))
    options["rebase"] = sorted(draw(st.sets(st.integers(0, size - 1), max_size=3)))
    if kind != "xmr":
        options["exclude"] = sorted(draw(st.sets(st.integers(0, size - 1), max_size=3)))
    options["improvement_direction"] = draw(st.sampled_from(["increase", "decrease", "neutral"]))
    options["screen_outliers"] = draw(st.booleans())
    return kind, values, options


@PROPERTIES
@given(series())
def test_the_result_is_strict_json(case):
    kind, values, options = case
    result = analyse(kind, values, **options)
    assert json.loads(json.dumps(result, allow_nan=False)) == result


@PROPERTIES
@given(series())
def test_parts_are_in_order_and_cover_every_point_once(case):
    kind, values, options = case
    result = analyse(kind, values, **options)
    parts = result["parts"]
    assert parts[0]["start"] == 0
    assert parts[-1]["end"] == len(values)
    assert all(before["end"] == after["start"] for before, after in pairwise(parts))
    assert [part["start"] for part in parts] == sorted({0, *options["rebase"]})
    assert len(result["points"]) == len(values)
    for number, part in enumerate(parts):
        assert [p["part"] for p in result["points"][part["start"] : part["end"]]] == [number] * (
            part["end"] - part["start"]
        )


@PROPERTIES
@given(series())
def test_runs_counts_are_consistent(case):
    kind, values, options = case
    result = analyse(kind, values, **options)
    excluded = set(options.get("exclude", ()))
    for part in result["parts"]:
        included = [i for i in range(part["start"], part["end"]) if i not in excluded]
        assert part["n_obs"] == len(included)
        assert part["n_useful"] <= sum(result["points"][i]["value"] is not None for i in included)
        if part["n_useful"]:
            assert 1 <= part["longest_run"] <= part["n_useful"]
            assert 0 <= part["n_crossings"] <= part["n_useful"] - 1
            too_long = part["longest_run"] > part["longest_run_max"]
            too_few = part["n_crossings"] < part["n_crossings_min"]
            assert part["runs_signal"] is (too_long or too_few)
        else:
            assert part["runs_signal"] is False


@PROPERTIES
@given(series())
def test_limits_are_symmetric_about_the_centre_unless_clipped(case):
    kind, values, options = case
    result = analyse(kind, values, **options)
    for point in result["points"]:
        if point["ucl"] is None:
            continue
        upper, lower = point["ucl"] - point["centre"], point["centre"] - point["lcl"]
        clipped = point["lcl"] == 0.0 or (kind in ("p", "pp") and point["ucl"] == 1.0)
        if not clipped:
            assert math.isclose(upper, lower, rel_tol=1e-9, abs_tol=1e-9)
        assert point["lcl"] <= point["centre"] <= point["ucl"]


@PROPERTIES
@given(series())
def test_a_rule_never_spans_two_periods(case):
    """Analysing with rebases gives, period by period, exactly what analysing each period alone gives."""
    kind, values, options = case
    rebased = analyse(kind, values, **options)
    for number, part in enumerate(rebased["parts"]):
        start, end = part["start"], part["end"]
        alone_options = {key: value for key, value in options.items() if key not in ("rebase", "exclude")}
        if "denominators" in options:
            alone_options["denominators"] = options["denominators"][start:end]
        if "exclude" in options:
            alone_options["exclude"] = [i - start for i in options["exclude"] if start <= i < end]
        alone = analyse(kind, values[start:end], **alone_options)
        assert {**alone["parts"][0], "start": start, "end": end} == part
        assert [{**p, "part": number} for p in alone["points"]] == rebased["points"][start:end]


@PROPERTIES
@given(series(kinds=("xmr",)))
def test_xmr_labels_agree_with_point_types_and_reasons(case):
    kind, values, options = case
    for point in analyse(kind, values, **options)["points"]:
        common = point["special_cause_type"] == "Common Cause"
        assert (point["point_type"] == "common_cause") is common
        assert (point["reason"] is None) is common
        assert point["sigma_signal"] is bool(point["outside_limits"])
        if point["outside_limits"]:
            assert point["special_cause_type"] in ("Above UCL", "Below LCL")
        if point["close_to_limits"]:
            assert not point["outside_limits"]


@PROPERTIES
@given(series(kinds=("xmr", "i", "run")))
def test_doubling_every_value_changes_no_classification(case):
    """Doubling is exact in binary floating point, so every comparison, and every label, must stay put."""
    kind, values, options = case
    once = analyse(kind, values, **options)
    twice = analyse(kind, [None if v is None else 2 * v for v in values], **options)
    keys = ("sigma_signal", "outside_limits", "close_to_limits", "relative_to_mean", "special_cause_type")
    assert [[p.get(k) for k in keys] for p in once["points"]] == [
        [p.get(k) for k in keys] for p in twice["points"]
    ]
    for single, double in zip(once["parts"], twice["parts"], strict=True):
        for key in ("centre", "mean_ucl", "upl", "lpl"):
            if single[key] is not None:
                assert math.isclose(2 * single[key], double[key], rel_tol=1e-12, abs_tol=1e-9)
        assert single["runs_signal"] == double["runs_signal"]


@PROPERTIES
@given(series(kinds=("xmr",)))
def test_reversing_the_improvement_direction_swaps_improvement_and_concern(case):
    kind, values, options = case
    swapped = {
        "special_cause_improvement": "special_cause_concern",
        "special_cause_concern": "special_cause_improvement",
    }
    up = analyse(kind, values, **{**options, "improvement_direction": "increase"})
    down = analyse(kind, values, **{**options, "improvement_direction": "decrease"})
    assert [swapped.get(p["point_type"], p["point_type"]) for p in up["points"]] == [
        p["point_type"] for p in down["points"]
    ]


@PROPERTIES
@given(series(kinds=QIC_KINDS))
def test_excluded_points_do_not_move_the_centre_or_the_limits(case):
    kind, values, options = case
    moved = list(values)
    for i in options["exclude"]:  # any other present value, still a valid count for the count charts
        if moved[i] is not None:
            moved[i] = 0.0 if kind in ("p", "pp", "u") else 1e6
    first, second = analyse(kind, values, **options), analyse(kind, moved, **options)
    for key in ("centre", "mean_ucl", "mean_lcl", "n_obs"):
        assert [part[key] for part in first["parts"]] == [part[key] for part in second["parts"]]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def ptd_special_cause_types(y: list[float], upl: float, lpl: float, nupl: float, nlpl: float, mean: float):
    """A plain transcription of NHSRplotthedots 0.2.2 ``R/ptd_calculate_point_type.R`` and the L88-93 flags of
    ``R/ptd_spc_standard.R``, window by window as R does it, to check the engine's faster searches."""
    n = len(y)
    rtm = [_sign(v - mean) for v in y]
    outside = [v > upl or v < lpl for v in y]
    close = [int(not out and (v < nlpl or v > nupl)) for v, out in zip(y, outside, strict=True)]

    def seven_point_one_side_mean(v):
        vp = [0] * 6 + v
        return [int(all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0) for i in range(6, n + 6)]

    def part_of_seven_trend(v):
        vp = v + [0] * 6
        return [int(any(abs(vp[i + k]) == 1 for k in range(7))) for i in range(n)]

    def seven_point_trend(values):
        if n < 7:
            return [0] * n
        ends = [0] * 6
        for i in range(6, n):
            d = [_sign(values[k + 1] - values[k]) for k in range(i - 6, i)]
            ends.append(1 if all(s == 1 for s in d) else -1 if all(s == -1 for s in d) else 0)
        return ends

    def two_in_three(v, sides):
        vp, rp = [0, 0, *v, 0, 0], [0, 0, *sides, 0, 0]
        return [
            int(
                any(
                    sum(vp[i + a : i + a + 3]) >= 2 and abs(sum(rp[i + a : i + a + 3])) == 3 for a in range(3)
                )
            )
            for i in range(n)
        ]

    part_trend = part_of_seven_trend(seven_point_trend(y))
    part_two = [int(t == 1 and c == 1) for t, c in zip(two_in_three(close, rtm), close, strict=True)]
    part_shift = part_of_seven_trend(seven_point_one_side_mean(rtm))
    sdy = [_sign(y[k + 1] - y[k]) for k in range(n - 1)]
    right, left = [*sdy, sdy[-1] if sdy else 0], [0, *sdy]
    labels = []
    for j in range(n):
        above_or_below = "Above" if rtm[j] > 0 else "Below"
        slope = right[j] if (j + 1 < n and part_trend[j + 1]) and part_trend[j] else left[j]
        if outside[j]:
            labels.append("Above UCL" if rtm[j] == 1 else "Below LCL")
        elif part_trend[j]:
            labels.append(f"7 Point Trend ({'In' if slope == 1 else 'De'}creasing)")
        elif part_two[j]:
            labels.append(f"2 in 3 {above_or_below} CL")
        elif part_shift[j]:
            labels.append(f"7 Points {above_or_below} CL")
        else:
            labels.append("Common Cause")
    return labels


def _walk(segments: list[tuple[int, int]]) -> list[float]:
    """A path of straight stretches: each segment climbs, falls or stays level for a number of steps."""
    values = [0.0]
    for step, length in segments:
        values += [values[-1] + step * (k + 1) for k in range(length)]
    return values[:45]


SMALL_WHOLE_NUMBERS = st.lists(st.integers(0, 8), min_size=1, max_size=40).map(
    lambda xs: [float(x) for x in xs]
)
STRAIGHT_STRETCHES = st.lists(st.tuples(st.sampled_from([-1, 0, 1]), st.integers(1, 9)), max_size=8).map(
    _walk
)


@settings(max_examples=500, deadline=None, database=None)
@given(st.one_of(SMALL_WHOLE_NUMBERS, STRAIGHT_STRETCHES), st.booleans())
def test_xmr_labels_match_a_plain_transcription_of_the_r_rules(values, screen):
    """Small whole numbers make ties, points on the mean, close points and long runs common; straight
    stretches make trends, peaks and troughs common."""
    result = analyse("xmr", values, screen_outliers=screen)
    part = result["parts"][0]
    if part["upl"] is None:
        return
    limits = process_limits(values, fix_after=None, screen=screen)
    expected = ptd_special_cause_types(values, limits.upl, limits.lpl, limits.nupl, limits.nlpl, limits.mean)
    assert [point["special_cause_type"] for point in result["points"]] == expected


@PROPERTIES
@given(series(kinds=("run", "i", "u")))
def test_runs_analysis_matches_a_plain_transcription_of_qicharts2(case):
    """``runs.analysis``: signs of the included points around the centre, zeros and NAs dropped, then R's
    ``rle``; checked against the engine's substring searches."""
    kind, values, options = case
    result = analyse(kind, values, **options)
    excluded = set(options.get("exclude", ()))
    for part in result["parts"]:
        centre = part["centre"]
        plotted = [
            result["points"][i]["value"] for i in range(part["start"], part["end"]) if i not in excluded
        ]
        signs = [] if centre is None else [_sign(v - centre) for v in plotted if v is not None]
        signs = [s for s in signs if s]
        lengths = [len(list(group)) for _, group in groupby(signs)]
        assert part["n_useful"] == len(signs)
        assert part["longest_run"] == (max(lengths) if lengths else None)
        assert part["n_crossings"] == (len(lengths) - 1 if lengths else None)


@PROPERTIES
@given(st.one_of(SMALL_WHOLE_NUMBERS, STRAIGHT_STRETCHES))
def test_ihi_trend_matches_collapsing_like_values_and_reading_off_monotone_stretches(values):
    groups = [
        (value, [i for i, _ in members]) for value, members in groupby(enumerate(values), key=lambda p: p[1])
    ]
    expected: set[int] = set()
    start = 0
    for end in range(1, len(groups) + 1):
        direction_changes = (
            end < len(groups)
            and end >= 2
            and ((groups[end][0] > groups[end - 1][0]) != (groups[end - 1][0] > groups[end - 2][0]))
        )
        if end == len(groups) or direction_changes:
            if end - start >= 5:  # five or more groups all rising or all falling
                expected.update(range(groups[start][1][-1], groups[end - 1][1][0] + 1))
            start = end - 1
    assert analyse("run", values)["ihi"]["trend_points"] == sorted(expected)
