"""Optimistic concurrency: every tenant row has a version; a save based on an older one is refused."""

from django.db import models
from django.db.models import F
from django.utils import timezone

from .audit import audit


class StaleEdit(Exception):
    """Someone saved this record after the editor loaded it. `current` holds the newer values to show."""

    def __init__(self, *, current):
        super().__init__(f"{current} was changed by someone else after you opened it")
        self.current = current


def save_versioned(
    *, obj: models.Model, expected_version: int, changes: dict, actor, action: str, children_changed=()
):
    """Apply `changes` (plain fields) to `obj` only if nobody saved it since `expected_version`; audit the
    fields that really changed.

    Child rows (links, questions, screening) are the caller's to write after this succeeds; name them in
    `children_changed` when they change, so the record takes a new version even if none of its own fields
    did, and a concurrent editor of those children is refused too.
    """
    changed = {name: value for name, value in changes.items() if getattr(obj, name) != value}
    children_changed = list(children_changed)
    if not changed and not children_changed:
        if obj.version != expected_version:
            raise StaleEdit(current=obj)
        return obj
    manager = type(obj)._default_manager
    updated = manager.filter(pk=obj.pk, version=expected_version).update(
        **changed, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(current=manager.get(pk=obj.pk))
    audit(actor=actor, action=action, obj=obj, changed=[*changed, *children_changed])
    obj.refresh_from_db()
    return obj
