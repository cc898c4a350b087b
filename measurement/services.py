"""Writes of measures and their data: keyword-only, atomic, checked against the actor's `Access`, audited."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from coproduction.models import Project

from .models import DEFINITION_FIELDS, DataPoint, Measure, PeriodMark
from .points import PointError, PointInput, current_period, validate_point
from .selectors import points_of

MEASURE_FIELDS = set(DEFINITION_FIELDS)


class PointsRejected(Exception):
    """Some rows are wrong; nothing was saved. `errors` says which row, which column and why."""

    def __init__(self, errors: list[PointError]):
        super().__init__(f"{len(errors)} problem(s); nothing was saved")
        self.errors = errors


def _data_changed(measure: Measure, *, points: bool = False) -> None:
    """Give the measure a new data stamp inside the writing transaction: cached analyses keyed by the old
    stamp are no longer read (docs/adr/005-dashboard-cache.md). A change of `points` also dates the last
    data entry."""
    changes = {"data_version": F("data_version") + 1}
    if points:
        changes["points_changed_at"] = timezone.now()
    Measure.objects.filter(pk=measure.pk).update(**changes)
    measure.refresh_from_db(fields=["data_version", "points_changed_at"])


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise ValueError(f"Unknown measure fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def measure_create(*, access: Access, project: Project, **fields) -> Measure:
    access.require_edit_project(project)
    _check_fields(fields)
    if fields.get("is_aim_measure"):
        Measure.objects.filter(project=project, is_aim_measure=True).update(is_aim_measure=False)
    measure = Measure(organisation=project.organisation, project=project, **fields)
    measure.full_clean()
    measure.save()
    audit(actor=access.user, action="measure.create", obj=measure, changed=fields)
    return measure


@transaction.atomic
def measure_update(*, access: Access, measure: Measure, expected_version: int, **changes) -> Measure:
    access.require_edit_project(measure.project)
    _check_fields(changes)
    if changes.get("is_aim_measure") and not measure.is_aim_measure:
        Measure.objects.filter(project=measure.project, is_aim_measure=True).update(is_aim_measure=False)
    return save_versioned(
        obj=measure,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="measure.update",
    )


@transaction.atomic
def points_upsert(
    *, access: Access, measure: Measure, points: Iterable[PointInput | tuple[int, PointInput]], source: str
) -> int:
    """Validate every point, then save them all or none. A period already stored is replaced, so loading
    the same data twice changes nothing. Points may come numbered by their row in a file, for the messages.
    Returns how many periods were written."""
    access.require_edit_project(measure.project)
    numbered = [item if isinstance(item, tuple) else (row, item) for row, item in enumerate(points, start=1)]
    points = [point for _, point in numbered]
    latest = current_period(measure)
    errors = [
        error for row, point in numbered for error in validate_point(measure, point, row=row, latest=latest)
    ]
    seen: dict[date, int] = {}
    for row, point in numbered:
        if point.period_start in seen:
            errors.append(
                PointError(row, "period", f"{point.period_start} is also on row {seen[point.period_start]}")
            )
        seen.setdefault(point.period_start, row)
    if errors:
        raise PointsRejected(errors)
    now = timezone.now()
    DataPoint.objects.bulk_create(
        [
            DataPoint(
                organisation_id=measure.organisation_id,
                measure=measure,
                period_start=point.period_start,
                numerator=point.numerator,
                denominator=point.denominator,
                note=point.note,
                updated_at=now,
            )
            for point in points
        ],
        update_conflicts=True,
        unique_fields=["measure", "period_start"],
        update_fields=["numerator", "denominator", "note", "updated_at"],
        batch_size=2000,
    )
    if points:
        _data_changed(measure, points=True)
        audit(actor=access.user, action=f"measure.data_{source}", obj=measure, changed=["data"])
    return len(points)


@transaction.atomic
def tally_add(*, access: Access, measure: Measure, happened: bool) -> DataPoint:
    """The ward-tablet tally: one more patient asked this period; one more yes if it happened."""
    access.require_edit_project(measure.project)
    if measure.unit != Measure.Unit.PERCENT:
        raise ValidationError("The quick tally is for yes/no measures reported as a percentage")
    period = current_period(measure)
    point = points_of(measure).select_for_update().filter(period_start=period).first()
    if point is None:
        point = DataPoint(
            organisation_id=measure.organisation_id,
            measure=measure,
            period_start=period,
            numerator=0,
            denominator=0,
        )
    point.numerator += 1 if happened else 0
    point.denominator = (point.denominator or 0) + 1
    point.save()
    _data_changed(measure, points=True)
    audit(actor=access.user, action="measure.data_tally", obj=measure, changed=["data"])
    return point


@transaction.atomic
def period_mark_add(
    *, access: Access, measure: Measure, period_start: date, kind: str, reason: str
) -> PeriodMark:
    access.require_edit_project(measure.project)
    if not reason.strip():
        raise ValidationError("Say why")
    mark = PeriodMark(
        organisation_id=measure.organisation_id,
        measure=measure,
        period_start=period_start,
        kind=kind,
        reason=reason.strip(),
    )
    mark.full_clean()
    mark.save()
    _data_changed(measure)
    audit(actor=access.user, action="measure.mark_add", obj=measure, changed=[kind])
    return mark


@transaction.atomic
def period_mark_remove(*, access: Access, measure: Measure, mark_id) -> None:
    access.require_edit_project(measure.project)
    if PeriodMark.objects.filter(measure=measure, pk=mark_id).delete()[0]:
        _data_changed(measure)
    audit(actor=access.user, action="measure.mark_remove", obj=measure, changed=["marks"])
