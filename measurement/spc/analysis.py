"""The engine's one entry point: validate, apply the chart's rules, return a JSON-ready dict (SPC.md §5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .qic import analyse_qic
from .validation import validated_request
from .xmr import analyse_xmr


def analyse(
    kind: str,
    values: Sequence[float | None],
    *,
    denominators: Sequence[float | None] | None = None,
    improvement_direction: str = "increase",
    target: float | None = None,
    baseline: int | None = None,
    rebase: Iterable[int] = (),
    exclude: Iterable[int] = (),
    screen_outliers: bool = True,
) -> dict:
    """Analyse one series as a qicharts2 chart ("run", "i", "p", "pp", "u") or a Making Data Count XmR chart
    ("xmr").

    ``values`` are the measurements (numerators for "p", "pp" and "u"; None or NaN = missing). With
    ``denominators`` each plotted value is numerator / denominator. ``baseline`` is qicharts2's ``freeze``
    or, for "xmr", NHSRplotthedots' ``fix_after_n_points``; ``rebase`` and ``exclude`` are 0-based indices.

    The keys SPC.md marks "xmr only" (per point and at the top) are present only for "xmr", and ``ihi`` only
    for "run"; every other key is always present, and is None where it does not apply or R gives NA. Each
    part also has a ``reason``: the sentence for its Anhøj runs signal (qicharts2 kinds; None otherwise),
    since the crossings rule says a part has shifted without saying which points did.

    Raises ``SpcInputError`` (a ``ValueError``) with a message a person can act on.
    """
    request = validated_request(
        kind,
        values,
        denominators=denominators,
        improvement_direction=improvement_direction,
        target=target,
        baseline=baseline,
        rebase=rebase,
        exclude=exclude,
        screen_outliers=screen_outliers,
    )
    chart = analyse_xmr(request) if request.kind == "xmr" else analyse_qic(request)
    return {"kind": request.kind, **chart}
