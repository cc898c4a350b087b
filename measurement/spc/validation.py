"""Checks the arguments of ``analyse`` and turns them into one clean :class:`Request`.

Every problem raises :class:`SpcInputError`, a ``ValueError`` whose message says what to change and whose
``field`` names the argument, so a form can show the message next to the right input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

QIC_KINDS = ("run", "i", "p", "pp", "u")
KINDS = (*QIC_KINDS, "xmr")
KINDS_NEEDING_DENOMINATORS = frozenset({"p", "pp", "u"})
PROPORTION_KINDS = frozenset({"p", "pp"})
DIRECTIONS = {"increase": 1, "neutral": 0, "decrease": -1}
_PLAIN_TYPES = frozenset({float, int, type(None)})
XMR_MIN_BASELINE = 12  # PTD R/ptd_spc_options.R L60-70: fix_after_n_points must be >= 12


class SpcInputError(ValueError):
    """Bad input to ``analyse``; ``field`` is the name of the argument at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Request(NamedTuple):
    """The validated arguments. ``values`` are what the chart plots: numerator / denominator when there are
    denominators. A value whose numerator or denominator is missing is missing on both (qicharts2 ``R/qic.R``
    ``complete.cases(y, n)``)."""

    kind: str
    values: list[float | None]
    numerators: list[float | None]
    denominators: list[float | None] | None
    direction: int
    target: float | None
    baseline: int | None
    part_bounds: tuple[tuple[int, int], ...]
    excluded: frozenset[int]
    screen_outliers: bool


def validated_request(
    kind: object,
    values: object,
    *,
    denominators: object,
    improvement_direction: object,
    target: object,
    baseline: object,
    rebase: object,
    exclude: object,
    screen_outliers: object,
) -> Request:
    """Return the clean request, or raise :class:`SpcInputError` naming the first problem found."""
    kind = _kind(kind)
    numerators = _numbers("values", values)
    if not numerators:
        raise SpcInputError("values", "There are no values to analyse: give at least one number.")
    count = len(numerators)
    dens = _denominators(kind, denominators, count)
    plotted = numerators
    if dens is not None:
        numerators, dens = _blank_incomplete_pairs(numerators, dens)
        _check_counts(kind, numerators, dens)
        plotted = [None if n is None else n / d for n, d in zip(numerators, dens, strict=True)]
    return Request(
        kind,
        plotted,
        numerators,
        dens,
        _direction(improvement_direction),
        _target(target),
        _baseline(kind, baseline),
        _part_bounds(rebase, count),
        _excluded(kind, exclude, count),
        _flag("screen_outliers", screen_outliers),
    )


def _kind(kind: object) -> str:
    if kind not in KINDS:
        choices = ", ".join(f'"{k}"' for k in KINDS)
        raise SpcInputError("kind", f"Unknown chart kind {kind!r}: choose one of {choices}.")
    return kind  # type: ignore[return-value]


def _numbers(field: str, raw: object) -> list[float | None]:
    if isinstance(raw, str | bytes | dict) or not isinstance(raw, Iterable):
        raise SpcInputError(field, f"{field} must be a list of numbers, not {type(raw).__name__}.")
    items = list(raw)
    types = set(map(type, items))
    if types <= _PLAIN_TYPES and (plain := _plain_numbers(items, types)) is not None:
        return plain
    return [_number_or_none(field, f"{field}[{index}]", item) for index, item in enumerate(items)]


def _plain_numbers(items: list[float | int | None], types: set[type]) -> list[float | None] | None:
    """The usual case, checked in bulk for speed; None sends anything unusual to the one-by-one check."""
    try:
        converted = [float(item) if type(item) is int else item for item in items] if int in types else items
    except OverflowError:  # a whole number too big for a float
        return None
    # A finite sum means every value is finite (NaN and infinity spread); after an overflow, check one by one.
    return converted if math.isfinite(sum(filter(None, converted))) else None


def _number_or_none(field: str, label: str, item: object) -> float | None:
    if item is None:
        return None
    if isinstance(item, bool) or not isinstance(item, numbers.Real | Decimal):
        raise SpcInputError(
            field, f"{label} is {item!r}, which is not a number: give a number, or None if it is missing."
        )
    try:
        number = float(item)
    except OverflowError:
        number = math.inf
    if math.isfinite(number):
        return number
    if number != number:  # NaN is R's NA: a missing value
        return None
    raise SpcInputError(field, f"{label} is {item!r}: every value must be a finite number.")


def _denominators(kind: str, raw: object, count: int) -> list[float | None] | None:
    if raw is None:
        if kind in KINDS_NEEDING_DENOMINATORS:
            raise SpcInputError(
                "denominators", f'A "{kind}" chart needs denominators: give one denominator for each value.'
            )
        return None
    dens = _numbers("denominators", raw)
    if len(dens) != count:
        raise SpcInputError(
            "denominators",
            f"There are {count} values but {len(dens)} denominators: give one denominator for each value.",
        )
    for index, den in enumerate(dens):
        if den is not None and den <= 0:
            raise SpcInputError(
                "denominators", f"denominators[{index}] is {den:g}: every denominator must be above zero."
            )
    return dens


def _blank_incomplete_pairs(
    numerators: list[float | None], denominators: list[float | None]
) -> tuple[list[float | None], list[float | None]]:
    pairs = [
        (n, d) if n is not None and d is not None else (None, None)
        for n, d in zip(numerators, denominators, strict=True)
    ]
    return [n for n, _ in pairs], [d for _, d in pairs]


def _check_counts(kind: str, numerators: list[float | None], denominators: list[float | None]) -> None:
    if kind not in KINDS_NEEDING_DENOMINATORS:
        return
    for index, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
        if num is None:
            continue
        if num < 0:
            raise SpcInputError("values", f"values[{index}] is {num:g}: a count cannot be negative.")
        if kind in PROPORTION_KINDS and num > den:
            raise SpcInputError(
                "values",
                f"values[{index}] is {num:g} but its denominator is only {den:g}: "
                "a proportion cannot count more than its denominator.",
            )


def _direction(direction: object) -> int:
    if direction not in DIRECTIONS:
        raise SpcInputError(
            "improvement_direction",
            f'Unknown improvement direction {direction!r}: choose "increase", "decrease" or "neutral".',
        )
    return DIRECTIONS[direction]  # type: ignore[index]


def _target(target: object) -> float | None:
    if target is None:
        return None
    problem = f"The target is {target!r}: give one number, or None for no target."
    try:
        number = _number_or_none("target", "The target", target)
    except SpcInputError:
        raise SpcInputError("target", problem) from None
    if number is None:  # NaN
        raise SpcInputError("target", problem)
    return number


def _baseline(kind: str, baseline: object) -> int | None:
    if baseline is None:
        return None
    if isinstance(baseline, bool) or not isinstance(baseline, int):
        raise SpcInputError("baseline", f"The baseline is {baseline!r}: give a whole number of points.")
    if kind == "xmr" and baseline < XMR_MIN_BASELINE:
        raise SpcInputError(
            "baseline",
            f"The baseline is {baseline} points: an XmR chart needs at least {XMR_MIN_BASELINE} points to "
            "fix its limits on.",
        )
    if baseline < 1:
        raise SpcInputError("baseline", f"The baseline is {baseline}: give at least 1 point.")
    return baseline


def _indices(field: str, raw: object, count: int) -> set[int]:
    if isinstance(raw, tuple | list) and not raw:  # the usual case, answered quickly
        return set()
    if isinstance(raw, str | bytes | dict) or not isinstance(raw, Iterable):
        raise SpcInputError(field, f"{field} must be a list of positions, not {type(raw).__name__}.")
    indices = list(raw)
    for index in indices:
        if isinstance(index, bool) or not isinstance(index, int):
            raise SpcInputError(
                field, f"{field} contains {index!r}: give whole-number positions (0 = first value)."
            )
        if not 0 <= index < count:
            raise SpcInputError(
                field,
                f"{field} contains {index}, which is out of range: positions run from 0 to {count - 1}.",
            )
    return set(indices)


def _part_bounds(rebase: object, count: int) -> tuple[tuple[int, int], ...]:
    """(start, end) of each part. A rebase index is the first point of its new part; 0 changes nothing, as in
    qicharts2 ``makeparts`` (``R/helper.functions.R``) and PTD ``cumsum(rebase)``."""
    starts = sorted(_indices("rebase", rebase, count) | {0})
    return tuple(zip(starts, [*starts[1:], count], strict=True))


def _excluded(kind: str, exclude: object, count: int) -> frozenset[int]:
    excluded = frozenset(_indices("exclude", exclude, count))
    if excluded and kind == "xmr":
        raise SpcInputError(
            "exclude",
            "An XmR chart cannot exclude points (NHSRplotthedots has no exclusion): rebase instead, "
            'or use an "i" chart.',
        )
    return excluded


def _flag(field: str, flag: object) -> bool:
    if not isinstance(flag, bool):
        raise SpcInputError(field, f"{field} is {flag!r}: give True or False.")
    return flag
