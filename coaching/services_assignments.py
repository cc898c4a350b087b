"""Coaches of cohorts and buddies of projects, assigned and removed by the programme's admins.

Each write is atomic and audited; assigning twice leaves one grant (`role_grant_create` is idempotent), and
removing a grant that is not there changes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.access import Access
from accounts.models import Role, RoleGrant, User
from accounts.services import role_grant_create
from alwaysevents.audit import audit
from programmes.models import Cohort
from projects.models import Project


class AssignmentRefused(ValueError):
    """The person cannot take this role; the message says why, for the form."""


def _require_admin(access: Access, programme_id) -> None:
    if not access.can_administer_programme(programme_id):
        raise PermissionDenied("Only the programme's admins assign coaches and buddies")


def _require_active(user: User) -> None:
    if not user.is_active:
        raise AssignmentRefused(f"{user.email}'s account is switched off")


@transaction.atomic
def coach_assign(*, access: Access, cohort: Cohort, user: User) -> RoleGrant:
    _require_admin(access, cohort.programme_id)
    _require_active(user)
    return role_grant_create(granted_by=access.user, user=user, role=Role.COACH, target=cohort)


@transaction.atomic
def buddy_assign(*, access: Access, project: Project, user: User) -> RoleGrant:
    _require_admin(access, project.enrolment.cohort.programme_id)
    _require_active(user)
    if RoleGrant.objects.filter(
        user=user, project=project, role__in=[Role.TEAM_MEMBER, Role.PARTNER]
    ).exists():
        raise AssignmentRefused(f"{user.email} is on this project's team; a buddy comes from elsewhere")
    return role_grant_create(granted_by=access.user, user=user, role=Role.BUDDY, target=project)


@transaction.atomic
def coach_remove(*, access: Access, cohort: Cohort, user: User) -> bool:
    _require_admin(access, cohort.programme_id)
    return _grant_remove(
        access, RoleGrant.objects.filter(role=Role.COACH, cohort=cohort, user=user), "cohort"
    )


@transaction.atomic
def buddy_remove(*, access: Access, project: Project, user: User) -> bool:
    _require_admin(access, project.enrolment.cohort.programme_id)
    grants = RoleGrant.objects.filter(role=Role.BUDDY, project=project, user=user)
    return _grant_remove(access, grants, "project", organisation=project.organisation)


def _grant_remove(access: Access, grants, target: str, organisation=None) -> bool:
    grant = grants.select_for_update().first()
    if grant is None:
        return False
    audit(
        actor=access.user,
        action="role_grant.delete",
        obj=grant,
        organisation=organisation,
        changed=["role", target],
    )
    grant.delete()
    return True
