"""The Making Data Count XmR chart exactly as NHSRplotthedots 0.2.2 computes it (``R/ptd_spc_standard.R``,
``R/ptd_calculate_point_type.R``, ``R/ptd_calculate_assurance_type.R``, ``R/geom_ptd_icon.R``,
``R/ptd_add_short_group_warnings.R``).

Everything is worked out per period (``rebase``), so no rule ever spans a rebase. A missing value has no
side, is never outside or close to the limits, and no rule window that contains it qualifies: R's NA
propagation (``all(c(TRUE, NA))`` is NA, and ``case_when`` treats NA as false) gives the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import compress, pairwise
from typing import NamedTuple

from . import reasons
from .arithmetic import finite_or_none, mean, mean_moving_range, moving_ranges, present
from .runs import ABOVE, BELOW, MISSING, ON_CENTRE, RunsAnalysis, anhoej_runs, useful_from_codes
from .validation import Request

LIMIT = 2.66  # ptd_spc_standard.R L47: 2.66 exactly, not 3 / 1.128
LIMIT_CLOSE = 2 * (LIMIT / 3)  # L48: the "2 sigma" line, same expression as R so the double is the same
SHORT_PERIOD = 12  # ptd_add_short_group_warnings: n() < 13 flags periods of 12 points or fewer

# Each point's side of the mean (coded as in runs.py) and its zone between the limits are one byte each, so
# the rules are substring and regular-expression searches done in C (an analysis must take a fraction of a
# millisecond).
UNDER_LPL, CLOSE_BELOW, INSIDE, CLOSE_ABOVE, OVER_UPL, NO_ZONE = 0, 1, 2, 3, 4, 5
RELATIVE_TO_MEAN = {BELOW: -1, ON_CENTRE: 0, ABOVE: 1, MISSING: None}
OUTSIDE = {UNDER_LPL: True, OVER_UPL: True, NO_ZONE: None}  # any other zone: False
CLOSE = {CLOSE_BELOW: True, CLOSE_ABOVE: True, NO_ZONE: None}
FALL, LEVEL, RISE = BELOW, ON_CENTRE, ABOVE  # the slope to the next point, coded like a side (a gap is LEVEL)
# PTD hard-codes 7 points for both the shift and the trend; a trend of 7 points is 6 slopes the same way.
SEVEN_ON_ONE_SIDE = re.compile(rb"\x00{7,}|\x02{7,}")
SIX_STEPS_ONE_WAY = re.compile(rb"\x00{6,}|\x02{6,}")
SIX_ONE_WAY = bytes([BELOW]) * 6, bytes([ABOVE]) * 6

COMMON_CAUSE = "Common Cause"
_VARIATION_ICONS = {
    "common_cause": "common_cause",
    "special_cause_neutral_high": "neutral_high",
    "special_cause_neutral_low": "neutral_low",
}
_ASSURANCE_ICONS = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}


class ProcessLimits(NamedTuple):
    mean: float
    lpl: float
    upl: float
    nlpl: float  # near ("2 sigma") lower process limit
    nupl: float


def process_limits(values: Sequence[float | None], *, fix_after: int | None, screen: bool) -> ProcessLimits:
    """Mean and limits of one period from its first ``fix_after`` points (all when None), L67-85."""
    fixed = values[:fix_after] if fix_after else values
    centre = mean(present(fixed))
    amr = mean_moving_range(moving_ranges(fixed), screen=screen)
    return ProcessLimits(
        mean=centre,
        lpl=centre - LIMIT * amr,
        upl=centre + LIMIT * amr,
        nlpl=centre - LIMIT_CLOSE * amr,
        nupl=centre + LIMIT_CLOSE * amr,
    )


def analyse_xmr(request: Request) -> dict:
    parts: list[dict] = []
    points: list[dict] = []
    for part_number, (start, end) in enumerate(request.part_bounds):
        values = request.values[start:end]
        limits = process_limits(values, fix_after=request.baseline, screen=request.screen_outliers)
        sides, zones = classify_points(values, limits)
        # the Anhøj analysis of an XmR period is around its mean, so its signs are relative_to_mean
        runs = anhoej_runs(useful_from_codes(range(start, end), sides), n_obs=end - start)
        parts.append(_part(start, end, limits, runs))
        labels = special_cause_types(values, sides, zones)
        classifications = list(zip(sides, zones, labels, strict=True))
        points += _points(values, part_number, limits, classifications, request.direction)
    variation_type = points[-1]["point_type"]  # geom_ptd_icon.R L148-156: the last point of the series
    assurance_type = assurance(request.target, request.direction, parts[-1]["lpl"], parts[-1]["upl"])
    return {
        "parts": parts,
        "points": points,
        "variation_type": variation_type,
        "variation_icon": variation_icon(variation_type, request.direction),
        "assurance_type": assurance_type,
        "assurance_icon": _ASSURANCE_ICONS.get(assurance_type),
    }


def _part(start: int, end: int, limits: ProcessLimits, runs: RunsAnalysis) -> dict:
    lpl, upl = finite_or_none(limits.lpl), finite_or_none(limits.upl)
    return {
        "start": start,
        "end": end,
        "n_obs": runs.n_obs,
        "n_useful": runs.n_useful,
        "longest_run": runs.longest_run,
        "longest_run_max": runs.longest_run_max,
        "n_crossings": runs.n_crossings,
        "n_crossings_min": runs.n_crossings_min,
        "runs_signal": runs.signal,
        "centre": finite_or_none(limits.mean),
        "mean_ucl": upl,
        "mean_lcl": lpl,
        "lpl": lpl,
        "upl": upl,
        "short_period_warning": end - start <= SHORT_PERIOD,
        "reason": None,  # the MDC rules speak for an XmR chart, point by point
    }


def _points(
    values: Sequence[float | None],
    part_number: int,
    limits: ProcessLimits,
    classifications: list[tuple[int, int, str]],
    direction: int,
) -> list[dict]:
    """One dict per point. Points share few distinct classifications (side, zone, label), and copying one
    prepared dict per classification is several times faster than building each point."""
    part_fields = {
        "value": None,
        "part": part_number,
        "centre": finite_or_none(limits.mean),
        "ucl": finite_or_none(limits.upl),
        "lcl": finite_or_none(limits.lpl),
        "excluded": False,
    }
    templates = {key: {**part_fields, **_classified(*key, direction)} for key in set(classifications)}
    points = [templates[key].copy() for key in classifications]
    for point, value in zip(points, values, strict=True):
        point["value"] = value
    return points


@lru_cache(maxsize=512)
def _classified(side: int, zone: int, label: str, direction: int) -> dict:
    """The fields of a point that follow from its side, zone and label."""
    kind_of_point = point_type(label, direction)
    outside = OUTSIDE.get(zone, False)
    return {
        "sigma_signal": bool(outside),
        "outside_limits": outside,
        "close_to_limits": CLOSE.get(zone, False),
        "relative_to_mean": RELATIVE_TO_MEAN[side],
        "special_cause_type": label,
        "point_type": kind_of_point,
        "reason": reasons.xmr_reason(label, kind_of_point),
    }


def classify_points(values: Sequence[float | None], limits: ProcessLimits) -> tuple[bytes, bytes]:
    """Each point's side of the mean (relative_to_mean, L90) and its zone: outside the limits (L88) or
    close to them (L93), strict comparisons both, and a point outside is not "close". MISSING and NO_ZONE
    where R has NA: a missing value, or a mean or limits that do not exist (one point, no moving range)."""
    centre, lpl, upl, nlpl, nupl = limits
    count = len(values)
    if centre != centre:
        return bytes([MISSING]) * count, bytes([NO_ZONE]) * count
    sides = bytes(
        [
            MISSING if v is None else ABOVE if v > centre else BELOW if v < centre else ON_CENTRE
            for v in values
        ]
    )
    if upl != upl:
        return sides, bytes([NO_ZONE]) * count
    zones = bytes(
        [
            NO_ZONE if v is None
            else OVER_UPL if v > upl
            else UNDER_LPL if v < lpl
            else CLOSE_ABOVE if v > nupl
            else CLOSE_BELOW if v < nlpl
            else INSIDE
            for v in values
        ]
    )  # fmt: skip
    return sides, zones


def special_cause_types(values: Sequence[float | None], sides: bytes, zones: bytes) -> list[str]:
    """NHSRplotthedots' label of each point, by priority: outside the limits, then a 7-point trend, then 2
    of 3 close to a limit, then 7 points on one side, else common cause (``ptd_special_cause_type``)."""
    in_trend = trend_members(values)
    in_two_of_three = two_in_three_members(sides, zones)
    in_shift = shift_members(sides)
    positions = range(len(values))
    special = {*_positions(zones, UNDER_LPL, OVER_UPL), *compress(positions, in_trend)}
    special.update(compress(positions, in_two_of_three), compress(positions, in_shift))
    labels = [COMMON_CAUSE] * len(values)
    for j in special:
        above = sides[j] == ABOVE
        if zones[j] in (UNDER_LPL, OVER_UPL):
            labels[j] = "Above UCL" if above else "Below LCL"
        elif in_trend[j]:
            rising = _trend_slope(values, in_trend, j) == 1
            labels[j] = "7 Point Trend (Increasing)" if rising else "7 Point Trend (Decreasing)"
        elif in_two_of_three[j]:
            labels[j] = "2 in 3 Above CL" if above else "2 in 3 Below CL"
        else:
            labels[j] = "7 Points Above CL" if above else "7 Points Below CL"
    return labels


def shift_members(sides: bytes) -> list[bool]:
    """Points of every window of 7 successive points on the same side of the mean, i.e. of every stretch of
    7 or more: a point on the mean, or a missing one, breaks the stretch (``ptd_seven_point_one_side_mean``,
    ``ptd_part_of_seven_trend``)."""
    member = [False] * len(sides)
    for start, end in _spans(SEVEN_ON_ONE_SIDE, sides):
        member[start:end] = [True] * (end - start)
    return member


def trend_members(values: Sequence[float | None]) -> list[bool]:
    """Points of every window of 7 successive points whose 6 differences all rise or all fall
    (``ptd_seven_point_trend``): a tie breaks a trend, a trend may cross the mean, and fewer than 7 points
    have none."""
    if None in values:
        slopes = bytes(
            [
                LEVEL if None in (a, b) else RISE if b > a else FALL if b < a else LEVEL
                for a, b in pairwise(values)
            ]
        )
    else:
        slopes = bytes([RISE if b > a else FALL if b < a else LEVEL for a, b in pairwise(values)])
    member = [False] * len(values)
    for start, end in _spans(SIX_STEPS_ONE_WAY, slopes):
        member[start : end + 1] = [True] * (end + 1 - start)  # slopes[k] joins points k and k + 1
    return member


def _spans(pattern: re.Pattern[bytes], codes: bytes) -> list[tuple[int, int]]:
    """[start, end) of each match. Both rules need at least 6 equal codes in a row, and most series have
    none, which two substring searches rule out before the regular expression runs."""
    if not any(six in codes for six in SIX_ONE_WAY):
        return []
    return [match.span() for match in pattern.finditer(codes)]


def two_in_three_members(sides: bytes, zones: bytes) -> list[bool]:
    """Close points of a window of 3 successive points with at least 2 close to a limit and all 3 on the
    same side of the mean (``ptd_two_in_three``, fixed for opposite sides in 0.2.x, issue #143). Windows
    never run off either end of the period, and a point on the mean or missing disqualifies its windows."""
    count = len(sides)
    member = [False] * count
    close = set(_positions(zones, CLOSE_BELOW, CLOSE_ABOVE))
    for point in close:
        for first in range(max(point - 2, 0), min(point, count - 3) + 1):
            two_close = (first in close) + (first + 1 in close) + (first + 2 in close) >= 2
            if two_close and sides[first : first + 3] in (b"\x00\x00\x00", b"\x02\x02\x02"):
                member[point] = True
                break
    return member


def _positions(codes: bytes, *wanted: int) -> list[int]:
    """Where the codes are one of ``wanted``, found by searching in C: such points are few."""
    found = []
    for code in wanted:
        needle = bytes([code])
        position = codes.find(needle)
        while position != -1:
            found.append(position)
            position = codes.find(needle, position + 1)
    return found


def _slope(previous: float | None, current: float | None) -> int:
    if previous is None or current is None:
        return 0
    return 1 if current > previous else -1 if current < previous else 0


def _trend_slope(values: Sequence[float | None], in_trend: Sequence[bool], j: int) -> int:
    """Direction of a trend point (``ptd_special_cause_type``): the difference to the right when the next
    point is also in a trend, else the difference from the left, so a peak shared by a rise and a fall is
    labelled with the fall."""
    if j + 1 < len(values) and in_trend[j + 1]:
        return _slope(values[j], values[j + 1])
    return _slope(values[j - 1], values[j]) if j else 0


_SIGN_OF_LABEL = {
    COMMON_CAUSE: 0,
    "Above UCL": 1,
    "Below LCL": -1,
    "7 Point Trend (Increasing)": 1,
    "7 Point Trend (Decreasing)": -1,
    "2 in 3 Above CL": 1,
    "2 in 3 Below CL": -1,
    "7 Points Above CL": 1,
    "7 Points Below CL": -1,
}


def point_type(special_cause_type: str, direction: int) -> str:
    """``ptd_point_type``: "Above"/"Increasing" count +1 and "Below"/"Decreasing" -1, oriented by the
    improvement direction."""
    sign = _SIGN_OF_LABEL[special_cause_type]
    if not sign:
        return "common_cause"
    if not direction:
        return "special_cause_neutral_high" if sign > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if sign * direction > 0 else "special_cause_concern"


def variation_icon(variation_type: str, direction: int) -> str:
    """geom_ptd_icon.R L118-136 (0.2.2 names): improvement/concern icons point the way the data moved."""
    if variation_type == "special_cause_improvement":
        return "improvement_high" if direction == 1 else "improvement_low"
    if variation_type == "special_cause_concern":
        return "concern_low" if direction == 1 else "concern_high"
    return _VARIATION_ICONS[variation_type]


def assurance(target: float | None, direction: int, lpl: float | None, upl: float | None) -> str | None:
    """``ptd_calculate_assurance_type`` on the last period: strict comparisons, so a target on a limit, or
    limits that do not exist, give "inconsistent"."""
    if target is None or not direction:
        return None
    if upl is not None and target > upl:
        return "consistent_fail" if direction == 1 else "consistent_pass"
    if lpl is not None and target < lpl:
        return "consistent_pass" if direction == 1 else "consistent_fail"
    return "inconsistent"
