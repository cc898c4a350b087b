"""Times the SPC engine on two years of weekly data (104 points) for an XmR and a run chart.

Run as ``python benchmarks/bench_spc.py`` (no Django needed). Prints the best time per analysis beside its
target and exits 1 if a target is missed. The best of many short samples measures the code rather than the
machine's other load.
"""

from __future__ import annotations

import random
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

POINTS = 104
TARGETS_MS = {"xmr": 0.25, "run": 0.1}
SAMPLES = 300  # of about 5 ms each


def weekly_percentages() -> list[float]:
    """A ward's weekly percentage, to one decimal place like the data entry form, so ties occur."""
    generator = random.Random(104)
    return [round(generator.gauss(82.0, 6.0), 1) for _ in range(POINTS)]


def best_milliseconds(analysis: Callable[[], object]) -> float:
    timer = timeit.Timer(analysis)
    number = max(timer.autorange()[0] // 40, 1)  # autorange aims at 0.2 s
    return min(timer.repeat(repeat=SAMPLES, number=number)) / number * 1000


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from measurement.spc import analyse  # after the path is set: the script runs from any directory

    values = weekly_percentages()
    missed = []
    for kind, target in TARGETS_MS.items():
        milliseconds = best_milliseconds(lambda kind=kind: analyse(kind, values))
        print(f"spc {kind} {POINTS} points: {milliseconds:.3f} ms per analysis (target <= {target} ms)")
        if milliseconds > target:
            missed.append(kind)
    if missed:
        print(f"spc: missed the target for {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
