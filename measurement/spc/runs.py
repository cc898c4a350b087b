"""Anhøj runs analysis, exactly as qicharts2 ``runs.analysis`` and ``crsignal`` (``R/helper.functions.R``
L1-40 and L96-100).

Only *useful* points count: points exactly on the centre line and missing points are dropped before runs
and crossings are counted, so they neither break nor extend a run and cannot make a crossing. A signal
needs the longest run to be *longer* than its limit or the crossings to be *fewer* than theirs; a value
equal to a limit is no signal.

The sides of the useful points are kept as bytes, one per point, so that run lengths and crossings are
substring searches done in C: the whole analysis must take a small fraction of a millisecond.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

# A point's side of the centre line as one byte, sign(y - cl) + 1, and MISSING for no value
BELOW, ON_CENTRE, ABOVE, MISSING = 0, 1, 2, 3
ABOVE_BYTE, BELOW_BYTE = bytes([ABOVE]), bytes([BELOW])


class UsefulPoints(NamedTuple):
    """The points off the centre line, in order: their indices, and their sides (one ABOVE or BELOW byte
    each)."""

    indices: list[int]
    sides: bytes


class Run(NamedTuple):
    """Consecutive useful points on one side of the centre line; ``side`` is +1 above, -1 below."""

    side: int
    indices: list[int]


class RunsAnalysis(NamedTuple):
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    signal: bool
    long_runs: tuple[Run, ...]  # runs longer than longest_run_max: the points behind a long-run signal


@lru_cache(maxsize=1024)
def longest_run_limit(n_useful: int) -> int:
    """``round(log2(n)) + 3`` (Schilling 2012). R rounds half to even, but log2 of a whole number is never
    x.5, so Python's round gives the same."""
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=1024)
def crossings_limit(n_useful: int) -> int:
    """``qbinom(0.05, max(n - 1, 0), 0.5)``: the smallest k with P(Bin(m, 1/2) <= k) >= 0.05, in whole
    numbers: P(<= k) is (C(m, 0) + ... + C(m, k)) / 2^m, and 2^m / 20 is never whole, so no tie can arise."""
    trials = max(n_useful - 1, 0)
    total = 1 << trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:
            return k
    raise AssertionError("the binomial distribution sums to 1")  # pragma: no cover


def useful_points(indices: Sequence[int], values: Sequence[float], centre: float) -> UsefulPoints:
    """R's ``sign(y - cl)`` for present points, zeros dropped; an undefined centre leaves no useful point."""
    if centre != centre:
        return UsefulPoints([], b"")
    sides = bytes([ABOVE if value > centre else BELOW for value in values if value != centre])
    if centre in values:
        return UsefulPoints([i for i, value in zip(indices, values, strict=True) if value != centre], sides)
    return UsefulPoints(list(indices), sides)


def useful_from_codes(indices: Sequence[int], codes: bytes) -> UsefulPoints:
    """Useful points from the coded sides of every point (ON_CENTRE and MISSING ones included)."""
    sides = codes.translate(None, bytes([ON_CENTRE, MISSING]))
    if len(sides) == len(codes):
        return UsefulPoints(list(indices), sides)
    return UsefulPoints([i for i, code in zip(indices, codes, strict=True) if code in (BELOW, ABOVE)], sides)


def longest_run(sides: bytes) -> int:
    length = 1
    while ABOVE_BYTE * (length + 1) in sides or BELOW_BYTE * (length + 1) in sides:
        length += 1
    return length


def runs_at_least(points: UsefulPoints, length: int) -> tuple[Run, ...]:
    """The runs of ``length`` or more points."""
    sides, indices = points.sides, points.indices
    return tuple(
        Run(1 if sides[start] == ABOVE else -1, indices[start:end]) for start, end in run_spans(sides, length)
    )


def run_spans(sides: bytes, length: int) -> list[tuple[int, int]]:
    """[start, end) of the runs of ``length`` or more points, as positions in ``sides``."""
    return [match.span() for match in _runs_pattern(length).finditer(sides)]


@lru_cache(maxsize=64)
def _runs_pattern(length: int) -> re.Pattern[bytes]:
    return re.compile(b"\\x%02x{%d,}|\\x%02x{%d,}" % (BELOW, length, ABOVE, length))


def anhoej_runs(points: UsefulPoints, n_obs: int) -> RunsAnalysis:
    """Runs analysis of one chart part; ``n_obs`` counts every included point, missing and on-centre too."""
    sides = points.sides
    n_useful = len(sides)
    if not n_useful:  # helper.functions.R L23-29
        return RunsAnalysis(n_obs, 0, None, None, None, None, False, ())
    longest = longest_run(sides)
    longest_max = longest_run_limit(n_useful)
    crossings = sides.count(BELOW_BYTE + ABOVE_BYTE) + sides.count(ABOVE_BYTE + BELOW_BYTE)
    crossings_min = crossings_limit(n_useful)
    return RunsAnalysis(
        n_obs,
        n_useful,
        longest,
        longest_max,
        crossings,
        crossings_min,
        longest > longest_max or crossings < crossings_min,
        runs_at_least(points, longest_max + 1) if longest > longest_max else (),
    )
