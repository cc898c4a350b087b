"""The equity markers of many measures at once, for the dashboards: whether the gap between the most and the
least deprived group is narrowing, widening or shows no signal (`measurement.equity.equity_marker`, as a
reader outside the team sees it).

Like the measures' summaries (docs/adr/005-dashboard-cache.md), a marker is cached under the measure's data
stamp and the suppression threshold, and read for all the measures with one `cache.get_many`; a measure
whose entry is missing is worked out alone (its group rows, marks and the programme's dimensions: three
queries), so a cold dashboard costs three queries per measure broken down by deprivation, a warm one none.
Measures not broken down by group cost nothing."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from .aims import CACHE_SECONDS
from .equity import GAP_DIMENSION, equity_marker
from .models import Measure


def marker_key(measure: Measure) -> str:
    return f"measure-equity-marker:{measure.pk}:{measure.data_stamp}:{settings.SUPPRESSION_THRESHOLD}"


def equity_markers(measures: Iterable[Measure]) -> dict[uuid.UUID, dict]:
    """{measure id: {"direction", "label", "finding"}} for the measures broken down by deprivation that have
    a gap to show. Each measure's `project` should be set already (the dashboards' rows hold it)."""
    by_key = {
        marker_key(measure): measure for measure in measures if GAP_DIMENSION in (measure.stratified_by or [])
    }
    if not by_key:
        return {}
    found = cache.get_many(list(by_key))
    missing = {key: {"marker": equity_marker(measure)} for key, measure in by_key.items() if key not in found}
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
        found.update(missing)
    return {measure.pk: found[key]["marker"] for key, measure in by_key.items() if found[key]["marker"]}
