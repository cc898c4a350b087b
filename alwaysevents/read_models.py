"""Read models kept up to date inside the writing transaction (docs/adr/012-dashboard-read-model.md).

A write marks the projects it changed: `audit` does for every service, and post-save and post-delete signals
do for the models a read model is built from (so a row written straight through the ORM, in a test or a shell,
is seen too). The marks are kept on the database connection and the registered refreshers rebuild those
projects' rows as each atomic block closes and just before the transaction commits (`alwaysevents.db`), so
the read model commits, or rolls back, with the write. A reader flushes its own connection's marks before it
reads, so a request sees what it wrote itself. Outside any transaction a mark is flushed at once.

This module knows no feature app: the apps register what they build (`register`).
"""

import uuid
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

Refresher = Callable[[set[uuid.UUID]], None]
ProjectsShowing = Callable[[Model], Iterable[uuid.UUID]]
_refreshers: list[Refresher] = []
_shown_by: dict[str, ProjectsShowing] = {}


def register(
    refresher: Refresher,
    *,
    models: Iterable[type[Model]],
    shown: dict[type[Model], ProjectsShowing] | None = None,
) -> None:
    """Call `refresher(project_ids)` for the projects a transaction changed; rows of `models` saved or
    deleted through the ORM mark their project. A row of a model in `shown` (a name the read model copies,
    such as an organisation's) marks every project its function gives, when saved, deleted or audited."""
    if refresher not in _refreshers:
        _refreshers.append(refresher)
    _shown_by.update({model._meta.label_lower: projects for model, projects in (shown or {}).items()})
    for model in [*models, *(shown or {})]:
        post_save.connect(_row_written, sender=model, dispatch_uid=f"read-models:save:{model._meta.label}")
        post_delete.connect(
            _row_written, sender=model, dispatch_uid=f"read-models:delete:{model._meta.label}"
        )


def _row_written(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    changed(instance, using=using)


def changed(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark the projects whose read-model rows `obj` is part of: its own, or every one that shows it."""
    projects_showing = _shown_by.get(obj._meta.label_lower)
    if projects_showing is None:
        project_changed(project_id_of(obj), using=using)
        return
    for project_id in projects_showing(obj):
        project_changed(project_id, using=using)


def project_id_of(obj: Model) -> uuid.UUID | None:
    if obj._meta.label_lower == "projects.project":
        return obj.pk
    return getattr(obj, "project_id", None)


def _pending(connection) -> set:
    return connection.__dict__.setdefault("read_model_pending", set())


def project_changed(project_id: uuid.UUID | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark the project's read-model rows for rebuilding before the transaction ends."""
    if project_id is None or not _refreshers:
        return
    connection = connections[using]
    _pending(connection).add(project_id)
    if not connection.in_atomic_block and connection.get_autocommit():
        flush(using=using)


def flush(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the rows of every project marked on this connection, in its current transaction."""
    connection = connections[using]
    pending = _pending(connection)
    if connection.__dict__.get("read_model_flushing"):
        return
    connection.read_model_flushing = True
    try:
        while pending:
            project_ids = set(pending)
            pending.clear()
            for refresher in _refreshers:
                refresher(project_ids)
    finally:
        connection.read_model_flushing = False


def discard(connection) -> None:
    """The transaction rolled back: the rows it would have rebuilt rolled back with it."""
    _pending(connection).clear()
