"""Fail-closed tenancy: the tenant base model and the scope every query of a tenant model runs in.

A tenant model queried while no scope is active raises `ScopeError` instead of returning every
organisation's rows. Web requests run inside the scope of the signed-in user's `Access`
(`accounts.middleware.AccessMiddleware`); Celery tasks and management commands open one explicitly.
See docs/adr/001-tenancy.md.
"""

import functools
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models


class ScopeError(RuntimeError):
    """A tenant model was queried with no tenant scope active."""


class _AllOrganisations:
    def __repr__(self) -> str:
        return "ALL_ORGANISATIONS"


ALL_ORGANISATIONS = _AllOrganisations()
OrganisationIds = frozenset[uuid.UUID] | _AllOrganisations


@dataclass(frozen=True)
class TenantScope:
    """The organisations whose rows may be read; resolved lazily so requests that never touch a
    tenant model pay nothing for it."""

    resolve: Callable[[], OrganisationIds]
    reason: str

    def organisation_ids(self) -> OrganisationIds:
        return self.resolve()


_active_scope: ContextVar[TenantScope | None] = ContextVar("tenant_scope", default=None)


@contextmanager
def tenant_scope(
    organisation_ids: Callable[[], OrganisationIds] | Iterable[uuid.UUID], *, reason: str
) -> Iterator[None]:
    """Run the block with tenant queries limited to `organisation_ids` (a set, or a callable giving one)."""
    if callable(organisation_ids):
        resolve = organisation_ids
    else:
        frozen = frozenset(organisation_ids)
        resolve = lambda: frozen  # noqa: E731
    token = _active_scope.set(TenantScope(resolve=resolve, reason=reason))
    try:
        yield
    finally:
        _active_scope.reset(token)


@contextmanager
def all_organisations(*, reason: str) -> Iterator[None]:
    """For system jobs only (Celery tasks, management commands): every organisation's rows are visible.
    The reason is required so each use says why it needs the whole database."""
    if not reason:
        raise ValueError("all_organisations() needs a reason")
    with tenant_scope(lambda: ALL_ORGANISATIONS, reason=reason):
        yield


class AnyOf(models.Lookup):
    """`field = ANY(%s)` with the ids as one array parameter on PostgreSQL. A coach's scope holds hundreds of
    organisations and every tenant query (and subquery) carries it: as `IN (%s, %s, ...)` each id is one
    parameter to bind and one literal to parse. Elsewhere (SQLite) it is an ordinary `IN`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return models.lookups.In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::uuid[])", [*lhs_params, uuid_array(_frozen(self.rhs))]


def _frozen(ids) -> frozenset:
    return ids if isinstance(ids, frozenset) else frozenset(ids)


@functools.lru_cache(maxsize=1024)
def uuid_array(ids: frozenset) -> str:
    """The ids as one PostgreSQL array literal, made once per scope: a request's queries each carry its
    scope, and quoting hundreds of ids one by one for each of them cost more than running some."""
    return "{" + ",".join(str(value) for value in ids) + "}"


models.ForeignKey.register_lookup(AnyOf)


class TenantManager(models.Manager):
    """The default manager of every tenant model: filters to the active scope, raises outside one."""

    def get_queryset(self) -> models.QuerySet:
        scope = _active_scope.get()
        if scope is None:
            raise ScopeError(
                f"{self.model.__name__} was queried outside a tenant scope. Read it through a selector "
                "(which runs in the request's scope) or open all_organisations(reason=...) in a system job."
            )
        queryset = super().get_queryset()
        organisation_ids = scope.organisation_ids()
        if organisation_ids is ALL_ORGANISATIONS:
            return queryset
        return queryset.filter(organisation_id__any_of=organisation_ids)


class TenantModel(models.Model):
    """Base for every row that belongs to one organisation (a provider, or a system for system-wide work).

    `organisation` is set by the service from the parent object, never from request data; child rows
    carry it too, denormalised, so every table can be distributed by organisation (docs/scaling.md).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The foreign key is indexed, and (organisation, id) is unique: the shape a distributed table needs.
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, editable=False, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012 - the tenancy core only; scripts/lint_tenancy.py enforces it

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["organisation", "id"], name="%(app_label)s_%(class)s_org_id"),
        ]
