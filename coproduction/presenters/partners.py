"""Display of a project's partner organisations and their sites."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from accounts.access import Access
from accounts.models import RoleGrant
from projects.models import Project

from ..models import ProjectPartner
from ..selectors.partners import PartnerWithStaff, partners_attributed


@dataclass
class PartnerRow:
    partner: ProjectPartner
    staff: list[RoleGrant]
    project: Project

    @property
    def organisation(self) -> str:
        return self.partner.partner_organisation.name

    @property
    def kind(self) -> str:
        return self.partner.partner_organisation.get_kind_display()

    @property
    def identifier(self) -> str:
        organisation = self.partner.partner_organisation
        if organisation.ods_code:
            return f"ODS {organisation.ods_code}"
        if organisation.cqc_location_id:
            return f"CQC {organisation.cqc_location_id}"
        return "No identifier"

    @property
    def is_current(self) -> bool:
        return self.partner.is_current(timezone.localdate())

    @property
    def status(self) -> dict:
        today = timezone.localdate()
        if self.partner.joined_on > today:
            return {"text": f"Joins {self.partner.joined_on:%-d %b %Y}", "classes": "nhsuk-tag--blue"}
        if self.is_current:
            return {"text": "Current", "classes": "nhsuk-tag--green"}
        return {"text": f"Left {self.partner.left_on:%-d %b %Y}", "classes": "nhsuk-tag--grey"}

    @property
    def dates(self) -> str:
        joined = f"Joined {self.partner.joined_on:%-d %B %Y}"
        return f"{joined}, left {self.partner.left_on:%-d %B %Y}" if self.partner.left_on else joined

    def url(self, name: str) -> str:
        return reverse(name, kwargs={"project_id": self.project.pk, "partner_id": self.partner.pk})


class PartnersPage:
    def __init__(self, project: Project, partners: list[PartnerWithStaff], access: Access):
        self.project = project
        self.access = access
        self.rows = [PartnerRow(item.partner, item.staff, project) for item in partners]

    @property
    def can_manage(self) -> bool:
        return (
            self.access.can_edit_project(self.project) and self.access.sites_entered_by(self.project) is None
        )

    @property
    def current(self) -> list[PartnerRow]:
        return [row for row in self.rows if row.is_current]

    @property
    def past(self) -> list[PartnerRow]:
        return [row for row in self.rows if not row.is_current]

    @property
    def summary(self) -> str:
        count = len(self.current)
        if not count:
            return f"{self.project.organisation} leads this project with no partner organisations yet."
        names = ", ".join(row.organisation for row in self.current)
        noun = "partner organisation" if count == 1 else "partner organisations"
        return f"{self.project.organisation} leads this project with {count} {noun}: {names}."


def attribution_rows(record) -> list[tuple[str, str]]:
    """A "Partners" summary row for a session, idea or cycle attributed to partners; none when it is not."""
    names = [
        partner.site_name
        if partner.site_name == partner.partner_organisation.name
        else f"{partner.site_name} ({partner.partner_organisation.name})"
        for partner in partners_attributed(record)
    ]
    return [("Partners", ", ".join(names))] if names else []
