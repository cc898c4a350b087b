"""The one way to record a write. Every write service calls `audit`; it refuses to log without an actor.
It also marks the organisation's cached pages stale (`alwaysevents.freshness`) and the project's read-model
rows for rebuilding in the same transaction (`alwaysevents.read_models`)."""

from collections.abc import Iterable

from django.db import models

from . import freshness, read_models
from .models import AuditEvent

# Rows every organisation's pages show (names, phases, cohorts): a change to one is a change for everyone.
REFERENCE_MODELS = {
    "programmes.organisation",
    "programmes.programme",
    "programmes.phase",
    "programmes.checklistitem",
    "programmes.cohort",
    "programmes.enrolment",
}


def audit(
    *,
    action: str,
    obj: models.Model,
    actor=None,
    system_job: str = "",
    changed: Iterable[str] = (),
    organisation=None,
) -> AuditEvent:
    """Record that `actor` (a user) or `system_job` (a named job) did `action` to `obj`.

    Only field names are kept, never values: a changed field may hold words a patient wrote.
    """
    if actor is None and not system_job:
        raise ValueError("An audit event needs the user who acted or the name of the system job")
    if actor is not None and not actor.is_authenticated:
        raise ValueError("An anonymous visitor cannot be the actor of an audit event; name the system job")
    organisation_id = organisation.pk if organisation is not None else _organisation_id_of(obj)
    freshness.changed(None if obj._meta.label_lower in REFERENCE_MODELS else organisation_id)
    project_id = read_models.project_id_of(obj)
    read_models.changed(obj)
    return AuditEvent.objects.create(
        actor=actor,
        system_job=system_job,
        organisation_id=organisation_id,
        project_id=project_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changed_fields=sorted(changed),
    )


def _organisation_id_of(obj: models.Model):
    if obj._meta.label_lower == "programmes.organisation":
        return obj.pk
    return getattr(obj, "organisation_id", None)
