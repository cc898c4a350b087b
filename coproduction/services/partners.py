"""Writes of a project's partner organisations and of the people who work on the project for them
(docs/adr/009-integrated-care.md). Only the lead's team manages partners; every write is audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import Access
from accounts.models import Invitation, Role, RoleGrant, User
from accounts.services import invitation_create, role_grant_create
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from programmes.models import Organisation
from projects.models import Project

from ..models import ProjectPartner

PARTNER_FIELDS = {"role_in_pathway", "site_name", "joined_on", "left_on"}


def require_lead_team(access: Access, project: Project) -> None:
    """Partners are managed by the lead organisation's team and admins, not by a partner's own staff."""
    access.require_edit_project(project)
    if access.sites_entered_by(project) is not None:
        raise PermissionDenied("Only the lead organisation's team can change the project's partners")


def _check_partner_organisation(project: Project, organisation: Organisation) -> None:
    if organisation.is_system:
        raise ValidationError({"partner_organisation": "A system leads projects; choose one of its members."})
    if ProjectPartner.objects.filter(project=project, partner_organisation=organisation).exists():
        raise ValidationError(
            {"partner_organisation": f"{organisation} is already a partner on this project."}
        )


def _check_dates(joined_on: date, left_on: date | None) -> None:
    if left_on is not None and left_on < joined_on:
        raise ValidationError({"left_on": "The day it left must be on or after the day it joined."})


@transaction.atomic
def project_partner_add(
    *,
    access: Access,
    project: Project,
    partner_organisation: Organisation,
    role_in_pathway: str,
    site_name: str,
    joined_on: date | None = None,
) -> ProjectPartner:
    require_lead_team(access, project)
    _check_partner_organisation(project, partner_organisation)
    partner = ProjectPartner(
        organisation=project.organisation,
        project=project,
        partner_organisation=partner_organisation,
        role_in_pathway=role_in_pathway.strip(),
        site_name=site_name.strip() or partner_organisation.name,
        joined_on=joined_on or timezone.localdate(),
    )
    partner.full_clean(exclude=["organisation", "project", "partner_organisation"])
    partner.save()
    audit(
        actor=access.user,
        action="project_partner.add",
        obj=partner,
        changed=["partner_organisation", "role_in_pathway", "site_name", "joined_on"],
    )
    return partner


@transaction.atomic
def project_partner_update(
    *, access: Access, partner: ProjectPartner, expected_version: int, **changes
) -> ProjectPartner:
    require_lead_team(access, partner.project)
    unknown = set(changes) - PARTNER_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a partner")
    _check_dates(changes.get("joined_on", partner.joined_on), changes.get("left_on", partner.left_on))
    return save_versioned(
        obj=partner,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="project_partner.update",
    )


@transaction.atomic
def project_partner_remove(*, access: Access, partner: ProjectPartner) -> ProjectPartner:
    """The partner leaves today: its staff lose the project at once; what they recorded stays, attributed."""
    require_lead_team(access, partner.project)
    today = timezone.localdate()
    if partner.left_on is not None and partner.left_on <= today:
        return partner
    left_on = max(today, partner.joined_on)
    ProjectPartner.objects.filter(pk=partner.pk).update(left_on=left_on, version=partner.version + 1)
    partner.refresh_from_db()
    audit(actor=access.user, action="project_partner.remove", obj=partner, changed=["left_on"])
    return partner


@transaction.atomic
def partner_staff_add(*, access: Access, partner: ProjectPartner, email: str) -> RoleGrant | Invitation:
    """Give a partner's staff member the project: at once when they have an account, else by invitation."""
    require_lead_team(access, partner.project)
    if not partner.is_current(timezone.localdate()):
        raise ValidationError({"email": "This partner has left the project; add it again first."})
    email = email.strip().lower()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return invitation_create(access=access, email=email, role=Role.PARTNER_STAFF, target=partner)
    return role_grant_create(granted_by=access.user, user=user, role=Role.PARTNER_STAFF, target=partner)


@transaction.atomic
def partner_staff_remove(*, access: Access, partner: ProjectPartner, grant_id) -> None:
    require_lead_team(access, partner.project)
    grant = RoleGrant.objects.filter(pk=grant_id, role=Role.PARTNER_STAFF, partnership=partner).first()
    if grant is None:
        raise ValidationError("That person does not work on this project for this partner.")
    audit(actor=access.user, action="role_grant.delete", obj=grant, organisation=partner.organisation)
    grant.delete()
