"""A measure broken down by population group in a printed report: the gap between the most and the least
deprived as a chart, what the gap is and whether it narrows, and the latest periods' counts by group.

A report leaves the team (it is downloaded, emailed and printed), so it always shows what a reader outside
the team may see (`public_disclosure`): a suppressed group's count is never printed, and the gap leaves out
the periods it hides."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import mark_safe

from .charts import Cycle
from .equity import GAP_DIMENSION, Disclosure, GapAnalysis, counts_by_group, gap_analysis, public_disclosure
from .models import Measure
from .print_charts import print_chart_svg
from .strata import Stratum, breakdowns, strata_of

PRINTED_PERIODS = 12
GAP_UNITS = {"percentage points": "% pts", "ratio": "Ratio"}


def gap_print_svg(measure: Measure, gap: GapAnalysis, *, cycles: list[Cycle] | None = None) -> str:
    """The gap's run chart for print, with the line of no gap ("" when every period is left out)."""
    return print_chart_svg(
        measure,
        gap.chart_analysis(measure.frequency),
        cycles=cycles,
        title=f"{measure.name}: the gap between {gap.most_label} and {gap.least_label}, run chart",
        description=gap.finding,
        unit=GAP_UNITS.get(gap.unit, ""),
        reference=(gap.result["equality"], "No gap"),
    )


@dataclass
class PrintedEquity:
    """The equity section of one measure broken down by group, as a reader outside the team sees it."""

    measure: Measure
    gap: GapAnalysis | None
    disclosure: Disclosure
    strata: list[Stratum]
    cycles: list[Cycle] | None = None

    @cached_property
    def svg(self) -> str:
        svg = gap_print_svg(self.measure, self.gap, cycles=self.cycles) if self.gap else ""
        return mark_safe(svg)  # noqa: S308 - print_chart_svg escapes every text

    @property
    def finding(self) -> str:
        return self.gap.finding if self.gap else ""

    @property
    def direction(self) -> str:
        return self.gap.direction if self.gap else ""

    @property
    def gap_text(self) -> str:
        """What the gap is: a difference or a ratio, of which groups, and where there is none."""
        if self.gap is None:
            if GAP_DIMENSION not in (self.measure.stratified_by or []):
                return (
                    "The gap compares the most and the least deprived groups: this measure is not broken "
                    "down by deprivation quintile, so it has no gap."
                )
            return "The gap appears once there is data by group."
        return f"The gap is {self.gap.definition}: {self.gap.no_gap}."

    @property
    def left_out_text(self) -> str:
        if not self.gap or not self.gap.left_out:
            return ""
        noun = "period is" if self.gap.left_out == 1 else "periods are"
        return (
            f"{self.gap.left_out} {noun} left out of the gap because a count of the most or the least "
            "deprived group is suppressed."
        )

    @property
    def suppression_text(self) -> str:
        return (
            f"Small numbers are suppressed: counts from 1 to {self.disclosure.threshold} are suppressed, and "
            "others that would let them be worked out."
        )

    def table(self) -> dict:
        """The latest periods' counts by group, newest first, suppressed as outside the team."""
        return counts_by_group(
            self.measure, self.strata, self.disclosure, latest=PRINTED_PERIODS, missing="No data"
        )


def printed_equity(measure: Measure, *, cycles: list[Cycle] | None = None) -> PrintedEquity | None:
    """The equity section of a measure broken down by group; None for any other measure."""
    if not measure.stratified_by or measure.per_site:
        return None
    disclosure = public_disclosure(measure)
    parts = breakdowns(measure)
    return PrintedEquity(
        measure=measure,
        gap=gap_analysis(measure, disclosure, parts),
        disclosure=disclosure,
        strata=strata_of(measure, parts),
        cycles=cycles,
    )
