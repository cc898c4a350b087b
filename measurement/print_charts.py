"""A lean SVG chart for printed reports: the same content as the web chart (measurement/charts.py), drawn
straight from the cached analysis in a millisecond, with as few nodes and <text> elements as possible,
because WeasyPrint's time grows with every SVG element and every piece of SVG text it lays out.

Each series is one <path>: the values, the centre line (its steps show rebases), both process limits, the
target, the PDSA cycle starts, and one <path> per point category holding every point of that category in
its colour and shape; the key's samples join their series' paths, so only its words add elements."""

import math
from datetime import date
from html import escape

from .analysis import MeasureAnalysis
from .charts import (
    CATEGORIES,
    CHART_NAMES,
    Cycle,
    chart_finding,
    point_category,  # the web chart's own rule, so the colours match
    project_cycles,
)
from .models import Measure

WIDTH, HEIGHT = 640, 236
LEFT, RIGHT, TOP = 46, 12, 20
PLOT_BOTTOM = 182  # x labels below it, then the legend
X_LABEL_Y, LEGEND_Y = 197, 222
MARKER = 3.6
FONT = 'font-family="Arial, Liberation Sans, sans-serif"'
CYCLE_LABELS_AT_MOST = 6

INK, GRID, VALUE_LINE, LIMITS, TARGET, CYCLES = (
    "#212b32",
    "#d8dde0",
    "#768692",
    "#425563",
    "#007f3b",
    "#005eb8",
)


def _n(value: float) -> str:
    """A coordinate with at most one decimal: shorter markup, no visible difference at print size."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _shape(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """One point's marker as a sub-path, so a category's points share one <path>. Circles and squares
    are strokes of a tiny line with a round or square end (see _marker_paint): two commands each, where
    an outline would need arcs or five commands, for WeasyPrint to read and draw."""
    if shape == "circle":
        return f"M{_n(x)} {_n(y)}h0.01"
    if shape == "square":
        return f"M{_n(x - r)} {_n(y)}h{_n(2 * r)}"
    if shape == "diamond":
        d = r * 1.3
        return f"M{_n(x)} {_n(y - d)}l{_n(d)} {_n(d)}l{_n(-d)} {_n(d)}l{_n(-d)} {_n(-d)}z"
    if shape == "triangle-up":
        d = r * 1.25
        return f"M{_n(x)} {_n(y - d)}l{_n(d)} {_n(2 * d)}h{_n(-2 * d)}z"
    a, b = r, r / 3  # a cross
    return (
        f"M{_n(x - b)} {_n(y - a)}h{_n(2 * b)}v{_n(a - b)}h{_n(a - b)}v{_n(2 * b)}h{_n(b - a)}"
        f"v{_n(a - b)}h{_n(-2 * b)}v{_n(b - a)}h{_n(b - a)}v{_n(-2 * b)}h{_n(a - b)}z"
    )


def _marker_paint(shape: str, colour: str, r: float = MARKER) -> str:
    if shape == "circle":
        return f'fill="none" stroke="{colour}" stroke-width="{_n(2 * r)}" stroke-linecap="round"'
    if shape == "square":
        return f'fill="none" stroke="{colour}" stroke-width="{_n(2 * r)}"'
    return f'fill="{colour}"'


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About `count` round tick values covering low..high (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw)
    ticks, multiple = [], math.floor(low / step)
    while not ticks or ticks[-1] < high:
        ticks.append(round(multiple * step, 10))
        multiple += 1
    return ticks


def _tick_text(value: float) -> str:
    return f"{value:,.10g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _step_path(xs: list[float], ys: list[float | None], parts: list[int], right_edge: float) -> str:
    """Step-after lines: each value holds until the next period; a new part (a rebase) starts a new
    sub-path, so its step shows where the process was rebased. A missing value breaks the line."""
    pieces, level = [], None  # level: the y of the line being drawn, None between lines
    for index, y in enumerate(ys):
        x = _n(xs[index])
        if level is not None and (y is None or parts[index] != parts[index - 1]):
            pieces.append(f"H{x}")
            level = None
        if y is None:
            continue
        if level is None:
            pieces.append(f"M{x} {_n(y)}")
        elif _n(y) != level:
            pieces.append(f"H{x}V{_n(y)}")
        level = _n(y)
    if level is not None:
        pieces.append(f"H{_n(right_edge)}")
    return "".join(pieces)


def print_chart_svg(
    measure: Measure,
    analysis: MeasureAnalysis,
    *,
    cycles: list[Cycle] | None = None,
    title: str = "",
    description: str = "",
    unit: str = "",
    reference: tuple[float, str] | None = None,
) -> str:
    """The measure's chart as lean, accessible SVG for a printed report ("" without data). `cycles` are the
    project's PDSA cycles (read from the database when not given).

    Another series of the measure (the gap between two of its groups) gives its own `title`, `description`
    and `unit`, and a `reference` line (value, key text) drawn instead of the measure's target; a period
    whose value is None (left out) breaks the line and has no marker."""
    if not analysis.has_data or all(period.value is None for period in analysis.periods):
        return ""
    result, periods = analysis.result, analysis.periods
    points = result["points"]
    is_run = analysis.chart == "run"
    values = [period.value for period in periods]
    centres = [
        result["parts"][point["part"]]["centre"] if is_run else point.get("centre") for point in points
    ]
    parts = [point["part"] for point in points]
    ucls = [None if is_run else point.get("ucl") for point in points]
    lcls = [None if is_run else point.get("lcl") for point in points]
    if reference is not None:
        target, target_text = reference
    else:
        target = float(measure.target) if measure.target is not None else None
        target_text = "Target"

    known = [v for v in (*values, *centres, *ucls, *lcls, target) if v is not None]
    ticks = nice_ticks(min(0.0, *known), max(0.0, *known))
    y_low, y_high = ticks[0], ticks[-1]

    def y_of(value: float | None) -> float | None:
        if value is None:
            return None
        return PLOT_BOTTOM - (value - y_low) / (y_high - y_low) * (PLOT_BOTTOM - TOP)

    first, last = periods[0].start, periods[-1].start
    span = max((last - first).days, 1)
    plot_right = WIDTH - RIGHT
    inset = 6  # keeps the first and last markers off the axis

    def x_of(day: date) -> float:
        if first == last:
            return (LEFT + plot_right) / 2
        return LEFT + inset + (day - first).days / span * (plot_right - LEFT - 2 * inset)

    xs = [x_of(period.start) for period in periods]
    ys = [y_of(value) for value in values]
    element_id = f"pchart-{analysis.chart}-{analysis.measure_id.replace('-', '')[:12]}"
    if analysis.series:
        element_id += "-" + "".join(c if c.isalnum() else "-" for c in analysis.series.lower())
    title = title or f"{measure.name}: {CHART_NAMES[analysis.chart]}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" class="print-chart">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description or chart_finding(measure, analysis))}</desc>',
    ]
    grid = "".join(f"M{LEFT} {_n(y_of(tick))}H{plot_right}" for tick in ticks[1:])
    out.append(f'<path class="grid" d="{grid}" stroke="{GRID}" stroke-width="0.8" fill="none"/>')
    out.append(
        f'<path class="axes" d="M{LEFT} {TOP}V{PLOT_BOTTOM}H{plot_right}" stroke="{INK}" stroke-width="1" '
        'fill="none"/>'
    )

    shown_cycles = [c for c in (project_cycles(measure) if cycles is None else cycles) if _in(c, first, last)]
    cycle_xs = [x_of(date.fromisoformat(c.starts_on)) for c in shown_cycles]
    line_end = plot_right - inset
    series = [  # (legend key, legend text, path, stroke attributes)
        (
            "centre",
            "Median" if is_run else "Mean",
            _step_path(xs, [y_of(c) for c in centres], parts, line_end),
            f'stroke="{INK}" stroke-width="1.4"',
        ),
        (
            "limits",
            "Process limits",
            _step_path(xs, [y_of(v) for v in ucls], parts, line_end)
            + _step_path(xs, [y_of(v) for v in lcls], parts, line_end),
            f'stroke="{LIMITS}" stroke-width="1" stroke-dasharray="4 3"',
        ),
    ]
    if target is not None:
        series.append(
            (
                "target",
                target_text,
                f"M{LEFT} {_n(y_of(target))}H{plot_right}",
                f'stroke="{TARGET}" stroke-width="1.4" stroke-dasharray="8 4"',
            )
        )
    series = [entry for entry in series if entry[2]]
    by_category: dict[str, list[str]] = {}
    for index, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if y is None:
            continue
        name = point_category(analysis, index)
        by_category.setdefault(name, []).append(_shape(CATEGORIES[name][1], x, y))
    categories = [name for name in CATEGORIES if name in by_category]

    entries = [(name, name) for name in categories] + [(key, text) for key, text, _, _ in series]
    if shown_cycles:
        entries.append(("cycles", "PDSA cycle starts"))
    samples, words = _legend(entries)

    if shown_cycles:
        path = "".join(f"M{_n(x)} {TOP}V{PLOT_BOTTOM}" for x in cycle_xs) + samples.get("cycles", "")
        out.append(
            f'<path class="cycles" d="{path}" stroke="{CYCLES}" stroke-width="0.7" stroke-opacity="0.6" '
            'stroke-dasharray="2 2" fill="none"/>'
        )
        if len(shown_cycles) <= CYCLE_LABELS_AT_MOST:
            out.extend(
                f'<text transform="translate({_n(x + 3)} {TOP + 2}) rotate(90)" font-size="8" {FONT} '
                f'fill="{CYCLES}">{escape(cycle.label[:28])}</text>'
                for x, cycle in zip(cycle_xs, shown_cycles, strict=True)
            )
    line = "".join(
        f"{'L' if i and ys[i - 1] is not None else 'M'}{_n(x)} {_n(y)}"
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        if y is not None
    )
    out.append(f'<path class="values" d="{line}" stroke="{VALUE_LINE}" stroke-width="1.3" fill="none"/>')
    for key, _, path, stroke in series:
        out.append(f'<path class="{key}" d="{path}{samples.get(key, "")}" {stroke} fill="none"/>')
    for name in categories:
        out.append(
            f'<path class="points" d="{"".join(by_category[name])}{samples.get(name, "")}" '
            f"{_marker_paint(CATEGORIES[name][1], CATEGORIES[name][0])}/>"
        )

    labels = [
        f'<text x="{LEFT - 5}" y="{_n(y_of(t) + 3.5)}" text-anchor="end">{_tick_text(t)}</text>'
        for t in ticks
    ]
    unit = unit or ("%" if measure.unit == Measure.Unit.PERCENT else measure.get_unit_display())
    labels.append(f'<text x="{LEFT - 5}" y="{TOP - 9}" text-anchor="end">{escape(unit)}</text>')
    date_format = "%b %y" if measure.frequency == "monthly" else "%-d %b %y"
    for index in _x_tick_indices(len(periods)):
        labels.append(
            f'<text x="{_n(xs[index])}" y="{X_LABEL_Y}" text-anchor="{_anchor(index, len(periods))}">'
            f"{periods[index].start.strftime(date_format)}</text>"
        )
    # Tick labels share their font and colour through one group rather than repeating them on each.
    return (
        "".join(out)
        + f'<g font-size="10" {FONT} fill="{INK}">'
        + "".join(labels)
        + "".join(words)
        + "</g></svg>"
    )


def _legend(entries: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The key along the bottom: each entry's sample as a sub-path for its series' <path> (so the key adds
    no elements but its words), and the words. Entries that do not fit are left off; the text beneath the
    chart says what it shows."""
    x, samples, words = float(LEFT), {}, []
    for key, text in entries:
        width = 30 + 5.4 * len(text)
        if x + width > WIDTH - RIGHT and x > LEFT:
            break
        if key in CATEGORIES:
            samples[key] = _shape(CATEGORIES[key][1], x + 6, LEGEND_Y - 3)
        elif key == "cycles":
            samples[key] = f"M{_n(x + 6)} {LEGEND_Y - 9}v12"
        else:
            samples[key] = f"M{_n(x)} {LEGEND_Y - 3}h14"
        words.append(f'<text x="{_n(x + 18)}" y="{LEGEND_Y}">{escape(text)}</text>')
        x += width
    return samples, words


def _anchor(index: int, count: int) -> str:
    """The first and last date labels hang inwards, so they stay inside the chart."""
    if count > 1 and index == 0:
        return "start"
    return "end" if count > 1 and index == count - 1 else "middle"


def _in(cycle: Cycle, first: date, last: date) -> bool:
    return first.isoformat() <= cycle.starts_on <= last.isoformat()


def _x_tick_indices(count: int, at_most: int = 7) -> list[int]:
    """Evenly spaced periods to label, always the first and the last."""
    if count <= at_most:
        return list(range(count))
    step = (count - 1) / (at_most - 1)
    return sorted({round(i * step) for i in range(at_most)})
