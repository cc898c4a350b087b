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
from .selectors import points_of

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


def parse_csv(data: bytes, *, site_column: bool = False) -> list[PointInput]:
    """Rows of the file as point inputs; raises ImportRejected listing every unreadable cell. With
    `site_column` (a measure recorded per site) the file must name each row's site; the service checks it."""
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
    required = ("site", "period_start", "numerator") if site_column else ("period_start", "numerator")
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
    points, errors = [], []
    for row_number, row in enumerate(reader, start=2):  # row 1 is the header
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
    if errors:
        raise ImportRejected(errors)
    if not points:
        raise ImportRejected([PointError(None, "file", "The file has no data rows")])
    return points


def _rows(measures: Iterable[Measure]) -> Iterable[list]:
    for measure in measures:
        for point in points_of(measure).select_related("site").order_by("period_start", "site__site_name"):
            yield [
                measure.name,
                point.site.site_name if point.site else "",
                point.period_start.isoformat(),
                point.numerator,
                "" if point.denominator is None else point.denominator,
                point.note,
            ]


def export_csv(measures: Iterable[Measure]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["measure", "site", *COLUMNS])
    writer.writerows(_rows(measures))
    return out.getvalue()


def export_xlsx(measures: Iterable[Measure]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["measure", "site", *COLUMNS])
    for measure, site, period, numerator, denominator, note in _rows(measures):
        sheet.append(
            [measure, site, period, float(numerator), "" if denominator == "" else float(denominator), note]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
