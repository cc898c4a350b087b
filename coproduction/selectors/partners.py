"""Reads of a project's partner organisations, their sites and staff, through the reader's `Access`."""

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import Access
from accounts.models import Role, RoleGrant
from programmes.models import Organisation
from projects.selectors import project_visible

from ..models import ProjectPartner


def partners_of(*, project) -> QuerySet[ProjectPartner]:
    """Every partner of a project already read in scope, current and past, by site name."""
    return (
        ProjectPartner.objects.filter(organisation=project.organisation, project=project)
        .select_related("partner_organisation")
        .order_by("site_name")
    )


def partners_attributed(record) -> QuerySet[ProjectPartner]:
    """The partners a session, change idea or PDSA cycle is attributed to, by site name."""
    return record.partners.select_related("partner_organisation").order_by("site_name")


def partner_visible(*, access: Access, project_id: uuid.UUID, partner_id: uuid.UUID) -> ProjectPartner:
    project = project_visible(access=access, project_id=project_id)
    try:
        return partners_of(project=project).get(pk=partner_id)
    except (ProjectPartner.DoesNotExist, ValueError) as error:
        raise Http404("No such partner") from error


@dataclass
class PartnerWithStaff:
    partner: ProjectPartner
    staff: list[RoleGrant]


def partners_with_staff(*, access: Access, project_id: uuid.UUID) -> tuple[object, list[PartnerWithStaff]]:
    """The project and its partners, each with the people who work on the project for it."""
    project = project_visible(access=access, project_id=project_id)
    partners = list(partners_of(project=project))
    grants = RoleGrant.objects.filter(role=Role.PARTNER_STAFF, partnership__in=partners).select_related(
        "user"
    )
    staff: dict[uuid.UUID, list[RoleGrant]] = {}
    for grant in grants.order_by("user__email"):
        staff.setdefault(grant.partnership_id, []).append(grant)
    return project, [PartnerWithStaff(partner, staff.get(partner.pk, [])) for partner in partners]


def organisations_to_partner(*, project) -> QuerySet[Organisation]:
    """Organisations that may join a project as partners: any that is not a system and not already one."""
    taken = ProjectPartner.objects.filter(organisation=project.organisation, project=project).values(
        "partner_organisation_id"
    )
    return (
        Organisation.objects.exclude(kind=Organisation.Kind.SYSTEM)
        .exclude(pk__in=taken)
        .select_related("system")
        .order_by("name")
    )


def organisation_by_id(organisation_id: uuid.UUID) -> Organisation | None:
    """Any organisation, for the services to judge whether it may partner a project."""
    return Organisation.objects.filter(pk=organisation_id).first()
