"""IHI run-chart rules (Perla, Provost & Murray 2011, BMJ Qual Saf 20:46-51): shift, trend, too few or
too many runs. They are labelled annotations only; a run chart signals on the Anhøj rules (runs.py).

How "too few / too many runs" is judged. Perla's Table 1 gives limits by the number of useful observations,
derived from Swed & Eisenhart (1943) at about 5% risk. We compute the limits exactly instead, for the
observed numbers of useful points above (a) and below (b) the median. With a + b points in random order,
the number of runs R has the Swed-Eisenhart distribution, where N = C(a + b, a):

    P(R = 2k)     = 2 C(a-1, k-1) C(b-1, k-1) / N
    P(R = 2k + 1) = (C(a-1, k) C(b-1, k-1) + C(a-1, k-1) C(b-1, k)) / N

At 5% two-sided risk the runs are *too few* when P(R <= r) <= 2.5% and *too many* when P(R >= r) <= 2.5%,
the convention of the Swed & Eisenhart tables (a = b = 10: too few at 6 runs or fewer, too many at 16 or
more). The sums are whole numbers, so the comparison is exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from .runs import ABOVE_BYTE, RunsAnalysis, UsefulPoints, run_spans

SHIFT_LENGTH = 6  # 6 or more consecutive useful points on one side of the median
TREND_LENGTH = 5  # 5 or more points all going up or all going down (4 increases), like values counted once


class IhiAnalysis(NamedTuple):
    shift: bool
    trend: bool
    too_few_runs: bool
    too_many_runs: bool
    shift_points: list[int]
    trend_points: list[int]


@lru_cache(maxsize=4096)
def runs_count_limits(above: int, below: int) -> tuple[int, int]:
    """(most runs that are still too few, fewest runs that are already too many) at 5% two-sided risk,
    among the counts of runs that can happen: 0 when no count is too few, a + b + 1 when none is too many."""
    total_points = above + below
    if not above or not below:
        return 0, total_points + 1  # one run, with certainty: never a signal
    possible = range(2, 2 * min(above, below) + (above != below) + 1)
    frequencies = {runs: _runs_frequency(above, below, runs) for runs in possible}
    arrangements = math.comb(total_points, above)
    most_too_few, fewest_too_many = 0, total_points + 1
    cumulative = 0
    for runs in possible:
        cumulative += frequencies[runs]
        if 40 * cumulative <= arrangements:  # P(R <= runs) <= 1/40
            most_too_few = runs
    cumulative = 0
    for runs in reversed(possible):
        cumulative += frequencies[runs]
        if 40 * cumulative <= arrangements:  # P(R >= runs) <= 1/40
            fewest_too_many = runs
    return most_too_few, fewest_too_many


def _runs_frequency(above: int, below: int, runs: int) -> int:
    """Number of arrangements of a and b points with exactly ``runs`` runs (the Swed-Eisenhart numerator)."""
    k, odd = divmod(runs, 2)
    comb = math.comb
    if not odd:
        return 2 * comb(above - 1, k - 1) * comb(below - 1, k - 1)
    return comb(above - 1, k) * comb(below - 1, k - 1) + comb(above - 1, k - 1) * comb(below - 1, k)


def ihi_analysis(
    indices: Sequence[int], values: Sequence[float], useful: UsefulPoints, runs: RunsAnalysis
) -> IhiAnalysis:
    """IHI rules for one chart part. ``indices`` and ``values`` are its included, present points in order;
    ``useful`` are those off the median, and ``runs`` their Anhøj runs analysis."""
    shift_points: list[int] = []
    if runs.n_useful and runs.longest_run >= SHIFT_LENGTH:
        spans = run_spans(useful.sides, SHIFT_LENGTH)
        shift_points = [index for start, end in spans for index in useful.indices[start:end]]
    trend_points = _trend_points(indices, values)
    too_few, too_many = _runs_verdict(useful, runs)
    return IhiAnalysis(bool(shift_points), bool(trend_points), too_few, too_many, shift_points, trend_points)


def _trend_points(indices: Sequence[int], values: Sequence[float]) -> list[int]:
    """Points of every trend: 5 or more values each above (or each below) the one before, successive like
    values counting as one. A trend runs from the last of the like values it starts from to the first of
    those it ends on, ties inside included; a peak or trough belongs to both the rise and the fall."""
    flagged: set[int] = set()
    direction = steps = start = last_change = 0
    for position in range(1, len(values)):
        previous, value = values[position - 1], values[position]
        if value == previous:
            continue
        step = 1 if value > previous else -1
        if step == direction:
            steps += 1
        else:
            if steps >= TREND_LENGTH - 1:
                flagged.update(indices[start : last_change + 1])
            direction, steps, start = step, 1, position - 1
        last_change = position
    if steps >= TREND_LENGTH - 1:
        flagged.update(indices[start : last_change + 1])
    return sorted(flagged)


def _runs_verdict(useful: UsefulPoints, runs: RunsAnalysis) -> tuple[bool, bool]:
    if not runs.n_useful:
        return False, False
    above = useful.sides.count(ABOVE_BYTE)
    most_too_few, fewest_too_many = runs_count_limits(above, runs.n_useful - above)
    count = runs.n_crossings + 1
    return count <= most_too_few, count >= fewest_too_many
