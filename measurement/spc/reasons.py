"""One plain-English sentence for each signal, written for a ward manager rather than a statistician.

A sentence says what the data did, then what it probably means given the improvement direction, e.g.
"7 points in a row above the average: a sustained improvement".
"""

from __future__ import annotations

from functools import lru_cache

from .runs import RunsAnalysis

IMPROVEMENT, CONCERN, NEUTRAL = "improvement", "concern", "neutral"

_ONE_OFF = {
    IMPROVEMENT: "a sign of improvement",
    CONCERN: "a cause for concern",
    NEUTRAL: "worth looking into",
}
_SUSTAINED = {
    IMPROVEMENT: "a sustained improvement",
    CONCERN: "a sustained deterioration",
    NEUTRAL: "a sustained change worth looking into",
}
_STEADY = {
    IMPROVEMENT: "a steady improvement",
    CONCERN: "a steady deterioration",
    NEUTRAL: "a steady change worth looking into",
}
_EARLY = {
    IMPROVEMENT: "an early sign of improvement",
    CONCERN: "an early warning of deterioration",
    NEUTRAL: "a change worth looking into",
}
_OUTCOME_OF_POINT_TYPE = {
    "special_cause_improvement": IMPROVEMENT,
    "special_cause_concern": CONCERN,
    "special_cause_neutral_high": NEUTRAL,
    "special_cause_neutral_low": NEUTRAL,
}
_XMR_SENTENCES = {
    "Above UCL": ("Above the upper process limit: an unusually high value, {}", _ONE_OFF),
    "Below LCL": ("Below the lower process limit: an unusually low value, {}", _ONE_OFF),
    "7 Point Trend (Increasing)": ("7 points in a row going up: {}", _STEADY),
    "7 Point Trend (Decreasing)": ("7 points in a row going down: {}", _STEADY),
    "2 in 3 Above CL": ("2 of 3 points in a row close to the upper process limit: {}", _EARLY),
    "2 in 3 Below CL": ("2 of 3 points in a row close to the lower process limit: {}", _EARLY),
    "7 Points Above CL": ("7 points in a row above the average: {}", _SUSTAINED),
    "7 Points Below CL": ("7 points in a row below the average: {}", _SUSTAINED),
}


def outcome(side: int, direction: int) -> str:
    """What a move to ``side`` (+1 up, -1 down) means when ``direction`` (+1, 0, -1) is the better way."""
    if not direction:
        return NEUTRAL
    return IMPROVEMENT if side == direction else CONCERN


@lru_cache(maxsize=64)
def xmr_reason(special_cause_type: str, point_type: str) -> str | None:
    """Sentence for a NHSRplotthedots special cause type; None for common cause."""
    if special_cause_type not in _XMR_SENTENCES:
        return None
    template, meanings = _XMR_SENTENCES[special_cause_type]
    return template.format(meanings[_OUTCOME_OF_POINT_TYPE[point_type]])


@lru_cache(maxsize=16)
def control_limit_reason(high: bool, direction: int) -> str:
    meaning = _ONE_OFF[outcome(1 if high else -1, direction)]
    if high:
        return f"Above the upper control limit: an unusually high value, {meaning}"
    return f"Below the lower control limit: an unusually low value, {meaning}"


def long_run_reasons(runs: RunsAnalysis, centre_name: str, direction: int) -> dict[int, str]:
    """Sentence for each point of a run longer than the Anhøj limit, by index."""
    sentences = {}
    for run in runs.long_runs:
        where = "above" if run.side > 0 else "below"
        sentence = (
            f"{len(run.indices)} points in a row {where} the {centre_name}, more than chance alone explains "
            f"({runs.longest_run_max} at most): {_SUSTAINED[outcome(run.side, direction)]}"
        )
        sentences.update(dict.fromkeys(run.indices, sentence))
    return sentences


def runs_signal_reason(runs: RunsAnalysis, centre_name: str) -> str | None:
    """Sentence for a chart part whose runs analysis signals; None when it does not.

    The crossings rule says a part has shifted without saying where, so it only has a part-level sentence.
    """
    if not runs.signal:
        return None
    clauses = []
    if runs.longest_run > runs.longest_run_max:
        clauses.append(
            f"a run of {runs.longest_run} points on one side of the {centre_name} is longer than chance "
            f"alone explains ({runs.longest_run_max} at most)"
        )
    if runs.n_crossings < runs.n_crossings_min:
        clauses.append(
            f"the line {_crosses(runs.n_crossings, centre_name)} in {runs.n_useful} points, fewer than "
            f"chance alone explains ({runs.n_crossings_min} at least)"
        )
    sentence = "; ".join(clauses) + ": the process has probably shifted"
    return sentence[0].upper() + sentence[1:]


def _crosses(crossings: int, centre_name: str) -> str:
    if crossings == 0:
        return f"never crosses the {centre_name}"
    if crossings == 1:
        return f"crosses the {centre_name} only once"
    return f"crosses the {centre_name} only {crossings} times"
