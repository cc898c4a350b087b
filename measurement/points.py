"""One validation for a period's data, whoever enters it: the grid, the quick tally, a CSV import, the API."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from .models import Measure
from .periods import describe_period, is_period_start, period_start


@dataclass(frozen=True)
class PointInput:
    period_start: date
    numerator: Decimal
    denominator: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class PointError:
    row: int | None  # 1-based row of a file or grid, None for a single entry
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.field}" if self.row is not None else self.field.capitalize()
        return f"{where}: {self.message}"


def parse_number(text: str | None) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation as error:
        raise ValueError(f"'{text}' is not a number") from error
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number")
    return value


def parse_date(text: str | date | None) -> date | None:
    if isinstance(text, date):
        return text
    if text is None or str(text).strip() == "":
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date like 2026-03-02") from error


def current_period(measure: Measure) -> date:
    return period_start(timezone.localdate(), frequency=measure.frequency, week_start=measure.week_start)


def validate_point(
    measure: Measure, point: PointInput, *, row: int | None = None, latest: date | None = None
) -> list[PointError]:
    """Every problem with one period's data. `latest` (the current period) may be passed in by a caller
    checking many rows, to work it out once."""
    errors = []
    add = lambda field, message: errors.append(PointError(row, field, message))  # noqa: E731
    if not is_period_start(point.period_start, frequency=measure.frequency, week_start=measure.week_start):
        expected = period_start(
            point.period_start, frequency=measure.frequency, week_start=measure.week_start
        )
        add("period", f"{point.period_start} is not the start of a period; did you mean {expected}?")
    elif point.period_start < period_start(
        measure.starts_on, frequency=measure.frequency, week_start=measure.week_start
    ):
        add(
            "period",
            f"{describe_period(point.period_start, frequency=measure.frequency)} is before the measure "
            f"starts ({measure.starts_on:%-d %b %Y})",
        )
    elif point.period_start > (latest or current_period(measure)):
        add("period", f"{describe_period(point.period_start, frequency=measure.frequency)} is in the future")
    if point.numerator < 0:
        add("numerator", "The numerator cannot be negative")
    if measure.has_denominator:
        if point.denominator is None:
            add("denominator", "Enter the denominator (how many were sampled)")
        elif point.denominator <= 0:
            add("denominator", "The denominator must be more than 0")
        elif measure.unit == Measure.Unit.PERCENT and point.numerator > point.denominator:
            add("numerator", "The numerator cannot be more than the denominator")
    elif point.denominator is not None:
        add(
            "denominator",
            f"A measure in {measure.get_unit_display().lower()} has no denominator; leave it empty",
        )
    return errors
