"""One validation for a period's data, whoever enters it: the grid, the quick tally, a CSV import, the API,
and one answer to "whose site may this person enter" for a measure recorded per partner site."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.access import Access
from coproduction.models import ProjectPartner
from coproduction.selectors.partners import partners_of

from .models import Measure
from .periods import describe_period, is_period_start, period_start


@dataclass(frozen=True)
class PointInput:
    period_start: date
    numerator: Decimal
    denominator: Decimal | None
    note: str = ""
    # The partner site, as written: a partnership id, its site name or its organisation's name.
    site: str | None = None


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


def require_data_entry(access: Access, measure: Measure) -> None:
    """Whoever may change the project's records may enter its data, except that a partner organisation's
    staff enter only their own site's data, so never that of a measure of the whole project."""
    access.require_edit_project(measure.project)
    if not measure.per_site and access.sites_entered_by(measure.project) is not None:
        raise PermissionDenied(
            "This measure is for the whole project, not recorded per site: only the lead organisation's "
            "team enters its data"
        )


class SiteCheck:
    """Which partner site a point belongs to, and whether this person may enter it: a measure recorded per
    site needs a site that is a current partner of the project (for a partner's staff, one of their own);
    a measure of the whole project takes none. Reads the project's partners once, for any number of rows."""

    def __init__(self, *, measure: Measure, allowed: frozenset[uuid.UUID] | None):
        self.measure = measure
        self.allowed = allowed  # Access.sites_entered_by: None for any site
        self.today = timezone.localdate()
        self.partners = list(partners_of(project=measure.project)) if measure.per_site else []

    @classmethod
    def of(cls, access: Access, measure: Measure) -> "SiteCheck":
        return cls(measure=measure, allowed=access.sites_entered_by(measure.project))

    def entry_sites(self) -> list[ProjectPartner]:
        """The sites this person may enter, by site name."""
        return [partner for partner in self.partners if self.problem(partner) is None]

    def problem(self, partner: ProjectPartner) -> str | None:
        if not partner.is_current(self.today):
            if partner.joined_on > self.today:
                return f"{partner.site_name} does not join the project until {partner.joined_on:%-d %b %Y}"
            return f"{partner.site_name} is no longer a partner of this project"
        if self.allowed is not None and partner.pk not in self.allowed:
            own = [p.site_name for p in self.partners if p.pk in self.allowed]
            return f"You can enter data only for {' and '.join(own) if own else 'your own site'}"
        return None

    def find(self, text: str) -> list[ProjectPartner]:
        wanted = str(text).strip().casefold()
        return [
            partner
            for partner in self.partners
            if wanted
            in (str(partner.pk), partner.site_name.casefold(), partner.partner_organisation.name.casefold())
        ]

    def resolve(
        self, text: str | None, *, row: int | None = None
    ) -> tuple[ProjectPartner | None, list[PointError]]:
        """The site `text` names, or the problems with it."""
        given = text is not None and str(text).strip() != ""
        refuse = lambda message: (None, [PointError(row, "site", message)])  # noqa: E731
        if not self.measure.per_site:
            if given:
                return refuse(
                    "This measure is for the whole project, not recorded per site: leave the site empty"
                )
            return None, []
        if not given:
            return refuse("Say which partner site the data is for")
        found = self.find(text)
        if not found:
            return refuse(f"'{text}' is not a partner site of this project")
        if len(found) > 1:
            return refuse(f"'{text}' names more than one site: use the partner organisation's name")
        problem = self.problem(found[0])
        return (None, [PointError(row, "site", problem)]) if problem else (found[0], [])
