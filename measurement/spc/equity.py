"""Stratified analysis: the gap between the most and the least deprived group, "is the gap closing?", and
small-number suppression of stratified counts (issue 10; DOMAIN.md "Integrated care": equity is measured,
not assumed). Pure Python, standard library only, like the rest of the engine.

API
---

``gap_series(strata, *, measure="proportion", gap="difference", most_deprived, least_deprived)``
    -> ``list[float | None]``, one gap per period.

    ``strata`` maps each stratum key (a str or int, e.g. IMD quintile ``1`` ... ``5``) to its data, aligned
    by period, ``None`` for a missing period:

    - ``measure="proportion"``: ``{"numerators": [...], "denominators": [...]}``;
    - ``measure="count"``: ``{"numerators": [...]}`` or just the list of counts.

    ``gap="difference"``: most deprived minus least deprived, in percentage points for proportions
    (``(3/10 - 1/10)`` is ``20.0``) and in counts for counts; equality is 0. ``gap="ratio"``: most deprived
    divided by least deprived; equality is 1. A period's gap is ``None`` when either side is missing, when
    either group's denominator is 0 (nobody in the group that period: ``0`` of ``0``), and for a ratio when
    the least deprived group's value is 0. Every stratum is checked, not only the two compared.

``analyse_gap(strata, *, measure=..., gap=..., most_deprived, least_deprived, baseline=None, rebase=(),
exclude=())`` -> ``dict``

    The gap series analysed as a run chart: ``analyse("run", gap_values, baseline=, rebase=, exclude=)``, so
    ``baseline`` freezes the median on the first k periods and ``rebase`` starts new parts, exactly as the
    engine does (SPC.md §1.5). The finding is about the latest part (the process as it is now). Keys::

        measure, gap, most_deprived, least_deprived   as given
        unit          "percentage points" | "count" | "ratio"
        equality      0.0 for a difference, 1.0 for a ratio: the value at which there is no gap
        values        the gap series (gap_series)
        run_chart     the engine's result for the "run" kind (SPC.md §5)
        direction     "narrowing" | "widening" | "no_signal" | "too_few_points"
        finding       one plain-English sentence, e.g. "The gap has narrowed: 8 points in a row below the
                      baseline median (10.0 percentage points), more than chance alone explains (7 at most)"
        signal_points the 0-based periods behind the finding ([] without a signal)

    ``too_few_points``: the latest part has fewer than ``MIN_GAP_POINTS`` (10) gap values (present and not
    excluded); run-chart rules are not judged on fewer (qicharts2 vignette: "as few as 10").
    Otherwise ``no_signal`` unless the latest part has an Anhøj runs signal. With a signal, the run behind
    it is the latest run longer than the limit or, when only the crossings rule fired, the latest run; the
    gap is ``narrowing`` when that run's median distance from equality (``|gap|`` for a difference,
    ``|log gap|`` for a ratio, so 0.5 and 2 are as far from equal) is smaller than the centre line's, and
    ``widening`` otherwise: a shift that leaves the gap no nearer equality, including one that reverses it
    as far or further the other way, is not a narrowing. Whether the gap is above or below the median does
    not decide it: for a negative gap (the most deprived have lower uptake), "below the median" is wider.
    When the latest points are on the other side of the median from that run, the process has moved away
    from it since: a run wider than the centre then is a narrowing now (and a narrower one a widening), and
    the finding says so ("after 9 points in a row above the median ..., its latest 6 points are below it").

``suppress(table, *, threshold=7, row_totals="shown", column_totals="shown")`` -> ``dict``

    Small-number suppression of a table of counts before it leaves the team. ``table`` maps each stratum
    (row) to either one count (a one-dimensional table), a list of counts (columns = periods, by position)
    or a mapping of column key to count (columns = cells, the same keys in every row). ``None`` is a missing
    count: shown as missing, never suppressed, adding nothing to a total. Counts are whole numbers >= 0.

    Totals are computed from the counts (never typed twice). ``row_totals`` (each stratum's total across the
    columns; 2-D tables only) and ``column_totals`` (each column's total across the strata; in a 1-D table
    the one total) are each ``"shown"`` (in the table, and may be suppressed themselves), ``"public"``
    (known from elsewhere, e.g. the unstratified chart, so never suppressed and always usable to derive a
    cell) or ``"none"``. A 2-D table with any totals also has a grand total ("public" if either kind is).

    - **Primary:** every count from 1 to ``threshold`` that is shown, totals included, is suppressed.
      0 is shown, and so is every count above the threshold.
    - **Secondary:** a hidden count must not be derivable from the shown totals and the other shown cells.
      A group is the cells of a row or a column with its total (and the row totals, or the column totals,
      with the grand total). While a group has exactly one hidden member, the next smallest non-zero shown
      cell of the group is suppressed too (the first in table order on a tie) or, when there is none, its
      total; rows, then columns, then the margins, repeated until nothing changes. Among the cells, one
      whose other group also hides exactly one count is taken first, since it protects both groups (the
      plain "next smallest" rule can hide most of a table where a rectangle of four cells would do).
      Then, because in a 2-D table a cell can still be derived across several groups even when every
      group hides two, the hidden counts are checked exactly: the groups are the nodes of a graph whose
      edges are the counts, and a hidden count is derivable exactly when it is a bridge of the graph of
      hidden counts. Each such count is protected by also suppressing the cheapest chain of shown counts
      (smallest total, zeros only as a last resort) that closes a cycle through it.

    Returns ``threshold``; ``cells`` (the table's shape, ``None`` where suppressed or missing); for a 1-D
    table ``total``, for a 2-D table ``row_totals``, ``column_totals`` (a list for positional columns) and
    ``grand_total`` (each ``None`` where suppressed, or wholly ``None`` when not in the table);
    ``suppressed``: ``[{"row": r, "reason": "primary" | "secondary"}]`` for a 1-D table,
    ``[{"row": r, "column": c, "reason": ...}]`` for a 2-D one (cells row by row, then the row totals, the
    column totals and the grand total), where ``row`` ``None`` is the
    totals row and ``column`` ``None`` the totals column; and ``derivable``: the hidden counts that can
    still be worked out (only when ``"public"`` totals leave nothing else to suppress; show no such table;
    a secondary suppression that would be derivable anyway is shown instead, since hiding it hides nothing).
    The hidden counts themselves are never in the result.

Bad input raises ``SpcInputError`` (a ``ValueError``) whose message says what to change and whose ``field``
names the argument at fault.
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .analysis import analyse
from .arithmetic import median
from .runs import Run, runs_at_least, useful_points
from .validation import SpcInputError, _number_or_none

MEASURES = ("proportion", "count")
GAPS = ("difference", "ratio")
TOTALS = ("shown", "public", "none")
DEFAULT_SUPPRESSION_THRESHOLD = 7
MIN_GAP_POINTS = 10  # qicharts2 vignette: the run-chart rules apply "with as few as 10" points

NARROWING, WIDENING, NO_SIGNAL, TOO_FEW_POINTS = "narrowing", "widening", "no_signal", "too_few_points"
PRIMARY, SECONDARY = "primary", "secondary"

_STRATUM_KEYS = {"proportion": ("numerators", "denominators"), "count": ("numerators",)}


# ---------------------------------------------------------------------------------------------------------
# The gap between two groups


def gap_series(
    strata: Mapping[Hashable, Any],
    *,
    measure: str = "proportion",
    gap: str = "difference",
    most_deprived: Hashable,
    least_deprived: Hashable,
) -> list[float | None]:
    """The per-period gap between the most and the least deprived group (see the module docstring)."""
    measure, gap = _choice("measure", measure, MEASURES), _choice("gap", gap, GAPS)
    data = _strata(strata, measure)
    _compared(data, most_deprived, least_deprived)
    most, least = data[most_deprived], data[least_deprived]
    if measure == "count":
        return [_count_gap(gap, m, s) for m, s in zip(most[0], least[0], strict=True)]
    return [
        _proportion_gap(gap, nm, dm, ns, ds)
        for nm, dm, ns, ds in zip(most[0], most[1], least[0], least[1], strict=True)
    ]


def _count_gap(gap: str, most: float | None, least: float | None) -> float | None:
    if most is None or least is None:
        return None
    if gap == "difference":
        return float(most - least)
    return most / least if least else None


def _proportion_gap(
    gap: str, n_most: float | None, d_most: float | None, n_least: float | None, d_least: float | None
) -> float | None:
    if n_most is None or d_most is None or n_least is None or d_least is None or not d_most or not d_least:
        return None
    # One division each, so whole-number inputs give the correctly rounded gap (3/10 - 1/10 is exactly 20).
    if gap == "difference":
        return (n_most * d_least - n_least * d_most) * 100 / (d_most * d_least)
    return (n_most * d_least) / (n_least * d_most) if n_least else None


def _choice(field: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        listed = " or ".join(f'"{choice}"' for choice in choices)
        raise SpcInputError(field, f"Unknown {field} {value!r}: choose {listed}.")
    return value  # type: ignore[return-value]


def _strata(
    strata: object, measure: str
) -> dict[Hashable, tuple[list[float | None], list[float | None] | None]]:
    """Each stratum's numerators and (proportions) denominators, checked; every stratum has as many
    periods as the first."""
    if not isinstance(strata, Mapping):
        raise SpcInputError(
            "strata", f"strata must be a mapping of stratum to its data, not {type(strata).__name__}."
        )
    if not strata:
        raise SpcInputError("strata", "There are no strata: give the data of at least two groups.")
    data = {}
    periods: tuple[Hashable, int] | None = None
    for key, raw in strata.items():
        numerators, denominators = _stratum(key, raw, measure)
        if periods is None:
            periods = (key, len(numerators))
        elif len(numerators) != periods[1]:
            raise SpcInputError(
                "strata",
                f"Stratum {key!r} has {len(numerators)} periods but stratum {periods[0]!r} has {periods[1]}: "
                "give every stratum one value per period (None where it is missing).",
            )
        data[key] = (numerators, denominators)
    return data


def _stratum(
    key: Hashable, raw: object, measure: str
) -> tuple[list[float | None], list[float | None] | None]:
    label = f"strata[{key!r}]"
    expected = _STRATUM_KEYS[measure]
    shape = (
        '{"numerators": [...], "denominators": [...]}'
        if measure == "proportion"
        else '{"numerators": [...]} or a list of counts'
    )
    if measure == "count" and _is_sequence(raw):
        raw = {"numerators": raw}
    if not isinstance(raw, Mapping):
        raise SpcInputError("strata", f"{label} is {type(raw).__name__}: give {shape}.")
    for name in raw:
        if name not in expected:
            hint = (
                ' A count measure has no denominators: use measure="proportion" for numerators over '
                "denominators."
                if name == "denominators"
                else ""
            )
            raise SpcInputError("strata", f"{label} has an unknown key {name!r}: give {shape}.{hint}")
    for name in expected:
        if name not in raw:
            raise SpcInputError("strata", f"{label} has no {name}: give {shape}.")
    numerators = _values(f"{label}['numerators']", raw["numerators"])
    for index, number in enumerate(numerators):
        if number is not None and number < 0:
            raise SpcInputError(
                "strata", f"{label}['numerators'][{index}] is {number:g}: a count cannot be negative."
            )
    if measure == "count":
        return numerators, None
    denominators = _values(f"{label}['denominators']", raw["denominators"])
    if len(denominators) != len(numerators):
        raise SpcInputError(
            "strata",
            f"{label} has {len(numerators)} numerators but {len(denominators)} denominators: give one "
            "denominator for each numerator.",
        )
    for index, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
        where = f"{label}['denominators'][{index}]"
        if den is not None and den < 0:
            raise SpcInputError("strata", f"{where} is {den:g}: a denominator cannot be below zero.")
        if num is not None and den is not None and num > den:
            if den == 0:
                raise SpcInputError(
                    "strata",
                    f"{where} is 0 but its numerator is {num:g}: a denominator must be above zero where "
                    "there is a value (0 of 0 means nobody in the group that period).",
                )
            raise SpcInputError(
                "strata",
                f"{label}['numerators'][{index}] is {num:g} but its denominator is only {den:g}: "
                "a proportion cannot count more than its denominator.",
            )
    return numerators, denominators


def _is_sequence(raw: object) -> bool:
    return isinstance(raw, Sequence) and not isinstance(raw, str | bytes)


def _values(label: str, raw: object) -> list[float | None]:
    if not _is_sequence(raw):
        raise SpcInputError("strata", f"{label} must be a list of numbers, not {type(raw).__name__}.")
    return [_number_or_none("strata", f"{label}[{index}]", item) for index, item in enumerate(raw)]


def _compared(data: Mapping[Hashable, object], most: Hashable, least: Hashable) -> None:
    listed = ", ".join(repr(key) for key in data)
    for field, key in (("most_deprived", most), ("least_deprived", least)):
        if not isinstance(key, Hashable) or key not in data:
            raise SpcInputError(field, f"{field} is {key!r}, which is not one of the strata ({listed}).")
    if most == least:
        raise SpcInputError(
            "least_deprived",
            f"most_deprived and least_deprived are both {most!r}: compare two different groups.",
        )


# ---------------------------------------------------------------------------------------------------------
# Is the gap closing?


def analyse_gap(
    strata: Mapping[Hashable, Any],
    *,
    measure: str = "proportion",
    gap: str = "difference",
    most_deprived: Hashable,
    least_deprived: Hashable,
    baseline: int | None = None,
    rebase: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> dict:
    """The gap series, its run chart, and whether it is narrowing (see the module docstring)."""
    values = gap_series(
        strata, measure=measure, gap=gap, most_deprived=most_deprived, least_deprived=least_deprived
    )
    if not values:
        raise SpcInputError("strata", "The strata have no periods: give at least one value per stratum.")
    chart = analyse("run", values, baseline=baseline, rebase=rebase, exclude=exclude)
    unit = "ratio" if gap == "ratio" else "count" if measure == "count" else "percentage points"
    direction, finding, signal_points = _finding(values, chart, gap, unit, frozen=baseline is not None)
    return {
        "measure": measure,
        "gap": gap,
        "most_deprived": most_deprived,
        "least_deprived": least_deprived,
        "unit": unit,
        "equality": 1.0 if gap == "ratio" else 0.0,
        "values": values,
        "run_chart": chart,
        "direction": direction,
        "finding": finding,
        "signal_points": signal_points,
    }


def _finding(
    values: list[float | None], chart: dict, gap: str, unit: str, *, frozen: bool
) -> tuple[str, str, list[int]]:
    parts = chart["parts"]
    part = parts[-1]
    points = chart["points"]
    indices = [
        i for i in range(part["start"], part["end"]) if values[i] is not None and not points[i]["excluded"]
    ]
    if len(indices) < MIN_GAP_POINTS:
        since = " since the last rebase" if len(parts) > 1 else ""
        plural = "value" if len(indices) == 1 else "values"
        return (
            TOO_FEW_POINTS,
            f"Too few points to tell: the gap has {len(indices)} {plural}{since}, and run-chart rules need "
            f"at least {MIN_GAP_POINTS}",
            [],
        )
    if not part["runs_signal"]:
        return NO_SIGNAL, "No signal: the gap moves as chance alone would explain", []
    centre = part["centre"]
    useful = useful_points(indices, [values[i] for i in indices], centre)
    runs = runs_at_least(useful, 1)
    long_runs = [run for run in runs if len(run.indices) > part["longest_run_max"]]
    run = long_runs[-1] if long_runs else runs[-1]
    latest = runs[-1]
    narrower_run = _run_distance(run, values, gap) < _distance(centre, gap)
    # A long run in the past with the latest points on the other side of the median: the process has moved
    # away from that run since, so a wide run then is a narrower gap now (and a narrow one a wider gap).
    moved_since = latest.side != run.side
    narrowing = narrower_run != moved_since
    direction = NARROWING if narrowing else WIDENING
    median_name = "baseline median" if frozen and len(parts) == 1 else "median"
    centre_text = f"the {median_name} ({_formatted(centre, unit)})"
    where = "above" if run.side > 0 else "below"
    length = len(run.indices)
    if long_runs and moved_since:
        now = "above" if latest.side > 0 else "below"
        latest_points = "point is" if len(latest.indices) == 1 else f"{len(latest.indices)} points are"
        evidence = (
            f"after {length} points in a row {where} {centre_text}, more than chance alone explains "
            f"({part['longest_run_max']} at most), its latest {latest_points} {now} it"
        )
    elif long_runs:
        evidence = (
            f"{length} points in a row {where} {centre_text}, more than chance alone explains "
            f"({part['longest_run_max']} at most)"
        )
    else:
        latest_points = "point is" if length == 1 else f"{length} points are"
        evidence = (
            f"it {_crosses(part['n_crossings'], centre_text)} in {part['n_useful']} points, "
            f"fewer than chance alone explains ({part['n_crossings_min']} at least), "
            f"and its latest {latest_points} {where} it"
        )
    verdict = "The gap has narrowed" if narrowing else "The gap has widened"
    return direction, f"{verdict}: {evidence}", list(run.indices)


def _distance(value: float, gap: str) -> float:
    """How far a gap is from equality: |difference|, or |log ratio| (a ratio of 0 is infinitely far)."""
    if gap == "difference":
        return abs(value)
    return math.inf if value == 0 else abs(math.log(value))


def _run_distance(run: Run, values: list[float | None], gap: str) -> float:
    return median([_distance(values[i], gap) for i in run.indices])  # type: ignore[arg-type]


def _formatted(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"a ratio of {value:.2f}"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.1f} percentage points"


def _crosses(crossings: int, centre_text: str) -> str:
    if crossings == 0:
        return f"never crosses {centre_text}"
    if crossings == 1:
        return f"crosses {centre_text} only once"
    return f"crosses {centre_text} only {crossings} times"


# ---------------------------------------------------------------------------------------------------------
# Small-number suppression

_FREE = ("free",)  # every group that has no shown total: a count that reaches it is in no equation there
_ROW_MARGIN, _COLUMN_MARGIN = ("row totals",), ("column totals",)


class _Entry:
    """One shown count: a cell or a total, an edge between the two groups (nodes) it belongs to."""

    __slots__ = ("address", "count", "eligible", "ends", "order", "reason")

    def __init__(self, address: tuple, count: int, ends: tuple, eligible: bool, order: int) -> None:
        self.address = address
        self.count = count
        self.ends = ends
        self.eligible = eligible
        self.order = order
        self.reason: str | None = None


class _Group:
    """A node: members whose sum is ``total`` (None while the group is still being built)."""

    __slots__ = ("members", "total")

    def __init__(self) -> None:
        self.members: list[_Entry] = []
        self.total: _Entry | None = None


def suppress(
    table: Mapping[Hashable, Any],
    *,
    threshold: int = DEFAULT_SUPPRESSION_THRESHOLD,
    row_totals: str = "shown",
    column_totals: str = "shown",
) -> dict:
    """Small-number suppression with secondary suppression (see the module docstring)."""
    threshold = _threshold(threshold)
    row_totals = _totals_option("row_totals", row_totals)
    column_totals = _totals_option("column_totals", column_totals)
    shape, rows, columns, counts = _table(table)
    if shape == "1-D":
        row_totals = "none"
    entries, groups = _layout(shape, rows, columns, counts, row_totals, column_totals)
    for entry in entries:
        if entry.eligible and 1 <= entry.count <= threshold:
            entry.reason = PRIMARY
    _protect_groups(groups)
    derivable = _protect_bridges(entries)
    return _suppression_result(shape, rows, columns, entries, derivable, threshold)


def _threshold(threshold: object) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise SpcInputError(
            "threshold",
            f"The threshold is {threshold!r}: give a whole number of 0 or more (0 suppresses nothing).",
        )
    return threshold


def _totals_option(field: str, value: object) -> str:
    if value not in TOTALS:
        raise SpcInputError(field, f'{field} is {value!r}: choose "shown", "public" or "none".')
    return value  # type: ignore[return-value]


def _table(table: object) -> tuple[str, list, list, dict]:
    """The table's shape ("1-D", "positional" or "keyed"), its row and column keys, and its checked counts
    by (row, column); a 1-D table has the one column None."""
    if not isinstance(table, Mapping):
        raise SpcInputError(
            "table", f"table must be a mapping of stratum to counts, not {type(table).__name__}."
        )
    if not table:
        raise SpcInputError("table", "The table has no strata: give at least one row of counts.")
    rows = list(table)
    if None in rows:
        raise SpcInputError("table", "A stratum key is None: give every row a key (None marks a total).")
    first = table[rows[0]]
    shape = "keyed" if isinstance(first, Mapping) else "positional" if _is_sequence(first) else "1-D"
    columns: list = [None]
    if shape == "keyed":
        columns = list(first)
    elif shape == "positional":
        columns = list(range(len(first)))
    if shape != "1-D" and not columns:
        raise SpcInputError("table", f"table[{rows[0]!r}] has no counts: give at least one column.")
    if shape != "1-D" and None in columns:
        raise SpcInputError("table", "A column key is None: give every column a key (None marks a total).")
    counts = {}
    for row in rows:
        raw = table[row]
        label = f"table[{row!r}]"
        if shape == "1-D":
            if isinstance(raw, Mapping) or _is_sequence(raw):
                raise SpcInputError(
                    "table",
                    f"{label} is a {type(raw).__name__} but table[{rows[0]!r}] is one count: give "
                    "every row the same shape.",
                )
            counts[row, None] = _count(label, raw)
            continue
        if (shape == "keyed" and not isinstance(raw, Mapping)) or (
            shape == "positional" and not _is_sequence(raw)
        ):
            raise SpcInputError(
                "table",
                f"{label} is {type(raw).__name__} but table[{rows[0]!r}] is {type(first).__name__}: "
                "give every row the same shape.",
            )
        if shape == "keyed" and list(raw) != columns:
            raise SpcInputError(
                "table",
                f"{label} has columns {list(raw)!r} but table[{rows[0]!r}] has {columns!r}: "
                "give every stratum a count for each column, in the same order.",
            )
        if shape == "positional" and len(raw) != len(columns):
            raise SpcInputError(
                "table",
                f"{label} has {len(raw)} counts but table[{rows[0]!r}] has {len(columns)}: "
                "give every stratum a count for each column (None where it is missing).",
            )
        for column in columns:
            counts[row, column] = _count(f"{label}[{column!r}]", raw[column])
    return shape, rows, columns, counts


def _count(label: str, item: object) -> int | None:
    if item is None:
        return None
    if isinstance(item, bool) or not isinstance(item, numbers.Real | Decimal):
        raise SpcInputError(
            "table",
            f"{label} is {item!r}, which is not a count: give a whole number, or None if it is missing.",
        )
    if not (isinstance(item, int) or (math.isfinite(item) and item == int(item))):
        raise SpcInputError("table", f"{label} is {item!r}: a count must be a whole number (0, 1, 2, ...).")
    if item < 0:
        raise SpcInputError("table", f"{label} is {item!r}: a count cannot be negative.")
    return int(item)


def _layout(
    shape: str, rows: list, columns: list, counts: dict, row_totals: str, column_totals: str
) -> tuple[list[_Entry], dict[tuple, _Group]]:
    """The shown counts as edges between their groups, and the groups that have a total, in the order the
    secondary rule visits them: rows, columns, then the margins."""
    grand_total = "none"
    if shape != "1-D" and (row_totals != "none" or column_totals != "none"):
        grand_total = "public" if "public" in (row_totals, column_totals) else "shown"
    row_node = {row: ("row", row) if row_totals != "none" else _FREE for row in rows}
    column_node = {column: ("column", column) if column_totals != "none" else _FREE for column in columns}
    row_margin = _ROW_MARGIN if row_totals != "none" and grand_total != "none" else _FREE
    column_margin = _COLUMN_MARGIN if column_totals != "none" and grand_total != "none" else _FREE
    entries: list[_Entry] = []

    def add(address: tuple, count: int | None, ends: tuple, eligible: bool) -> None:
        if count is not None:
            entries.append(_Entry(address, count, ends, eligible, len(entries)))

    for row in rows:
        for column in columns:
            add((row, column), counts[row, column], (row_node[row], column_node[column]), True)
    row_sums = {row: sum(counts[row, c] or 0 for c in columns) for row in rows}
    column_sums = {column: sum(counts[r, column] or 0 for r in rows) for column in columns}
    if row_totals != "none":
        for row in rows:
            add((row, None), row_sums[row], (row_node[row], row_margin), row_totals == "shown")
    if column_totals != "none":
        for column in columns:
            add(
                (None, column),
                column_sums[column],
                (column_node[column], column_margin),
                column_totals == "shown",
            )
    if grand_total != "none":
        add((None, None), sum(row_sums.values()), (row_margin, column_margin), grand_total == "shown")
    groups: dict[tuple, _Group] = {}
    for node in [
        *dict.fromkeys(row_node.values()),
        *dict.fromkeys(column_node.values()),
        row_margin,
        column_margin,
    ]:
        if node != _FREE:
            groups.setdefault(node, _Group())
    for entry in entries:
        for position, node in enumerate(entry.ends):
            if node == _FREE:
                continue
            # A total is the entry of a group that sits in the margin beyond it: a row's total is its
            # second end, a margin's grand total is reached from both margins.
            if _is_total_of(entry, position, node):
                groups[node].total = entry
            else:
                groups[node].members.append(entry)
    return entries, groups


def _is_total_of(entry: _Entry, position: int, node: tuple) -> bool:
    row, column = entry.address
    if node in (_ROW_MARGIN, _COLUMN_MARGIN):
        return row is None and column is None
    return position == 0 and (column is None if node[0] == "row" else row is None)


def _protect_groups(groups: dict[tuple, _Group]) -> None:
    """While a group has exactly one hidden count, hide another of its shown non-zero cells, or else its
    total. Of the cells, one whose other group also has exactly one hidden count comes first (one more
    suppression then protects two groups), then the smallest, then the first in table order."""

    def hidden_in(group: _Group) -> int:
        return sum(e.reason is not None for e in group.members) + (
            group.total is not None and group.total.reason is not None
        )

    def protects_another(entry: _Entry, node: tuple) -> bool:
        other = entry.ends[1] if entry.ends[0] == node else entry.ends[0]
        return other != node and other in groups and hidden_in(groups[other]) == 1

    changed = True
    while changed:
        changed = False
        for node, group in groups.items():
            if hidden_in(group) != 1:
                continue
            candidates = [e for e in group.members if e.reason is None and e.eligible and e.count > 0]
            if candidates:
                chosen = min(candidates, key=lambda e: (not protects_another(e, node), e.count, e.order))
                chosen.reason = SECONDARY
                changed = True
            elif group.total is not None and group.total.reason is None and group.total.eligible:
                group.total.reason = SECONDARY
                changed = True


def _protect_bridges(entries: list[_Entry]) -> list[_Entry]:
    """Make every hidden count part of a cycle of hidden counts; return the small counts that cannot be
    (derivable)."""
    unprotectable: set[int] = set()
    while True:
        bridges = [
            e for e in _bridges([e for e in entries if e.reason is not None]) if e.order not in unprotectable
        ]
        if not bridges:
            break
        bridge = bridges[0]
        path = _cheapest_path(entries, bridge)
        if path is None:
            unprotectable.add(bridge.order)
            continue
        for entry in path:
            if entry.reason is None:
                entry.reason = SECONDARY
    # A secondary suppression that is itself derivable protects nothing: show it. (A bridge is on no cycle,
    # so showing it leaves every other count as derivable, or not, as it was.)
    for entry in entries:
        if entry.order in unprotectable and entry.reason == SECONDARY:
            entry.reason = None
    return [e for e in entries if e.order in unprotectable and e.reason is not None]


def _bridges(hidden: list[_Entry]) -> list[_Entry]:
    """The bridges of the multigraph of hidden counts (Tarjan, iteratively); a count whose two ends are the
    same free node is a loop, in no equation, and never a bridge."""
    adjacency: dict[tuple, list[tuple[tuple, _Entry]]] = {}
    for entry in hidden:
        u, v = entry.ends
        if u == v:
            continue
        adjacency.setdefault(u, []).append((v, entry))
        adjacency.setdefault(v, []).append((u, entry))
    discovered: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    found: list[_Entry] = []
    for root in adjacency:
        if root in discovered:
            continue
        discovered[root] = low[root] = len(discovered)
        stack: list[tuple[tuple, _Entry | None, int]] = [(root, None, 0)]
        while stack:
            node, via, position = stack[-1]
            neighbours = adjacency[node]
            if position < len(neighbours):
                stack[-1] = (node, via, position + 1)
                neighbour, entry = neighbours[position]
                if entry is via:
                    continue
                if neighbour in discovered:
                    low[node] = min(low[node], discovered[neighbour])
                else:
                    discovered[neighbour] = low[neighbour] = len(discovered)
                    stack.append((neighbour, entry, 0))
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > discovered[parent]:
                    found.append(via)  # type: ignore[arg-type]
    return sorted(found, key=lambda e: e.order)


def _cheapest_path(entries: list[_Entry], bridge: _Entry) -> list[_Entry] | None:
    """The cheapest chain of counts joining the bridge's two ends without it: hidden counts cost nothing,
    shown ones their count, shown zeros more than all the rest together; public totals cannot be used."""
    zero_cost = sum(e.count for e in entries) + 1
    adjacency: dict[tuple, list[tuple[tuple, _Entry, int]]] = {}
    for entry in entries:
        if entry is bridge or not (entry.eligible or entry.reason is not None):
            continue
        u, v = entry.ends
        cost = 0 if entry.reason is not None else entry.count or zero_cost
        adjacency.setdefault(u, []).append((v, entry, cost))
        adjacency.setdefault(v, []).append((u, entry, cost))
    start, goal = bridge.ends
    best = {start: 0}
    came_from: dict[tuple, tuple[tuple, _Entry]] = {}
    queue = [(0, 0, start)]
    tie = 0
    while queue:
        cost, _, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, entry = came_from[node]
                path.append(entry)
            return path
        if cost > best[node]:
            continue
        for neighbour, entry, step in adjacency.get(node, ()):
            if neighbour not in best or cost + step < best[neighbour]:
                best[neighbour] = cost + step
                came_from[neighbour] = (node, entry)
                tie += 1
                heapq.heappush(queue, (cost + step, tie, neighbour))
    return None


def _suppression_result(
    shape: str,
    rows: list,
    columns: list,
    entries: list[_Entry],
    derivable: list[_Entry],
    threshold: int,
) -> dict:
    shown = {e.address: (None if e.reason else e.count) for e in entries}

    def address(entry: _Entry) -> dict:
        row, column = entry.address
        return {"row": row} if shape == "1-D" else {"row": row, "column": column}

    def by_column(values: dict) -> list | dict:
        return [values[c] for c in columns] if shape == "positional" else dict(values)

    result: dict[str, Any] = {"threshold": threshold}
    if shape == "1-D":
        result["cells"] = {row: shown.get((row, None)) for row in rows}
        result["total"] = shown.get((None, None))
    else:
        result["cells"] = {row: by_column({c: shown.get((row, c)) for c in columns}) for row in rows}
        has_row_totals = any(e.address[1] is None and e.address[0] is not None for e in entries)
        has_column_totals = any(e.address[0] is None and e.address[1] is not None for e in entries)
        result["row_totals"] = {row: shown.get((row, None)) for row in rows} if has_row_totals else None
        result["column_totals"] = (
            by_column({c: shown.get((None, c)) for c in columns}) if has_column_totals else None
        )
        result["grand_total"] = shown.get((None, None))
    hidden = [e for e in entries if e.reason is not None]
    result["suppressed"] = [{**address(e), "reason": e.reason} for e in _table_order(hidden)]
    result["derivable"] = [address(e) for e in _table_order(derivable)]
    return result


def _table_order(entries: list[_Entry]) -> list[_Entry]:
    return sorted(entries, key=lambda e: e.order)
