"""The one answer to "may this user read / edit / comment on / administer X".

An `Access` is built once per request from the user's role grants (one query), and every selector
filters by it. docs/authorization.md is the matrix these methods implement; tests/accounts/test_access.py
follows it row by row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404
from django.utils import timezone

from alwaysevents.tenancy import ALL_ORGANISATIONS, OrganisationIds, TenantModel

from .models import Role, RoleGrant, target_model

# What the checks are asked about. Projects and organisations are defined above accounts
# (docs/architecture.md): to it a project is a tenant row with a project's fields, an organisation a model.
type Project = TenantModel
type Organisation = Model


def _ids(grants, role: str, target: str) -> frozenset[uuid.UUID]:
    return frozenset(
        getattr(grant, f"{target}_id")
        for grant in grants
        if grant.role == role and getattr(grant, f"{target}_id")
    )


@dataclass(frozen=True)
class ReadableBy:
    """Where a table keeps the facts reading turns on, so one definition of who may read
    (`Access.readable`) filters projects and the rows made from them alike. Each is a field path for `__in`;
    `in_regions` gives the condition for rows of organisations in these regions, a system's own and its
    members'."""

    project: str
    organisation: str
    system: str
    programme: str
    cohort: str
    in_regions: Callable[[frozenset[uuid.UUID]], Q]


PROJECT_FIELDS = ReadableBy(
    project="pk",
    organisation="organisation_id",
    system="organisation__system_id",
    programme="enrolment__cohort__programme_id",
    cohort="enrolment__cohort_id",
    in_regions=lambda region_ids: (
        Q(organisation__region_id__in=region_ids) | Q(organisation__system__region_id__in=region_ids)
    ),
)


@dataclass
class Access:
    user: object
    grants: tuple[RoleGrant, ...] = field(default_factory=tuple)

    @classmethod
    def for_user(cls, user) -> Access:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user=user)
        today = timezone.localdate()
        grants = (
            RoleGrant.objects.filter(user=user)
            # A partner organisation's staff lose the project the day its partnership ends, or is removed.
            .exclude(partnership__left_on__lte=today)
            .exclude(partnership__joined_on__gt=today)
            .select_related("project", "partnership")
        )
        return cls(user=user, grants=tuple(grants))

    # --- what the grants say ----------------------------------------------------------------

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.grants)

    @cached_property
    def administered_programme_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.PROGRAMME_ADMIN, "programme")

    @cached_property
    def coached_programme_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.COACH, "programme")

    @cached_property
    def coached_cohort_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.COACH, "cohort")

    @cached_property
    def viewed_system_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.SYSTEM_VIEWER, "organisation")

    @cached_property
    def administered_organisation_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.ORGANISATION_ADMIN, "organisation")

    @cached_property
    def buddy_project_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.BUDDY, "project")

    @cached_property
    def partner_sites(self) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        """Project id -> the partnerships (sites) this person works for on it, as a partner's staff."""
        sites: dict[uuid.UUID, set[uuid.UUID]] = {}
        for grant in self.grants:
            if grant.role == Role.PARTNER_STAFF:
                sites.setdefault(grant.partnership.project_id, set()).add(grant.partnership_id)
        return {project_id: frozenset(ids) for project_id, ids in sites.items()}

    @cached_property
    def team_project_ids(self) -> frozenset[uuid.UUID]:
        """The projects whose team this person is on: as a team member or a patient or carer partner of the
        lead's team, or as a current partner organisation's staff."""
        return (
            _ids(self.grants, Role.TEAM_MEMBER, "project")
            | _ids(self.grants, Role.PARTNER, "project")
            | frozenset(self.partner_sites)
        )

    @cached_property
    def viewed_region_ids(self) -> frozenset[uuid.UUID]:
        return _ids(self.grants, Role.REGIONAL_VIEWER, "region")

    @property
    def is_programme_admin(self) -> bool:
        return bool(self.administered_programme_ids)

    @property
    def is_coach(self) -> bool:
        return bool(self.coached_programme_ids or self.coached_cohort_ids)

    # --- the tenant scope: every organisation any grant reaches -------------------------------

    @cached_property
    def organisation_ids(self) -> OrganisationIds:
        if getattr(self.user, "is_superuser", False):
            return ALL_ORGANISATIONS
        ids = set(self.administered_organisation_ids) | set(self.viewed_system_ids)
        ids |= {grant.project.organisation_id for grant in self.grants if grant.project_id}
        # A partnership's rows belong to the lead organisation; selectors narrow that to its one project.
        ids |= {grant.partnership.organisation_id for grant in self.grants if grant.partnership_id}
        if self.viewed_system_ids or self.viewed_region_ids:
            ids |= set(
                target_model("organisation")
                .objects.filter(
                    Q(system_id__in=self.viewed_system_ids)
                    | Q(region_id__in=self.viewed_region_ids)
                    | Q(system__region_id__in=self.viewed_region_ids)
                )
                .order_by()
                .values_list("id", flat=True)
            )
        programme_ids = self.administered_programme_ids | self.coached_programme_ids
        if programme_ids or self.coached_cohort_ids:
            ids |= set(
                # The organisations enrolled in those programmes and cohorts; no ordering, as the model's
                # default one joins more to sort.
                target_model("organisation")
                .objects.filter(
                    Q(enrolments__cohort__programme_id__in=programme_ids)
                    | Q(enrolments__cohort_id__in=self.coached_cohort_ids)
                )
                .order_by()
                .values_list("id", flat=True)
            )
        return frozenset(ids)

    # --- projects ----------------------------------------------------------------------------

    def readable_projects(self) -> Q:
        """A filter for Project querysets: the projects this user may read."""
        return self.readable(PROJECT_FIELDS)

    def readable(self, fields: ReadableBy) -> Q:
        """A filter for any table that names a project's facts as `fields` says: the rows of the projects this
        user may read. A system viewer reads the system's own projects and its members'."""
        if getattr(self.user, "is_superuser", False):
            return Q()
        condition = (
            Q(**{f"{fields.project}__in": self.buddy_project_ids | self.team_project_ids})
            | Q(**{f"{fields.organisation}__in": self.administered_organisation_ids | self.viewed_system_ids})
            | Q(**{f"{fields.system}__in": self.viewed_system_ids})
            | Q(**{f"{fields.programme}__in": self.administered_programme_ids | self.coached_programme_ids})
            | Q(**{f"{fields.cohort}__in": self.coached_cohort_ids})
        )
        if self.viewed_region_ids:
            condition |= fields.in_regions(self.viewed_region_ids)
        return condition

    def can_read_project(self, project: Project) -> bool:
        if getattr(self.user, "is_superuser", False):
            return True
        cohort = project.enrolment.cohort
        return (
            project.pk in self.buddy_project_ids
            or project.pk in self.team_project_ids
            or project.organisation_id in self.administered_organisation_ids
            or project.organisation_id in self.viewed_system_ids
            or project.organisation.system_id in self.viewed_system_ids
            or self.region_of(project.organisation) in self.viewed_region_ids
            or cohort.programme_id in (self.administered_programme_ids | self.coached_programme_ids)
            or cohort.pk in self.coached_cohort_ids
        )

    @staticmethod
    def region_of(organisation: Organisation) -> uuid.UUID | None:
        """A system's own region, or the region of the system an organisation belongs to."""
        if organisation.is_system:
            return organisation.region_id
        return organisation.system.region_id if organisation.system_id else None

    def can_edit_project(self, project: Project) -> bool:
        """Edit the team's records: its team members, partners and its organisation's admins."""
        return (
            project.pk in self.team_project_ids
            or project.organisation_id in self.administered_organisation_ids
        )

    def can_comment_on_project(self, project: Project) -> bool:
        """Comment: all who support or run the project, regional teams too; system viewers only read."""
        cohort = project.enrolment.cohort
        return (
            self.can_edit_project(project)
            or project.pk in self.buddy_project_ids
            or (
                bool(self.viewed_region_ids)
                and self.region_of(project.organisation) in self.viewed_region_ids
            )
            or cohort.pk in self.coached_cohort_ids
            or cohort.programme_id in (self.coached_programme_ids | self.administered_programme_ids)
        )

    def sites_entered_by(self, project: Project) -> frozenset[uuid.UUID] | None:
        """The partner sites whose data this person may enter on the project: None for any site (the lead's
        team and admins), else only the sites of the partnerships they work for."""
        lead_team = (
            project.pk
            in (_ids(self.grants, Role.TEAM_MEMBER, "project") | _ids(self.grants, Role.PARTNER, "project"))
            or project.organisation_id in self.administered_organisation_ids
            or getattr(self.user, "is_superuser", False)
        )
        return None if lead_team else self.partner_sites.get(project.pk, frozenset())

    def require_read_project(self, project: Project) -> None:
        if not self.can_read_project(project):
            raise Http404("No such project")

    def require_edit_project(self, project: Project) -> None:
        self.require_read_project(project)
        if not self.can_edit_project(project):
            raise PermissionDenied("Only the project's team can change its records")

    def require_comment_on_project(self, project: Project) -> None:
        self.require_read_project(project)
        if not self.can_comment_on_project(project):
            raise PermissionDenied("You can read this project but not comment on it")

    # --- organisations and programmes --------------------------------------------------------

    def can_administer_organisation(self, organisation: Organisation) -> bool:
        if organisation.pk in self.administered_organisation_ids:
            return True
        return organisation.enrolments.filter(
            cohort__programme_id__in=self.administered_programme_ids
        ).exists()

    def can_administer_programme(self, programme_id: uuid.UUID) -> bool:
        return programme_id in self.administered_programme_ids

    def require_administer_organisation(self, organisation: Organisation) -> None:
        if not self.can_administer_organisation(organisation):
            raise Http404("No such organisation")

    @property
    def can_invite(self) -> bool:
        return bool(self.administered_organisation_ids or self.administered_programme_ids)
