"""CSV import and CSV / XLSX export of measure data. The import reads the whole file first and reports every
problem with its row and column; the service then saves all rows or none. A measure recorded per partner
site takes a `site` column (the site's name or its organisation's); exports always carry one, blank for a
measure of the whole project, so an export can be imported again."""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from coproduction.models import ProjectPartner

from .models import Measure
from .points import PointError, PointInput, parse_date, parse_number
from .selectors import points_of, stratum_points_of
from .strata import Breakdown, StratumInput, strata_of

COLUMNS = ["period_start", "numerator", "denominator", "note"]
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportRejected(Exception):
    def __init__(self, errors: list[PointError]):
        super().__init__(f"{len(errors)} problem(s) in the file; nothing was imported")
        self.errors = errors


def template_csv(measure: Measure, *, site: ProjectPartner | None = None) -> str:
    """The columns to fill in and an example row; a per-site measure's starts with the site (`site`, one
    the reader may enter, names it in the example)."""
    out = io.StringIO()
    writer = csv.writer(out)
    example_denominator = "10" if measure.has_denominator else ""
    example = [measure.starts_on.isoformat(), "7", example_denominator, "optional note"]
    if measure.per_site:
        writer.writerow(["site", *COLUMNS])
        writer.writerow([site.site_name if site else "the site's name", *example])
    else:
        writer.writerow(COLUMNS)
        writer.writerow(example)
    return out.getvalue()


def _csv_rows(data: bytes, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The file's rows by number (row 1 is the header), with lower-case column names; raises ImportRejected
    when the file cannot be read or lacks a required column."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected([PointError(None, "file", "The file is larger than 5 MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [PointError(None, "file", "The file is not UTF-8 text; save it as CSV (UTF-8)")]
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRejected(
            [
                PointError(
                    1,
                    "header",
                    f"The file needs the column(s) {', '.join(missing)}; "
                    f"download the template to see the layout",
                )
            ]
        )
    reader.fieldnames = header
    return list(enumerate(reader, start=2))


def _numbers(row_number: int, row: dict, errors: list) -> tuple:
    """The row's period, numerator and denominator, each None (with its error added) when unreadable."""
    try:
        period = parse_date(row.get("period_start"))
        if period is None:
            raise ValueError("the period is missing")
    except ValueError as error:
        errors.append(PointError(row_number, "period_start", str(error)))
        period = None
    try:
        numerator = parse_number(row.get("numerator"))
        if numerator is None:
            raise ValueError("the numerator is missing")
    except ValueError as error:
        errors.append(PointError(row_number, "numerator", str(error)))
        numerator = None
    try:
        denominator = parse_number(row.get("denominator"))
    except ValueError as error:
        errors.append(PointError(row_number, "denominator", str(error)))
        denominator = None
    return period, numerator, denominator


def parse_csv(data: bytes, *, site_column: bool = False) -> list[PointInput]:
    """Rows of the file as point inputs; raises ImportRejected listing every unreadable cell. With
    `site_column` (a measure recorded per site) the file must name each row's site; the service checks it."""
    required = ("site", "period_start", "numerator") if site_column else ("period_start", "numerator")
    points, errors = [], []
    for row_number, row in _csv_rows(data, required):
        period, numerator, denominator = _numbers(row_number, row, errors)
        if period is not None and numerator is not None:
            points.append(
                (
                    row_number,
                    PointInput(
                        period,
                        numerator,
                        denominator,
                        (row.get("note") or "")[:300],
                        site=(row.get("site") or "").strip() or None,
                    ),
                )
            )
    return _all_read(points, errors)


def parse_group_csv(data: bytes, *, dimensions: list[str]) -> list[tuple[int, StratumInput]]:
    """Rows of the file of a measure broken down by group: a column per dimension naming the row's group
    (its key or label), then the period and numbers. The service checks the groups."""
    points, errors = [], []
    for row_number, row in _csv_rows(data, (*dimensions, "period_start", "numerator")):
        period, numerator, denominator = _numbers(row_number, row, errors)
        if period is not None and numerator is not None:
            groups = {key: (row.get(key) or "").strip() for key in dimensions}
            points.append(
                (
                    row_number,
                    StratumInput(period, groups, numerator, denominator, (row.get("note") or "")[:300]),
                )
            )
    return _all_read(points, errors)


def _all_read(points: list, errors: list) -> list:
    if errors:
        raise ImportRejected(errors)
    if not points:
        raise ImportRejected([PointError(None, "file", "The file has no data rows")])
    return points


def group_template_csv(measure: Measure, parts: list[Breakdown]) -> str:
    """The columns of a measure broken down by group, a row per group of the first period as the example,
    and what each dimension's column takes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([part.key for part in parts] + COLUMNS)
    for stratum in strata_of(measure, parts):
        writer.writerow(
            [stratum.groups[part.key] for part in parts]
            + [measure.starts_on.isoformat(), "7", "10" if measure.has_denominator else "", ""]
        )
    return out.getvalue()


SUPPRESSED = "suppressed"
EXPORT_COLUMNS = ["measure", "site", "group", *COLUMNS]


def _rows(measures: Iterable[Measure], disclosure_of) -> Iterable[list]:
    """Each measure's periods; a measure broken down by group then has a row per group and period, its
    `group` the stratum (`deprivation=1`), with counts a reader outside the team may not see written as
    "suppressed" (`disclosure_of(measure)`, measurement.equity)."""
    for measure in measures:
        for point in points_of(measure).select_related("site").order_by("period_start", "site__site_name"):
            yield [
                measure.name,
                point.site.site_name if point.site else "",
                "",
                point.period_start.isoformat(),
                point.numerator,
                "" if point.denominator is None else point.denominator,
                point.note,
            ]
        if not measure.stratified_by:
            continue
        disclosure = disclosure_of(measure)
        for point in stratum_points_of(measure).order_by("period_start", "stratum"):
            hidden = disclosure.hides(point.stratum, point.period_start)
            yield [
                measure.name,
                "",
                point.stratum,
                point.period_start.isoformat(),
                SUPPRESSED if hidden else point.numerator,
                "" if point.denominator is None else SUPPRESSED if hidden else point.denominator,
                "",
            ]


def export_csv(measures: Iterable[Measure], *, disclosure_of) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_rows(measures, disclosure_of))
    return out.getvalue()


def export_xlsx(measures: Iterable[Measure], *, disclosure_of) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(EXPORT_COLUMNS)
    number = lambda value: value if value in ("", SUPPRESSED) else float(value)  # noqa: E731
    for measure, site, group, period, numerator, denominator, note in _rows(measures, disclosure_of):
        sheet.append([measure, site, group, period, number(numerator), number(denominator), note])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
