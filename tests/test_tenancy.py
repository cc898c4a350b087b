"""The tenancy proofs: every model that belongs to an organisation uses the tenant base, and a tenant
model queried with no scope fails closed."""

import pytest
from django.apps import apps
from django.db import models

from alwaysevents.tenancy import ScopeError, TenantManager, TenantModel, all_organisations, tenant_scope
from programmes.models import Organisation
from projects.models import Project

# Rows that point at an organisation but are not owned by it, each with the reason (docs/adr/001-tenancy.md).
NOT_TENANT_OWNED = {
    "programmes.organisation": "the tenant itself",
    "programmes.enrolment": "programme reference data the access rules read before a scope exists",
    "programmes.place": "reference data of a system, kept by programme admins; filters read it in any scope",
    "accounts.rolegrant": "who may see what: read to build the scope",
    "accounts.invitation": "becomes a role grant",
    "alwaysevents.auditevent": "append-only cross-tenant log for programme admins",
}


def _points_at_organisation(model) -> bool:
    return any(
        isinstance(field, models.ForeignKey) and field.related_model is Organisation
        for field in model._meta.get_fields()
        if field.concrete
    )


def test_every_model_that_points_at_an_organisation_is_a_tenant_model_or_listed_with_a_reason():
    offenders = [
        model._meta.label_lower
        for model in apps.get_models()
        if _points_at_organisation(model)
        and not issubclass(model, TenantModel)
        and model._meta.label_lower not in NOT_TENANT_OWNED
    ]
    assert offenders == []


def test_the_conformance_check_sees_the_tenant_models():
    tenant_models = [model for model in apps.get_models() if issubclass(model, TenantModel)]
    assert Project in tenant_models


@pytest.mark.parametrize("model", [m for m in apps.get_models() if issubclass(m, TenantModel)], ids=str)
def test_every_tenant_model_has_the_tenant_shape(model):
    assert isinstance(model._default_manager, TenantManager)
    organisation = model._meta.get_field("organisation")
    assert organisation.related_model is Organisation and not organisation.editable and not organisation.null
    assert model._meta.pk.get_internal_type() == "UUIDField"
    unique_sets = [tuple(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    assert ("organisation", "id") in unique_sets
    assert model._meta.get_field("version")


@pytest.mark.django_db
def test_a_tenant_model_queried_with_no_scope_raises():
    with pytest.raises(ScopeError, match="outside a tenant scope"):
        list(Project.objects.all())


@pytest.mark.django_db
def test_a_scope_shows_only_its_organisations_rows(world):
    with tenant_scope([world.org_a.pk], reason="test"):
        assert set(Project.objects.all()) == {world.project_a, world.project_a2}
    with tenant_scope([], reason="test"):
        assert list(Project.objects.all()) == []
    with all_organisations(reason="test"):
        assert set(Project.objects.all()) == {world.project_a, world.project_a2, world.project_b}


def test_a_system_scope_needs_a_reason():
    with pytest.raises(ValueError, match="reason"), all_organisations(reason=""):
        pass


def test_links_between_tenant_rows_carry_the_organisation_too():
    """An automatic many-to-many table has no organisation column: it could not be distributed."""
    automatic_links = [
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
        and any(
            isinstance(field, models.ForeignKey) and issubclass(field.related_model, TenantModel)
            for field in model._meta.get_fields()
            if field.concrete
        )
    ]
    assert automatic_links == []
