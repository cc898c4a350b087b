"""Writes of measures and their data: keyword-only, atomic, checked against the actor's `Access`, audited."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from coproduction.models import ProjectPartner
from coproduction.selectors.partners import partners_of
from projects.models import Project

from .models import DEFINITION_FIELDS, DataPoint, Measure, PeriodMark, StratumPoint
from .points import PointError, PointInput, SiteCheck, current_period, require_data_entry, validate_point
from .selectors import points_of, stratum_points_of
from .strata import StratumCheck, StratumInput, programme_dimensions

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


def _check_per_site(project: Project, measure: Measure | None, per_site: bool) -> None:
    """A measure is recorded per site only in a project with partners, and stays as it is once it has data:
    points of the whole project and points of sites cannot make one series."""
    if measure is not None and measure.per_site != per_site and points_of(measure).exists():
        raise ValidationError(
            "This measure already has data, so whether it is recorded per partner site cannot change: "
            "add a new measure instead"
        )
    if per_site and not partners_of(project=project).exists():
        raise ValidationError("The project has no partner organisations, so no sites to record data for")


def _check_stratified(project: Project, measure: Measure | None, fields: dict) -> None:
    """A breakdown names the programme's dimensions, once each; it adds up to the total, so not for
    minutes, and not with sites (yet); and it stays as it is once the measure has data."""
    current = measure.stratified_by if measure is not None else []
    wanted = list(fields.get("stratified_by", current) or [])
    if (
        measure is not None
        and wanted != current
        and (points_of(measure).exists() or stratum_points_of(measure).exists())
    ):
        raise ValidationError(
            {
                "stratified_by": "This measure already has data, so its breakdown by group cannot change: "
                "add a new measure instead"
            }
        )
    if not wanted:
        return
    known = {dimension.key for dimension in programme_dimensions(project.enrolment.cohort.programme_id)}
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ValidationError(
            {"stratified_by": f"The programme has no breakdown called {', '.join(unknown)}"}
        )
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"stratified_by": "Choose each breakdown once"})
    unit = fields.get("unit", measure.unit if measure else Measure.Unit.PERCENT)
    if unit == Measure.Unit.MINUTES:
        raise ValidationError(
            {"stratified_by": "Minutes do not add up across groups: break down a percentage, rate or count"}
        )
    if fields.get("per_site", measure.per_site if measure else False):
        raise ValidationError(
            {"stratified_by": "A measure recorded per partner site cannot also be broken down by group"}
        )


@transaction.atomic
def measure_create(*, access: Access, project: Project, **fields) -> Measure:
    access.require_edit_project(project)
    _check_fields(fields)
    _check_per_site(project, None, bool(fields.get("per_site")))
    _check_stratified(project, None, fields)
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
    if "per_site" in changes:
        _check_per_site(measure.project, measure, bool(changes["per_site"]))
    if {"stratified_by", "unit", "per_site"} & set(changes):
        _check_stratified(measure.project, measure, changes)
    if changes.get("is_aim_measure") and not measure.is_aim_measure:
        Measure.objects.filter(project=measure.project, is_aim_measure=True).update(is_aim_measure=False)
    return save_versioned(
        obj=measure,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="measure.update",
    )


def _lock(measure: Measure) -> None:
    """Writes of one measure's points wait for each other, so two first entries of a period cannot both
    insert it (the unique constraints are partial, on site or no site, which an upsert cannot target)."""
    list(Measure.objects.select_for_update().filter(pk=measure.pk).values_list("pk"))


def _checked(
    measure: Measure, numbered: list[tuple[int, PointInput]], sites: SiteCheck
) -> list[tuple[PointInput, ProjectPartner | None]]:
    """Every point with its site, or PointsRejected listing every problem of every row."""
    latest = current_period(measure)
    errors, checked = [], []
    seen: dict[tuple, int] = {}
    for row, point in numbered:
        site, site_errors = sites.resolve(point.site, row=row)
        errors += site_errors
        errors += validate_point(measure, point, row=row, latest=latest)
        key = (site.pk if site else None, point.period_start)
        if key in seen:
            where = f" for {site.site_name}" if site else ""
            errors.append(
                PointError(row, "period", f"{point.period_start}{where} is also on row {seen[key]}")
            )
        seen.setdefault(key, row)
        checked.append((point, site))
    if errors:
        raise PointsRejected(errors)
    return checked


def _save(measure: Measure, checked: list[tuple[PointInput, ProjectPartner | None]]) -> list[DataPoint]:
    """Insert the new periods and update the stored ones that differ, inside the caller's transaction."""
    _lock(measure)
    starts = [point.period_start for point, _ in checked]
    site_ids = {site.pk for _, site in checked if site}
    stored = {
        (row.site_id, row.period_start): row
        for row in points_of(measure).filter(
            Q(site_id__in=site_ids) if measure.per_site else Q(site__isnull=True),
            period_start__gte=min(starts),
            period_start__lte=max(starts),
        )
    }
    now = timezone.now()
    created, updated, saved = [], [], []
    for point, site in checked:
        row = stored.get((site.pk if site else None, point.period_start))
        if row is None:
            row = DataPoint(
                organisation_id=measure.organisation_id,
                measure=measure,
                site=site,
                period_start=point.period_start,
                numerator=point.numerator,
                denominator=point.denominator,
                note=point.note,
            )
            created.append(row)
        elif (row.numerator, row.denominator, row.note) != (point.numerator, point.denominator, point.note):
            row.numerator, row.denominator, row.note, row.updated_at = (
                point.numerator,
                point.denominator,
                point.note,
                now,
            )
            updated.append(row)
        saved.append(row)
    DataPoint.objects.bulk_create(created, batch_size=2000)
    DataPoint.objects.bulk_update(
        updated, ["numerator", "denominator", "note", "updated_at"], batch_size=1000
    )
    return saved


def _numbered(points: Iterable[PointInput | tuple[int, PointInput]]) -> list[tuple[int, PointInput]]:
    return [item if isinstance(item, tuple) else (row, item) for row, item in enumerate(points, start=1)]


@transaction.atomic
def points_upsert(
    *, access: Access, measure: Measure, points: Iterable[PointInput | tuple[int, PointInput]], source: str
) -> int:
    """Validate every point, then save them all or none. A period already stored (for the same site) is
    replaced, so loading the same data twice changes nothing. Points may come numbered by their row in a
    file, for the messages. Returns how many periods were written."""
    require_data_entry(access, measure)
    if measure.stratified_by:
        raise PointsRejected([PointError(None, "measure", BY_GROUP)])
    checked = _checked(measure, _numbered(points), SiteCheck.of(access, measure))
    if checked:
        _save(measure, checked)
        _data_changed(measure, points=True)
        audit(actor=access.user, action=f"measure.data_{source}", obj=measure, changed=["data"])
    return len(checked)


@transaction.atomic
def site_point_record(
    *,
    system_job: str,
    measure: Measure,
    site: ProjectPartner,
    period_start: date,
    numerator: Decimal | int,
    denominator: Decimal | int | None = None,
    note: str = "",
) -> DataPoint:
    """One partner site's data for one period, written by a named job (the demo seed, say) rather than a
    person: the same checks as every entry path, any current partner site allowed."""
    point = PointInput(
        period_start,
        Decimal(numerator),
        None if denominator is None else Decimal(denominator),
        note,
        site=str(site.pk),
    )
    (saved,) = _save(measure, _checked(measure, [(None, point)], SiteCheck(measure=measure, allowed=None)))
    _data_changed(measure, points=True)
    audit(system_job=system_job, action="measure.data_import", obj=measure, changed=["data"])
    return saved


BY_GROUP = (
    "This measure is broken down by group: enter each group's numbers, and the total is worked out from them"
)


def _save_strata(measure: Measure, checked: list[tuple[int | None, str, StratumInput]]) -> None:
    """Insert or replace the groups' rows, then make each period's total their sum."""
    _lock(measure)
    periods = {item.period_start for _row, _key, item in checked}
    stored = {
        (row.stratum, row.period_start): row
        for row in stratum_points_of(measure).filter(period_start__in=periods)
    }
    now = timezone.now()
    created, updated = [], []
    for _row, key, item in checked:
        row = stored.get((key, item.period_start))
        if row is None:
            created.append(
                StratumPoint(
                    organisation_id=measure.organisation_id,
                    measure=measure,
                    period_start=item.period_start,
                    stratum=key,
                    numerator=item.numerator,
                    denominator=item.denominator,
                )
            )
        elif (row.numerator, row.denominator) != (item.numerator, item.denominator):
            row.numerator, row.denominator, row.updated_at = item.numerator, item.denominator, now
            updated.append(row)
    StratumPoint.objects.bulk_create(created, batch_size=2000)
    StratumPoint.objects.bulk_update(updated, ["numerator", "denominator", "updated_at"], batch_size=1000)
    notes = {item.period_start: item.note for _row, _key, item in checked if item.note}
    _save_totals(measure, periods, notes)


def _save_totals(measure: Measure, periods: set[date], notes: dict[date, str]) -> None:
    """Each period's DataPoint is the sum of its groups: the total is derived, never typed twice."""
    sums: dict[date, list] = {}
    for row in stratum_points_of(measure).filter(period_start__in=periods):
        total = sums.setdefault(row.period_start, [Decimal(0), None])
        total[0] += row.numerator
        if row.denominator is not None:
            total[1] = (total[1] or Decimal(0)) + row.denominator
    stored_notes = dict(
        points_of(measure).filter(period_start__in=periods).values_list("period_start", "note")
    )
    totals = [
        (
            PointInput(
                start,
                numerator,
                denominator if measure.has_denominator else None,
                notes.get(start, stored_notes.get(start, "")),
            ),
            None,
        )
        for start, (numerator, denominator) in sorted(sums.items())
    ]
    if totals:
        _save(measure, totals)


@transaction.atomic
def stratum_points_upsert(
    *,
    access: Access,
    measure: Measure,
    points: Iterable[StratumInput | tuple[int, StratumInput]],
    source: str,
) -> int:
    """Validate every group's row, then save them all or none, and the periods' totals with them. A group
    and period already stored is replaced, so loading the same data twice changes nothing. Returns how
    many groups' rows were written."""
    require_data_entry(access, measure)
    if not measure.stratified_by:
        raise PointsRejected([PointError(None, "measure", "This measure is not broken down by group")])
    checked, errors = StratumCheck(measure).check(_numbered(points))
    if errors:
        raise PointsRejected(errors)
    if checked:
        _save_strata(measure, checked)
        _data_changed(measure, points=True)
        audit(actor=access.user, action=f"measure.data_{source}", obj=measure, changed=["data", "groups"])
    return len(checked)


def _require_tally(access: Access, measure: Measure) -> None:
    require_data_entry(access, measure)
    if measure.unit != Measure.Unit.PERCENT:
        raise ValidationError("The quick tally is for yes/no measures reported as a percentage")


def _count_one(point: DataPoint | StratumPoint, happened: bool) -> None:
    """One more person asked this period, and one more yes if it happened."""
    point.numerator += 1 if happened else 0
    point.denominator = (point.denominator or 0) + 1
    point.save()


@transaction.atomic
def stratum_tally_add(*, access: Access, measure: Measure, groups: dict, happened: bool) -> StratumPoint:
    """The quick tally of a measure broken down by group: one more person of the chosen group asked this
    period; one more yes if it happened. The period's total follows."""
    _require_tally(access, measure)
    check = StratumCheck(measure)
    key, errors = check.resolve(groups, row=None)
    if errors:
        raise ValidationError(errors[0].message)
    _lock(measure)
    period = current_period(measure)
    point = stratum_points_of(measure).filter(stratum=key, period_start=period).first()
    if point is None:
        point = StratumPoint(
            organisation_id=measure.organisation_id,
            measure=measure,
            period_start=period,
            stratum=key,
            numerator=0,
            denominator=0,
        )
    _count_one(point, happened)
    _save_totals(measure, {period}, {})
    _data_changed(measure, points=True)
    audit(actor=access.user, action="measure.data_tally", obj=measure, changed=["data", "groups"])
    return point


@transaction.atomic
def tally_add(*, access: Access, measure: Measure, happened: bool, site: str | None = None) -> DataPoint:
    """The ward-tablet tally: one more patient asked this period; one more yes if it happened. A measure
    recorded per site counts at `site` (a partnership id)."""
    _require_tally(access, measure)
    if measure.stratified_by:
        raise ValidationError(BY_GROUP)
    partner, errors = SiteCheck.of(access, measure).resolve(site)
    if errors:
        raise ValidationError(errors[0].message)
    _lock(measure)
    period = current_period(measure)
    point = (
        points_of(measure)
        .filter(Q(site=partner) if partner else Q(site__isnull=True), period_start=period)
        .first()
    )
    if point is None:
        point = DataPoint(
            organisation_id=measure.organisation_id,
            measure=measure,
            site=partner,
            period_start=period,
            numerator=0,
            denominator=0,
        )
    _count_one(point, happened)
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
