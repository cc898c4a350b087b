"""Reads for multi-project report scopes: an organisation, an integrated care system, a cohort or an NHS
England region. Who may read a scope, and which of its projects a report for a given reader holds
(docs/adr/006-report-scopes.md).

A scope is read by the people who oversee it, not by everyone who reads one project inside it:
- an organisation: its organisation admins, viewers of its system, the regional team of its system's region,
  and programme admins and coaches whose projects lie there;
- a system: its system viewers, the regional team of its region, and programme admins and coaches whose
  projects lie there;
- a cohort: its coaches (of the cohort or its programme) and its programme's admins;
- a region: its regional team, and programme admins whose projects lie there.
A report for a scope holds only the projects its requester may read; out of scope answers 404.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.access import Access
from programmes.models import Cohort, Organisation, Region
from projects.models import Project

from .models import ReportRun

MULTI_PROJECT_SCOPES = (
    ReportRun.ScopeKind.ORGANISATION,
    ReportRun.ScopeKind.SYSTEM,
    ReportRun.ScopeKind.COHORT,
    ReportRun.ScopeKind.REGION,
)
REQUEST_ROUTES = {
    ReportRun.ScopeKind.ORGANISATION: ("report_request_organisation", "organisation_id"),
    ReportRun.ScopeKind.SYSTEM: ("report_request_system", "system_id"),
    ReportRun.ScopeKind.COHORT: ("report_request_cohort", "cohort_id"),
    ReportRun.ScopeKind.REGION: ("report_request_region", "region_id"),
}


@dataclass(frozen=True)
class Scope:
    kind: str
    target: Organisation | Cohort | Region

    @property
    def pk(self) -> uuid.UUID:
        return self.target.pk

    @property
    def name(self) -> str:
        if self.kind == ReportRun.ScopeKind.COHORT:
            return f"{self.target.programme.name}: {self.target.name}"
        return self.target.name

    @property
    def kind_text(self) -> str:
        return ReportRun.ScopeKind(self.kind).label

    @property
    def request_url(self) -> str:
        name, argument = REQUEST_ROUTES[self.kind]
        return reverse(name, kwargs={argument: self.pk})

    def projects_filter(self) -> Q:
        if self.kind == ReportRun.ScopeKind.ORGANISATION:
            return Q(organisation_id=self.pk)
        if self.kind == ReportRun.ScopeKind.SYSTEM:
            return Q(organisation__system_id=self.pk)
        if self.kind == ReportRun.ScopeKind.REGION:
            return Q(organisation__region_id=self.pk) | Q(organisation__system__region_id=self.pk)
        return Q(enrolment__cohort_id=self.pk)


def _programme_wide(access: Access) -> Q:
    """Projects read through a programme-wide role: programme admin or coach."""
    return Q(
        enrolment__cohort__programme_id__in=access.administered_programme_ids | access.coached_programme_ids
    ) | Q(enrolment__cohort_id__in=access.coached_cohort_ids)


def may_read_scope(access: Access, scope: Scope) -> bool:
    if getattr(access.user, "is_superuser", False):
        return True
    target = scope.target
    if scope.kind == ReportRun.ScopeKind.COHORT:
        return target.pk in access.coached_cohort_ids or target.programme_id in (
            access.administered_programme_ids | access.coached_programme_ids
        )
    if scope.kind == ReportRun.ScopeKind.REGION:
        return target.pk in access.viewed_region_ids or _projects_lie_there(
            scope, Q(enrolment__cohort__programme_id__in=access.administered_programme_ids)
        )
    if scope.kind == ReportRun.ScopeKind.ORGANISATION and (
        target.pk in access.administered_organisation_ids
        or target.system_id in access.viewed_system_ids
        or (access.viewed_region_ids and access.region_of(target) in access.viewed_region_ids)
    ):
        return True
    if scope.kind == ReportRun.ScopeKind.SYSTEM and (
        target.pk in access.viewed_system_ids or target.region_id in access.viewed_region_ids
    ):
        return True
    return _projects_lie_there(scope, _programme_wide(access))


def _projects_lie_there(scope: Scope, reader: Q) -> bool:
    return Project.objects.filter(scope.projects_filter() & reader).exists()


def scope_visible(*, access: Access, kind: str, scope_id: uuid.UUID) -> Scope:
    """The scope, or Http404 when it does not exist or the reader does not oversee it."""
    if kind == ReportRun.ScopeKind.COHORT:
        target = Cohort.objects.select_related("programme").filter(pk=scope_id).first()
    elif kind == ReportRun.ScopeKind.REGION:
        target = Region.objects.filter(pk=scope_id).first()
    else:
        organisation_kind = (
            Organisation.Kind.SYSTEM if kind == ReportRun.ScopeKind.SYSTEM else Organisation.Kind.PROVIDER
        )
        target = Organisation.objects.filter(pk=scope_id, kind=organisation_kind).first()
    if target is None:
        raise Http404("No such report scope")
    scope = Scope(kind=kind, target=target)
    if not may_read_scope(access, scope):
        raise Http404("No such report scope")
    return scope


def scope_projects(*, access: Access, scope: Scope) -> QuerySet[Project]:
    """The scope's projects the reader may read, in report order (organisation, then title)."""
    return (
        Project.objects.filter(scope.projects_filter())
        .filter(access.readable_projects())
        .select_related("organisation__system", "enrolment__cohort__programme", "phase")
        .order_by("organisation__name", "title", "pk")
    )


def scope_of_run(run: ReportRun) -> Scope | None:
    """The scope a multi-project run reports on (None when it no longer exists)."""
    if run.scope_kind == ReportRun.ScopeKind.COHORT:
        target = Cohort.objects.select_related("programme").filter(pk=run.scope_id).first()
    elif run.scope_kind == ReportRun.ScopeKind.REGION:
        target = Region.objects.filter(pk=run.scope_id).first()
    else:
        target = Organisation.objects.filter(pk=run.scope_id).first()
    return Scope(kind=run.scope_kind, target=target) if target is not None else None


def may_read_multi_project_run(access: Access, run: ReportRun) -> bool:
    """Whoever oversees the scope and may read every project the run holds: a report never shows a reader
    a project they could not open themselves."""
    scope = scope_of_run(run)
    if scope is None or not may_read_scope(access, scope):
        return False
    # Counted against the ids the run stored, not against the projects still there: a project outside the
    # reader's tenant scope is invisible to this query, so "none unreadable" would wrongly pass.
    project_ids = set(run.parameters.get("project_ids", []))
    readable = Project.objects.filter(pk__in=project_ids).filter(access.readable_projects()).count()
    return readable == len(project_ids)
