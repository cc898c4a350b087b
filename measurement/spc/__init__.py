"""Statistical process control engine: qicharts2 run and control charts and the NHS Making Data Count XmR
chart, reproduced number for number (/work/shared/design/SPC.md). Pure Python, standard library only."""

from .analysis import analyse
from .validation import SpcInputError

__all__ = ["SpcInputError", "analyse"]
