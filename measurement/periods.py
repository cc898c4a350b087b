"""The one date-period helper: which period a date falls in, and the periods between two dates."""

from datetime import date, timedelta


def period_start(day: date, *, frequency: str, week_start: int = 0) -> date:
    """The first day of the week (starting on `week_start`, Monday = 0) or month that contains `day`."""
    if frequency == "monthly":
        return day.replace(day=1)
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def next_period(start: date, *, frequency: str) -> date:
    if frequency == "monthly":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7)


def is_period_start(day: date, *, frequency: str, week_start: int = 0) -> bool:
    return period_start(day, frequency=frequency, week_start=week_start) == day


def describe_period(start: date, *, frequency: str) -> str:
    if frequency == "monthly":
        return start.strftime("%B %Y")
    return f"Week of {start:%-d %b %Y}"
