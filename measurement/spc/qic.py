"""Run, I, P prime (Laney), P and U charts as qicharts2 computes them (``R/helper.functions.R``
``qic.run``, ``qic.i``, ``qic.p``, ``qic.pp``, ``qic.u``, ``qic.agg``; ``R/qic.R``).

Each part (``rebase``) gets its own centre line, limits and runs analysis. The centre and limits come from
the part's *base*: its included points, and only the first ``baseline`` points when one is given
(qicharts2 ``freeze``, ignored when there are parts, as ``R/qic.R`` L230 does). Excluded points leave the
centre, the limits and the runs analysis, but are still plotted and still get the 3-sigma signal
(``qic.agg`` L576-617).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from . import reasons
from .arithmetic import NAN, finite_or_none, mean, mean_moving_range, median, moving_ranges, present_points
from .ihi import IhiAnalysis, ihi_analysis
from .runs import RunsAnalysis, anhoej_runs, useful_points
from .validation import Request

D2 = 1.128  # bias constant of the moving range of two points: sigma = mean MR / d2 (Montgomery 6.33)


class Limits(NamedTuple):
    """Centre line of a part and its per-point control limits (``None`` for a run chart)."""

    centre: float
    upper: list[float] | None
    lower: list[float] | None


def analyse_qic(request: Request) -> dict:
    chart = CHARTS[request.kind]
    freeze = request.baseline if len(request.part_bounds) == 1 else None
    parts: list[dict] = []
    points: list[dict] = []
    ihi_parts: list[IhiAnalysis] = []
    for part_number, (start, end) in enumerate(request.part_bounds):
        included = _included(request.excluded, start, end)
        present_indices, present_values = present_points(included, request.values)
        if freeze is None:
            base, base_values = included, present_values
        else:
            base = [i for i in included if i < freeze]
            base_values = present_points(base, request.values)[1]
        limits = chart(request, start, end, base, base_values)
        useful = useful_points(present_indices, present_values, limits.centre)
        runs = anhoej_runs(useful, n_obs=len(included))
        parts.append(_part(request, start, end, limits, runs))
        points += _points(request, part_number, start, end, limits, runs)
        if request.kind == "run":
            ihi_parts.append(ihi_analysis(present_indices, present_values, useful, runs))
    if ihi_parts:
        return {"parts": parts, "points": points, "ihi": _combined_ihi(ihi_parts)}
    return {"parts": parts, "points": points}


def _included(excluded: frozenset[int], start: int, end: int) -> list[int]:
    if excluded and any(start <= i < end for i in excluded):
        return [i for i in range(start, end) if i not in excluded]
    return list(range(start, end))


# Each chart gets its part's bounds, its base indices and the base's present values.


def _run_limits(request: Request, start: int, end: int, base: list[int], base_values: list[float]) -> Limits:
    return Limits(median(base_values), None, None)


def _i_limits(request: Request, start: int, end: int, base: list[int], base_values: list[float]) -> Limits:
    centre = mean(base_values)
    # qic.i takes abs(diff(y[base] - cl[base])): ranges between successive base points (an excluded point is
    # bridged, a missing one breaks the chain) of the deviations, which can round differently from the values.
    values = request.values
    chain = [None if (value := values[i]) is None else value - centre for i in base]
    sigma = mean_moving_range(moving_ranges(chain), screen=request.screen_outliers) / D2
    upper, lower = centre + 3 * sigma, centre - 3 * sigma
    return Limits(centre, [upper] * (end - start), [lower] * (end - start))


def _p_limits(request: Request, start: int, end: int, base: list[int], base_values: list[float]) -> Limits:
    centre = _pooled_rate(request, base)
    sds = _binomial_sds(request, start, end, centre)
    return _clipped(centre, sds, upper_bound=1.0)


def _pp_limits(request: Request, start: int, end: int, base: list[int], base_values: list[float]) -> Limits:
    """Laney's P prime: the binomial sd times sigma_z, the moving-range spread of the standardised values."""
    centre = _pooled_rate(request, base)
    sds = _binomial_sds(request, start, end, centre)
    values = request.values
    z_scores = [
        None if values[i] is None or not sds[i - start] else (values[i] - centre) / sds[i - start]
        for i in base
    ]
    sigma_z = mean_moving_range(moving_ranges(z_scores), screen=request.screen_outliers) / D2
    return _clipped(centre, [sd * sigma_z for sd in sds], upper_bound=1.0)


def _u_limits(request: Request, start: int, end: int, base: list[int], base_values: list[float]) -> Limits:
    centre = _pooled_rate(request, base)
    denominators = request.denominators
    sds = [NAN if (n := denominators[i]) is None else math.sqrt(centre / n) for i in range(start, end)]
    return _clipped(centre, sds, upper_bound=None)


def _pooled_rate(request: Request, base: list[int]) -> float:
    """Σ numerators / Σ denominators over the base (p̄, ū)."""
    numerators, denominators = request.numerators, request.denominators
    pairs = [(numerators[i], denominators[i]) for i in base if numerators[i] is not None]
    total = math.fsum(d for _, d in pairs)
    return math.fsum(n for n, _ in pairs) / total if total else NAN


def _binomial_sds(request: Request, start: int, end: int, centre: float) -> list[float]:
    variance = centre * (1 - centre)
    denominators = request.denominators
    return [NAN if (n := denominators[i]) is None else math.sqrt(variance / n) for i in range(start, end)]


def _clipped(centre: float, sds: Sequence[float], upper_bound: float | None) -> Limits:
    """centre ± 3 sd; the LCL is clipped at 0 and, for proportions, the UCL at 1 (``qic.p``, ``qic.u``).
    NaN limits stay NaN: every comparison with NaN is false."""
    upper = [centre + 3 * sd for sd in sds]
    lower = [centre - 3 * sd for sd in sds]
    lower = [0.0 if limit < 0 else limit for limit in lower]
    if upper_bound is not None:
        upper = [upper_bound if limit > upper_bound else limit for limit in upper]
    return Limits(centre, upper, lower)


CHARTS: dict[str, Callable[[Request, int, int, list[int], list[float]], Limits]] = {
    "run": _run_limits,
    "i": _i_limits,
    "p": _p_limits,
    "pp": _pp_limits,
    "u": _u_limits,
}


def _part(request: Request, start: int, end: int, limits: Limits, runs: RunsAnalysis) -> dict:
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
        "centre": finite_or_none(limits.centre),
        "mean_ucl": _mean_limit(limits.upper),
        "mean_lcl": _mean_limit(limits.lower),
        "lpl": None,
        "upl": None,
        "short_period_warning": None,
        "reason": reasons.runs_signal_reason(runs, centre_name(request.kind)),
    }


def _mean_limit(limits: list[float] | None) -> float | None:
    """qicharts2 ``summary.qic``: ``mean(lcl, na.rm = TRUE)`` over the part."""
    if limits is None:
        return None
    return finite_or_none(mean([limit for limit in limits if limit == limit]))


def _points(
    request: Request, part_number: int, start: int, end: int, limits: Limits, runs: RunsAnalysis
) -> list[dict]:
    template = {
        "value": None,
        "part": part_number,
        "centre": finite_or_none(limits.centre),
        "ucl": None,
        "lcl": None,
        "sigma_signal": False,
        "excluded": False,
        "reason": None,
    }
    # Copying one template is several times faster than building each dict afresh (the 0.1 ms budget).
    points = [template.copy() for _ in range(start, end)]
    values = request.values[start:end]
    for point, value in zip(points, values, strict=True):
        point["value"] = value
    for i in request.excluded:
        if start <= i < end:
            points[i - start]["excluded"] = True
    for i, sentence in reasons.long_run_reasons(runs, centre_name(request.kind), request.direction).items():
        points[i - start]["reason"] = sentence
    if limits.upper is not None and limits.lower is not None:
        _add_control_limits(points, values, limits.upper, limits.lower, request.direction)
    return points


def _add_control_limits(
    points: list[dict], values: Sequence[float | None], upper: list[float], lower: list[float], direction: int
) -> None:
    for point, value, ucl, lcl in zip(points, values, upper, lower, strict=True):
        point["ucl"] = ucl if ucl == ucl else None
        point["lcl"] = lcl if lcl == lcl else None
        # qic.agg L616-617: strict comparisons, and NA counts as no signal
        if value is not None and (value > ucl or value < lcl):
            point["sigma_signal"] = True
            point["reason"] = reasons.control_limit_reason(value > ucl, direction)


def centre_name(kind: str) -> str:
    return "median" if kind == "run" else "average"


def _combined_ihi(parts: Sequence[IhiAnalysis]) -> dict:
    """The IHI rules of every part: each rule is judged within its part, never across a rebase."""
    if len(parts) == 1:
        ihi = parts[0]
        return {
            **ihi._asdict(),
            "shift_points": list(ihi.shift_points),
            "trend_points": list(ihi.trend_points),
        }
    return {
        "shift": any(part.shift for part in parts),
        "trend": any(part.trend for part in parts),
        "too_few_runs": any(part.too_few_runs for part in parts),
        "too_many_runs": any(part.too_many_runs for part in parts),
        "shift_points": [index for part in parts for index in part.shift_points],
        "trend_points": [index for part in parts for index in part.trend_points],
    }
