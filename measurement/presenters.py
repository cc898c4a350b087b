"""Display logic for measures: the chart, its finding and reasons, icons, the data table, grid periods."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.access import Access
from coproduction.models import ProjectPartner
from coproduction.selectors.partners import partners_of
from programmes.models import Organisation

from .analysis import (
    RUN_RULES,
    MeasureAnalysis,
    measure_analysis,
    site_analyses,
    site_analysis,
    sites_add_up,
    stratum_analyses,
)
from .charts import CHART_NAMES, chart_finding, chart_key, measure_chart_svg, project_cycles
from .equity import Disclosure, GapAnalysis, counts_by_group, disclosure_for, gap_analysis, stratum_rows
from .equity_print import gap_print_svg
from .icons import assurance_icon_svg, assurance_label, variation_icon_svg, variation_label
from .models import Measure
from .periods import describe_period, period_start
from .points import current_period
from .print_charts import print_chart_svg
from .strata import Stratum, breakdowns, strata_of


def grid_periods(measure: Measure, *, weeks: int = 12) -> list[date]:
    """The current period first, then back `weeks` periods, never before the measure starts."""
    first = period_start(measure.starts_on, frequency=measure.frequency, week_start=measure.week_start)
    periods, current = [], current_period(measure)
    while current >= first and len(periods) < max(1, min(weeks, 104)):
        periods.append(current)
        current = (
            (current - timedelta(days=1)).replace(day=1)
            if measure.frequency == "monthly"
            else (current - timedelta(days=7))
        )
    return periods


@dataclass
class MeasurePresenter:
    measure: Measure
    access: Access
    chart: str | None = None
    rules: str = "anhoej"

    def __getattr__(self, name):
        return getattr(self.measure, name)

    @cached_property
    def analysis(self) -> MeasureAnalysis:
        return measure_analysis(self.measure, chart=self.chart)

    @property
    def chart_kind(self) -> str:
        return self.analysis.chart

    @cached_property
    def svg(self) -> str:
        return mark_safe(measure_chart_svg(self.measure, self.analysis))  # noqa: S308 - escaped when built

    @property
    def title_suffix(self) -> str:
        """What the chart's series is, after the measure's name: the pathway of a per-site measure."""
        return ", the whole pathway" if self.measure.per_site else ""

    @cached_property
    def small_svg(self) -> str:
        return mark_safe(measure_chart_svg(self.measure, self.analysis, small=True))  # noqa: S308

    @property
    def key(self) -> list[dict]:
        return chart_key(self.analysis)

    @property
    def finding(self) -> str:
        return chart_finding(self.measure, self.analysis)

    @property
    def unit_suffix(self) -> str:
        return (
            "%"
            if self.measure.unit == Measure.Unit.PERCENT
            else f" {self.measure.get_unit_display().lower()}"
        )

    @property
    def latest_value(self) -> str:
        latest = self.analysis.latest
        return f"{latest.value:.1f}{self.unit_suffix}" if latest else "No data yet"

    @property
    def latest_label(self) -> str:
        return self.analysis.latest.label if self.analysis.latest else ""

    @cached_property
    def xmr(self) -> dict:
        """Icons always come from the XmR analysis, whatever chart is shown (Making Data Count)."""
        if not self.analysis.has_data:
            return {}
        result = (
            self.analysis if self.analysis.chart == "xmr" else measure_analysis(self.measure, chart="xmr")
        ).result
        return result

    @property
    def variation_icon(self) -> str:
        return mark_safe(variation_icon_svg(self.xmr.get("variation_icon")))  # noqa: S308

    @property
    def assurance_icon(self) -> str:
        return mark_safe(assurance_icon_svg(self.xmr.get("assurance_icon")))  # noqa: S308

    @property
    def variation_text(self) -> str:
        return variation_label(self.xmr.get("variation_icon"))

    @property
    def assurance_text(self) -> str:
        return assurance_label(self.xmr.get("assurance_icon"))

    @property
    def signals(self) -> list[dict]:
        return self.analysis.signals

    @property
    def part_reasons(self) -> list[str]:
        return self.analysis.part_reasons

    @property
    def ihi_annotations(self) -> list[str]:
        """IHI shift / trend / runs, labelled as annotations (SPC.md section 2), for run charts."""
        ihi = (self.analysis.result or {}).get("ihi")
        if self.analysis.chart != "run" or not ihi:
            return []
        notes = []
        if ihi["shift"]:
            notes.append(
                f"Shift: {len(ihi['shift_points'])} points in runs of 6 or more on one side of the median"
            )
        if ihi["trend"]:
            notes.append(f"Trend: {len(ihi['trend_points'])} points in runs of 5 or more going the same way")
        if ihi["too_few_runs"]:
            notes.append("Too few runs for chance alone")
        if ihi["too_many_runs"]:
            notes.append("Too many runs for chance alone")
        return notes or ["No IHI rule is met"]

    @property
    def rules_label(self) -> str:
        return RUN_RULES[self.rules]

    def chart_choices(self) -> list[dict]:
        kinds = [("run", "Run chart"), ("xmr", "XmR chart")]
        if self.measure.has_denominator and self.measure.unit == Measure.Unit.PERCENT:
            kinds.insert(1, ("p", "P-chart"))
        return [{"value": value, "text": text, "selected": value == self.chart_kind} for value, text in kinds]

    def table_rows(self) -> list[dict]:
        rows = []
        points = (self.analysis.result or {}).get("points", [])
        for period, point in zip(self.analysis.periods, points, strict=True):
            rows.append(
                {
                    "label": period.label,
                    "sites": period.sites,
                    "numerator": f"{period.numerator:g}",
                    "denominator": "" if period.denominator is None else f"{period.denominator:g}",
                    "value": f"{period.value:.1f}",
                    "centre": "" if point.get("centre") is None else f"{point['centre']:.1f}",
                    "note": period.note,
                    "reason": point.get("reason") or "",
                }
            )
        return list(reversed(rows))

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.measure.project)

    @property
    def can_enter_data(self) -> bool:
        """A partner organisation's staff enter only their own site's data (measurement.points)."""
        return self.can_edit and (
            self.measure.per_site or self.access.sites_entered_by(self.measure.project) is None
        )

    @property
    def sites_add_up(self) -> bool:
        return sites_add_up(self.measure)

    @cached_property
    def sites(self) -> list["SitePresenter"]:
        """A per-site measure's small multiples: every current partner site, and past ones with data."""
        if not self.measure.per_site:
            return []
        with_data = site_analyses(self.measure, chart=self.chart_kind)
        today = timezone.localdate()
        return [
            SitePresenter(
                self.measure,
                self.access,
                chart=self.chart_kind,
                rules=self.rules,
                site=partner,
                site_analysis=site_analysis(self.measure, site_id=partner.pk, chart=self.chart_kind),
            )
            for partner in partners_of(project=self.measure.project)
            if partner.pk in with_data or partner.is_current(today)
        ]

    @property
    def kinds_note(self) -> str:
        """Sites of different kinds (an acute trust, a care agency) serve different people in different
        ways: their numbers side by side are not a league table."""
        kinds = list(dict.fromkeys(kind_of(site.site.partner_organisation) for site in self.sites))
        if len(kinds) < 2:
            return ""
        return (
            f"These sites are different kinds of organisation ({', '.join(kinds)}): compare them with care."
        )

    @cached_property
    def disclosure(self) -> Disclosure:
        return disclosure_for(self.access, self.measure)

    @cached_property
    def breakdowns(self):
        return breakdowns(self.measure)

    @cached_property
    def strata(self) -> list["StratumPresenter"]:
        """A measure broken down by group: each group's chart (small multiples), every group in order. A
        group whose counts are suppressed for this reader in any period has no chart, and says why."""
        if not self.measure.stratified_by or self.measure.per_site:
            return []
        rows = stratum_rows(self.measure)
        variant = "team"
        if self.disclosure.any:
            # Drawn from the periods this reader may see: a suppressed week is a gap in the line, and the
            # centre line is the visible weeks' (the hidden counts move nothing shown).
            hides = self.disclosure.hides
            rows = {key: [row for row in group if not hides(key, row[0])] for key, group in rows.items()}
            rows = {key: group for key, group in rows.items() if group}
            variant = f"public:{self.disclosure.threshold}"
        analyses = stratum_analyses(self.measure, rows, chart=self.chart_kind, variant=variant)
        return [
            StratumPresenter(
                self.measure,
                self.access,
                chart=self.chart_kind,
                rules=self.rules,
                stratum=stratum,
                stratum_analysis=analyses.get(stratum.key)
                or _no_data(self.measure, self.chart_kind, stratum),
                hidden_periods=self.disclosure.hidden_periods(stratum.key),
                threshold=self.disclosure.threshold,
                cycles=self.cycles,
            )
            for stratum in strata_of(self.measure, self.breakdowns)
        ]

    @cached_property
    def gap(self) -> "GapPresenter | None":
        if not self.measure.stratified_by or self.measure.per_site:
            return None
        analysis = gap_analysis(self.measure, self.disclosure, self.breakdowns)
        return GapPresenter(self.measure, analysis, self.cycles) if analysis else None

    @cached_property
    def cycles(self) -> list:
        return project_cycles(self.measure)

    @property
    def gap_unavailable(self) -> str:
        """Why a measure broken down by group has no gap chart."""
        if "deprivation" not in (self.measure.stratified_by or []):
            return (
                "The gap chart compares the most and the least deprived groups: it needs the measure to "
                "be broken down by deprivation quintile."
            )
        return "The gap chart appears once there is data by group."

    def strata_table(self) -> dict:
        """The counts by group, a row a period (newest first), as this reader may see them."""
        return counts_by_group(self.measure, [group.stratum for group in self.strata], self.disclosure)

    @cached_property
    def marks(self) -> list[dict]:
        from .selectors import marks_of

        return [
            {"mark": mark, "label": describe_period(mark.period_start, frequency=self.measure.frequency)}
            for mark in marks_of(self.measure)
        ]


@dataclass
class SitePresenter(MeasurePresenter):
    """One partner site's chart of a measure recorded per site: the same rules, marks and display as the
    pathway's, from that site's points."""

    site: ProjectPartner | None = None
    site_analysis: MeasureAnalysis | None = None

    @property
    def analysis(self) -> MeasureAnalysis:
        return self.site_analysis

    @cached_property
    def svg(self) -> str:
        return mark_safe(  # noqa: S308 - escaped when built
            measure_chart_svg(self.measure, self.analysis, site_name=self.site.site_name)
        )

    @property
    def title_suffix(self) -> str:
        return f", {self.site.site_name}"

    @cached_property
    def xmr(self) -> dict:
        if not self.analysis.has_data:
            return {}
        if self.analysis.chart == "xmr":
            return self.analysis.result
        return site_analysis(self.measure, site_id=self.site.pk, chart="xmr").result

    @property
    def sites(self) -> list:
        return []


def _no_data(measure: Measure, chart: str, stratum: Stratum) -> MeasureAnalysis:
    return MeasureAnalysis(
        measure_id=str(measure.pk),
        chart=chart,
        periods=[],
        result=None,
        rebase_starts=[],
        excluded_starts=[],
        mark_reasons={},
        series=stratum.key,
    )


@dataclass
class StratumPresenter(MeasurePresenter):
    """One population group's chart of a measure broken down by group: the same rules, marks and display as
    the total's, from that group's rows."""

    stratum: Stratum | None = None
    stratum_analysis: MeasureAnalysis | None = None
    hidden_periods: int = 0
    threshold: int = 0

    @property
    def analysis(self) -> MeasureAnalysis:
        return self.stratum_analysis

    @property
    def suppressed(self) -> bool:
        return self.hidden_periods > 0

    @property
    def suppressed_reason(self) -> str:
        """Why weeks are missing from the chart, or why there is no chart when every week is suppressed."""
        periods = "month" if self.measure.frequency == "monthly" else "week"
        plural = "" if self.hidden_periods == 1 else "s"
        why = (
            f"this group's counts were between 1 and {self.threshold}, or could be worked out from counts "
            "that were. Numbers that small could identify people, so they are suppressed outside the "
            "project's team."
        )
        if not self.analysis.has_data:
            return f"Not shown: in {self.hidden_periods} {periods}{plural} {why}"
        verb, pronoun = ("is", "it") if self.hidden_periods == 1 else ("are", "them")
        return f"{self.hidden_periods} {periods}{plural} {verb} left out of this chart: in {pronoun} {why}"

    cycles: list | None = None

    @cached_property
    def svg(self) -> str:
        """Drawn by the lean renderer the reports use: a page of five groups' charts and the gap would
        otherwise take seven Vega renders (docs/benchmarks.md)."""
        title = f"{self.measure.name}, {self.stratum.label}: {CHART_NAMES[self.analysis.chart]}"
        return mark_safe(print_chart_svg(self.measure, self.analysis, cycles=self.cycles, title=title))  # noqa: S308

    @property
    def title_suffix(self) -> str:
        return f", {self.stratum.label}"

    @cached_property
    def xmr(self) -> dict:
        return {}

    @property
    def sites(self) -> list:
        return []

    @property
    def strata(self) -> list:
        return []


@dataclass
class GapPresenter:
    """The gap between the most and the least deprived group: its run chart, finding and direction."""

    measure: Measure
    analysis: GapAnalysis

    cycles: list

    @cached_property
    def svg(self) -> str:
        return mark_safe(gap_print_svg(self.measure, self.analysis, cycles=self.cycles))  # noqa: S308

    @property
    def finding(self) -> str:
        return self.analysis.finding

    @property
    def direction(self) -> str:
        return self.analysis.direction

    @property
    def most_label(self) -> str:
        return self.analysis.most_label

    @property
    def least_label(self) -> str:
        return self.analysis.least_label

    @property
    def gap_as(self) -> str:
        return f"{self.analysis.definition} ({self.analysis.no_gap})"

    @property
    def left_out(self) -> int:
        return self.analysis.left_out

    def table_rows(self) -> list[dict]:
        values = self.analysis.result["values"]
        points = self.analysis.result["run_chart"]["points"]
        parts = self.analysis.result["run_chart"]["parts"]
        rows = []
        for start, value, point in zip(self.analysis.periods, values, points, strict=True):
            rows.append(
                {
                    "label": describe_period(start, frequency=self.measure.frequency),
                    "value": ""
                    if value is None
                    else f"{value:.2f}"
                    if self.measure.gap_as == "ratio"
                    else f"{value:.1f}",
                    "centre": f"{parts[point['part']]['centre']:.1f}"
                    if parts[point["part"]]["centre"] is not None
                    else "",
                }
            )
        return list(reversed(rows))


_PROVIDER_TYPES = {
    "acute": "an acute trust",
    "community": "a community trust",
    "mental_health": "a mental health trust",
    "primary_care": "an NHS primary care provider",
    "social_care": "an NHS social care provider",
    "ambulance": "an ambulance trust",
    "domiciliary_care": "a home care agency",
    "care_home": "a care home",
    "gp_practice": "a GP practice",
    "pcn": "a primary care network",
}
_KINDS = {
    "provider": "an NHS provider",
    "local_authority": "a local authority",
    "independent_care": "an independent care provider",
    "primary_care": "a primary care provider",
    "vcse": "a voluntary or community organisation",
}


def kind_of(organisation: Organisation) -> str:
    """An organisation's kind as a sentence says it: 'an acute trust', 'a GP practice'."""
    return _PROVIDER_TYPES.get(organisation.provider_type) or _KINDS.get(organisation.kind, "an organisation")
