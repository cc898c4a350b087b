"""The same report as spreadsheets: an XLSX workbook with one sheet per table, or one CSV file with a
section per table."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

Table = tuple[str, list[str], list[list]]


def _safe(value):
    """Spreadsheet programs run cells that start with = + - @ as formulas; quote such text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def tables_to_xlsx(tables: list[Table], *, title: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    for name, header, rows in tables:
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def tables_to_csv(tables: list[Table]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    for index, (name, header, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([name])
        writer.writerow(header)
        writer.writerows([[_safe(value) for value in row] for row in rows])
    return output.getvalue().encode("utf-8-sig")
