"""Numeric helpers shared by the charts, following R's conventions for missing values.

A missing input value is ``None``. A statistic that R returns as ``NA``/``NaN`` (the mean of nothing, a
limit built from it) is ``math.nan`` inside the engine; :func:`finite_or_none` turns it into ``None`` when
the result is built, so the result is valid JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from operator import sub

NAN = math.nan
SCREEN_FACTOR = 3.267  # Nelson (1982) upper range limit: qicharts2 qic.i, PTD ptd_spc_standard.R L73-77


def mean(numbers: Sequence[float]) -> float:
    """Mean of numbers that are all present; NaN for none, like R's ``mean(numeric(0))``.

    R refines its mean with a second pass, ``s + sum(x - s) / n`` (``src/main/summary.c``); doing the same
    keeps the last bit of the mean, and so of every limit, equal to R's.
    """
    count = len(numbers)
    if not count:
        return NAN
    first = math.fsum(numbers) / count
    if not math.isfinite(first):
        return first
    return first + math.fsum([number - first for number in numbers]) / count


def median(numbers: Sequence[float]) -> float:
    """R's ``median``: the average of the two middle numbers when the count is even; NaN for none."""
    count = len(numbers)
    if not count:
        return NAN
    ordered = sorted(numbers)
    half = count // 2
    return ordered[half] if count % 2 else (ordered[half - 1] + ordered[half]) / 2


def present(values: Sequence[float | None]) -> Sequence[float]:
    return values if None not in values else [value for value in values if value is not None]


def present_points(
    indices: Sequence[int], values: Sequence[float | None]
) -> tuple[Sequence[int], Sequence[float]]:
    """The indices and values of the points at ``indices`` whose value is present, in order."""
    if indices and indices[-1] - indices[0] == len(indices) - 1:  # consecutive: slice rather than look up
        selected = values[indices[0] : indices[-1] + 1]
    else:
        selected = [values[i] for i in indices]
    if None not in selected:
        return indices, selected
    kept = [position for position, value in enumerate(selected) if value is not None]
    return [indices[position] for position in kept], [selected[position] for position in kept]


def moving_ranges(values: Sequence[float | None]) -> list[float]:
    """R's ``abs(diff(values))`` without the NAs: a missing value breaks the chain, no range spans it."""
    if None not in values:
        return [abs(difference) for difference in map(sub, values[1:], values)]
    return [abs(b - a) for a, b in pairwise(values) if a is not None and b is not None]


def mean_moving_range(ranges: Sequence[float], *, screen: bool) -> float:
    """Mean moving range; when screening, one pass drops ranges at or above 3.267 times the mean (strict
    ``<`` keeps, PTD ``ptd_spc_standard.R`` L73-77, qicharts2 ``qic.i``) and the mean is taken again."""
    average = mean(ranges)
    upper_range_limit = SCREEN_FACTOR * average
    if not screen or not ranges or max(ranges) < upper_range_limit:  # nothing to screen out
        return average
    return mean([r for r in ranges if r < upper_range_limit])


def finite_or_none(number: float) -> float | None:
    return number if math.isfinite(number) else None
