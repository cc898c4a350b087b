"""The one chart renderer: a Vega-Lite spec built from the engine's result, rendered to SVG on the server with
vl-convert, given a <title> and <desc> that state its finding, and cached. The same SVG goes in pages and PDFs
(docs/adr/003-charts.md)."""

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import vl_convert
from django.core.cache import cache
from django.db.models import Exists, Max, OuterRef

from coproduction.models import PdsaCycle, PdsaCyclePartner

from .analysis import MeasureAnalysis
from .models import Measure

CACHE_SECONDS = 24 * 60 * 60

# Making Data Count's colours; each category also has its own shape, so colour is never the only cue.
CATEGORIES = {
    "Improvement": ("#41b6e6", "square"),
    "Concern": ("#ed8b00", "diamond"),
    "Neutral special cause": ("#7c2855", "triangle-up"),
    "Common cause": ("#768692", "circle"),
    "Outside the limits": ("#ed8b00", "diamond"),
    "Part of a shift": ("#41b6e6", "square"),
    "Excluded": ("#d8dde0", "cross"),
}
POINT_TYPE_CATEGORY = {
    "special_cause_improvement": "Improvement",
    "special_cause_concern": "Concern",
    "special_cause_neutral_high": "Neutral special cause",
    "special_cause_neutral_low": "Neutral special cause",
    "common_cause": "Common cause",
}
CHART_NAMES = {
    "run": "run chart",
    "p": "P-chart",
    "xmr": "XmR chart",
    "i": "I chart",
    "pp": "P-prime chart",
    "u": "U chart",
}


@dataclass(frozen=True)
class Cycle:
    label: str
    starts_on: str


def project_cycles(measure: Measure, *, site_id: str = "") -> list[Cycle]:
    """The project's PDSA cycles that started; for one partner site's chart, only those of that partner or
    of no partner in particular (the whole pathway's)."""
    cycles = PdsaCycle.objects.filter(
        project_id=measure.project_id, organisation_id=measure.organisation_id, starts_on__isnull=False
    )
    if site_id:
        attributed = PdsaCyclePartner.objects.filter(
            organisation_id=measure.organisation_id, cycle=OuterRef("pk")
        )
        cycles = cycles.filter(~Exists(attributed) | Exists(attributed.filter(partner_id=site_id)))
    return [
        Cycle(f"{cycle.ramp.title} {cycle.number}", cycle.starts_on.isoformat())
        for cycle in cycles.select_related("ramp").order_by("starts_on")
    ]


def point_category(analysis: MeasureAnalysis, index: int) -> str:
    point = analysis.result["points"][index]
    if point.get("excluded"):
        return "Excluded"
    if analysis.chart == "xmr":
        return POINT_TYPE_CATEGORY[point["point_type"]]
    if analysis.chart == "run":
        shift_points = set((analysis.result.get("ihi") or {}).get("shift_points", []))
        part = analysis.result["parts"][point["part"]]
        return "Part of a shift" if part["runs_signal"] and index in shift_points else "Common cause"
    return "Outside the limits" if point.get("sigma_signal") else "Common cause"


def chart_key(analysis: MeasureAnalysis) -> list[dict]:
    """The categories drawn on this chart, each with its colour and shape, for the key beside it."""
    if not analysis.has_data:
        return []
    present = {point_category(analysis, index) for index in range(len(analysis.periods))}
    return [
        {"name": name, "colour": colour, "shape": shape}
        for name, (colour, shape) in CATEGORIES.items()
        if name in present
    ]


def chart_finding(measure: Measure, analysis: MeasureAnalysis) -> str:
    """One or two sentences saying what the chart shows, for <desc> and the page."""
    if not analysis.has_data:
        return f"No data has been entered for {measure.name} yet."
    latest = analysis.latest
    unit = "%" if measure.unit == Measure.Unit.PERCENT else f" {measure.get_unit_display().lower()}"
    period = latest.label[0].lower() + latest.label[1:]
    sentences = [f"The latest value, for the {period}, is {latest.value:.1f}{unit}."]
    last_point = analysis.result["points"][-1]
    if last_point.get("reason"):
        sentences.append(last_point["reason"][0].upper() + last_point["reason"][1:] + ".")
    elif analysis.part_reasons:
        sentences.append(analysis.part_reasons[-1][0].upper() + analysis.part_reasons[-1][1:] + ".")
    else:
        sentences.append("The variation is what chance alone would explain: no sign of a change.")
    if analysis.chart == "xmr" and analysis.result.get("assurance_type"):
        assurance = {
            "consistent_pass": "The target will be met consistently.",
            "consistent_fail": "The target will not be met without a change to the process.",
            "inconsistent": "The target will be met some weeks and missed others.",
        }[analysis.result["assurance_type"]]
        sentences.append(assurance)
    return " ".join(sentences)


def chart_spec(
    measure: Measure, analysis: MeasureAnalysis, cycles: list[Cycle], *, width: int = 640, height: int = 260
) -> dict:
    values = []
    for index, period in enumerate(analysis.periods):
        point = analysis.result["points"][index]
        values.append(
            {
                "period": period.start.isoformat(),
                "value": round(period.value, 2),
                "centre": point.get("centre")
                if analysis.chart != "run"
                else analysis.result["parts"][point["part"]]["centre"],
                "ucl": point.get("ucl"),
                "lcl": point.get("lcl"),
                "part": point["part"],
                "category": point_category(analysis, index),
            }
        )
    y_title = (
        f"{measure.name} ({'%' if measure.unit == Measure.Unit.PERCENT else measure.get_unit_display()})"
    )
    x = {
        "field": "period",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %y", "labelAngle": 0, "tickCount": 8},
    }
    layers = [
        {
            "mark": {"type": "line", "color": "#768692", "strokeWidth": 1.5},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": y_title}},
        },
        {
            "mark": {"type": "line", "color": "#212b32", "strokeWidth": 1.5, "interpolate": "step-after"},
            "encoding": {
                "x": x,
                "y": {"field": "centre", "type": "quantitative"},
                "detail": {"field": "part"},
            },
        },
    ]
    if analysis.chart != "run":
        for limit in ("ucl", "lcl"):
            layers.append(
                {
                    "mark": {
                        "type": "line",
                        "color": "#425563",
                        "strokeDash": [4, 3],
                        "strokeWidth": 1,
                        "interpolate": "step-after",
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": limit, "type": "quantitative"},
                        "detail": {"field": "part"},
                    },
                }
            )
    categories = [name for name in CATEGORIES if any(v["category"] == name for v in values)]
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "size": 60, "opacity": 1},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "category",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": categories, "range": [CATEGORIES[c][0] for c in categories]},
                    "legend": None,  # the key is HTML beside the chart (chart_key), in pages and PDFs alike
                },
                "shape": {
                    "field": "category",
                    "type": "nominal",
                    "scale": {"domain": categories, "range": [CATEGORIES[c][1] for c in categories]},
                },
            },
        }
    )
    if measure.target is not None:
        layers.append(
            {
                "data": {"name": "target"},
                "layer": [
                    {
                        "mark": {
                            "type": "rule",
                            "color": "#007f3b",
                            "strokeDash": [8, 4],
                            "strokeWidth": 1.5,
                        },
                        "encoding": {"y": {"field": "target", "type": "quantitative"}},
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "left",
                            "dx": 4,
                            "dy": -6,
                            "color": "#007f3b",
                            "x": 0,
                        },
                        "encoding": {
                            "y": {"field": "target", "type": "quantitative"},
                            "text": {"value": "Target"},
                        },
                    },
                ],
            }
        )
    first, last = analysis.periods[0].start.isoformat(), analysis.periods[-1].start.isoformat()
    shown_cycles = [c for c in cycles if first <= c.starts_on <= last]
    if shown_cycles:
        layers.append(
            {
                "data": {"name": "cycles"},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#005eb8", "strokeWidth": 1, "strokeDash": [2, 2]},
                        "encoding": {"x": x},
                    },
                    {
                        "mark": {
                            "type": "text",
                            "angle": 270,
                            "align": "right",
                            "baseline": "bottom",
                            "dx": -4,
                            "dy": -2,
                            "y": 0,
                            "fontSize": 10,
                            "color": "#005eb8",
                        },
                        "encoding": {"x": x, "text": {"field": "label"}},
                    },
                ],
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "height": height,
        "background": "white",
        "data": {"name": "points"},
        # Named data sets: the spec without them depends only on the chart's shape, so its compiled Vega is
        # reused (see _to_svg).
        "datasets": {
            "points": values,
            "target": [{"target": float(measure.target)}] if measure.target is not None else [],
            "cycles": [{"period": c.starts_on, "label": c.label} for c in shown_cycles],
        },
        "layer": layers,
        "config": {
            "font": "Arial",
            "axis": {"labelFontSize": 11, "titleFontSize": 12},
            "legend": {"labelFontSize": 11},
        },
    }


def _cycles_fingerprint(measure: Measure) -> str:
    changed = PdsaCycle.objects.filter(project_id=measure.project_id).aggregate(changed=Max("updated_at"))[
        "changed"
    ]
    return str(changed)


def measure_chart_svg(
    measure: Measure, analysis: MeasureAnalysis, *, small: bool = False, site_name: str = ""
) -> str:
    """The chart as accessible SVG markup, from cache when neither data, measure nor cycles changed. One
    site's chart of a per-site measure (`analysis.site_id`) is drawn compact, for small multiples, and named
    by `site_name`."""
    if not analysis.has_data:
        return ""
    fingerprint = hashlib.sha256(
        f"{analysis.measure_id}:{analysis.site_id}:{site_name}:{analysis.chart}:{len(analysis.periods)}:"
        f"{analysis.result['points'][-1]}:{measure.version}:{measure.updated_at}:"
        f"{_cycles_fingerprint(measure)}:{small}".encode()
    ).hexdigest()[:24]
    key = f"measure-chart:{fingerprint}"
    svg = cache.get(key)
    if svg is None:
        cycles = project_cycles(measure, site_id=analysis.site_id)
        svg = render_svg(measure, analysis, cycles, small=small, site_name=site_name)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def render_svg(
    measure: Measure,
    analysis: MeasureAnalysis,
    cycles: list[Cycle],
    *,
    small: bool = False,
    site_name: str = "",
) -> str:
    compact = bool(analysis.site_id)
    width, height = (260, 110) if small else (320, 170) if compact else (640, 260)
    spec = chart_spec(measure, analysis, [] if small else cycles, width=width, height=height)
    if small or compact:
        # A thumbnail or one of several sites: its finding is in <desc> and beside it; axis titles and a
        # legend would crowd it.
        spec["config"]["axis"].update({"labelFontSize": 10, "tickCount": 3 if small else 4})
        spec["config"]["legend"] = {"disable": True}
        for layer in spec["layer"]:
            if "y" in layer.get("encoding", {}):
                layer["encoding"]["y"]["title"] = None
    svg = _to_svg(spec)
    if site_name:
        title = f"{measure.name}, {site_name}: {CHART_NAMES[analysis.chart]}"
    elif analysis.pathway:
        title = f"{measure.name}, the whole pathway: {CHART_NAMES[analysis.chart]}"
    else:
        title = f"{measure.name}: {CHART_NAMES[analysis.chart]}"
    return _accessible(
        svg, title=title, desc=chart_finding(measure, analysis), element_id=analysis.element_id
    )


def _to_svg(spec: dict) -> str:
    """Render a spec whose data are named data sets. Compiling Vega-Lite to Vega takes a fifth of the time and
    depends only on the chart's shape (layers, titles, categories), so it is done once per shape."""
    datasets = spec.pop("datasets")
    vega = json.loads(_compiled_vega(json.dumps(spec, sort_keys=True)))
    for entry in vega["data"]:
        if entry.get("name") in datasets:
            entry["values"] = datasets[entry["name"]]
    return vl_convert.vega_to_svg(vega)


@lru_cache(maxsize=256)
def _compiled_vega(spec_json: str) -> str:
    return json.dumps(vl_convert.vegalite_to_vega(json.loads(spec_json)))


def _accessible(svg: str, *, title: str, desc: str, element_id: str) -> str:
    """Name the chart for assistive technology and let it scale to its container."""
    opening = re.match(r"<svg[^>]*>", svg).group(0)
    new_opening = opening.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{element_id}-title {element_id}-desc" ', 1
    )
    new_opening = re.sub(r' width="\d+(\.\d+)?"', "", new_opening, count=1)
    new_opening = re.sub(r' height="\d+(\.\d+)?"', "", new_opening, count=1)
    header = (
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
    )
    return svg.replace(opening, new_opening + header, 1)
