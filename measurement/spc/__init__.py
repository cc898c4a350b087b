"""Statistical process control engine: qicharts2 run and control charts and the NHS Making Data Count XmR
chart, reproduced number for number (/work/shared/design/SPC.md). Pure Python, standard library only."""

from .analysis import analyse
from .equity import DEFAULT_SUPPRESSION_THRESHOLD, analyse_gap, gap_series, suppress
from .validation import SpcInputError

__all__ = [
    "DEFAULT_SUPPRESSION_THRESHOLD",
    "SpcInputError",
    "analyse",
    "analyse_gap",
    "gap_series",
    "suppress",
]
