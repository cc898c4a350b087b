"""Small-multiple charts: a measure's recent values and centre line as a tiny accessible SVG.

Drawn here rather than by Vega-Lite (docs/adr/003-charts.md) because a dashboard shows hundreds of them and
each must cost microseconds; the full chart, with limits and a data table, is one link away.
"""

from functools import lru_cache
from html import escape

from .icons import VARIATION, assurance_label, variation_label

WIDTH, HEIGHT, PAD = 160, 48, 4
LINE = "#005eb8"  # NHS blue
CENTRE = "#4c6272"  # NHS dark grey


def _scale(values: list[float], lowest: float, highest: float) -> list[float]:
    span = (highest - lowest) or 1.0
    return [HEIGHT - PAD - (value - lowest) / span * (HEIGHT - 2 * PAD) for value in values]


def _points(xs: list[float], ys: list[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


# A dashboard draws the same sparklines for reader after reader until a point changes; a few MB at most.
@lru_cache(maxsize=2048)
def sparkline_svg(
    *,
    element_id: str,
    values: tuple[float, ...],
    centre: tuple[float | None, ...],
    variation_icon: str | None,
    title: str,
    description: str,
) -> str:
    """An SVG of `values` with the centre line dashed and the latest point in its variation icon's colour.
    `title` and `description` are read out by screen readers; every text is escaped here."""
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    head = (
        f'<svg role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'class="ae-sparkline" focusable="false">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>'
    )
    if not values:
        return head + "</svg>"
    known_centre = [value for value in centre if value is not None]
    lowest = min([*values, *known_centre])
    highest = max([*values, *known_centre])
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    xs = [PAD + index * step for index in range(len(values))]
    ys = _scale(list(values), lowest, highest)
    parts = [head]
    centre_points = [(x, value) for x, value in zip(xs, centre, strict=True) if value is not None]
    if centre_points:
        centre_ys = _scale([value for _, value in centre_points], lowest, highest)
        parts.append(
            f'<polyline points="{_points([x for x, _ in centre_points], centre_ys)}" fill="none" '
            f'stroke="{CENTRE}" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    parts.append(f'<polyline points="{_points(xs, ys)}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
    latest_colour = VARIATION[variation_icon][0] if variation_icon in VARIATION else LINE
    parts.append(f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="3" fill="{latest_colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline_description(summary, latest_text: str) -> str:
    """What a sparkline of a measure's cached summary shows, for its <desc> and its card."""
    parts = [
        f"The last {len(summary.recent_values)} of {summary.points} periods, the dashed line the mean.",
        f"Latest value {latest_text}.",
        variation_label(summary.variation_icon) + ".",
    ]
    if summary.assurance_icon:
        parts.append(assurance_label(summary.assurance_icon) + ".")
    return " ".join(parts)
