"""Writes of the dashboards' read model (`DashboardEntry`). A project's entry is rebuilt, in the writing
transaction, whenever a write marks the project (`alwaysevents.read_models`: every audited service, and the
ORM's saves and deletes of the models below); facts that move with the clock alone are rebuilt by a beat task
once they expire; `rebuild_dashboard_entries` rebuilds every entry from scratch."""

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from alwaysevents.tenancy import all_organisations

from .models import DashboardEntry
from .selectors_dashboards import dashboard_entries_built

BATCH = 500
# Everything but the key: what a rebuilt entry replaces.
ENTRY_FIELDS = [
    field.name
    for field in DashboardEntry._meta.concrete_fields
    if field.name not in {"id", "organisation", "project", "version", "created_at"}
]


def dashboard_entries_refresh(project_ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the entries of these projects from their records, and drop those of projects deleted. The
    entries are derived data, read across the organisations of the write's scope; any reader may call it."""
    project_ids = list(project_ids)
    with all_organisations(reason="rebuild the dashboards' read model of the projects a write changed"):
        for start in range(0, len(project_ids), BATCH):
            _refresh(set(project_ids[start : start + BATCH]))


def _refresh(project_ids: set[uuid.UUID]) -> None:
    built = dashboard_entries_built(project_ids)
    gone = project_ids - {entry.project_id for entry in built}
    if gone:
        DashboardEntry.objects.filter(project_id__in=gone).delete()
    if built:
        now = timezone.now()
        for entry in built:
            entry.updated_at = now
        DashboardEntry.objects.bulk_create(
            built, update_conflicts=True, unique_fields=["project"], update_fields=ENTRY_FIELDS
        )


def dashboard_entries_refresh_expired() -> int:
    """Rebuild the entries whose clock-only facts have moved on (a call passed, a new day, a new month),
    and build any that are missing; the number rebuilt."""
    from projects.models import Project

    with all_organisations(reason="rebuild the dashboards' entries whose clock-only facts expired"):
        expired = set(
            DashboardEntry.objects.filter(expires_at__lte=timezone.now()).values_list("project_id", flat=True)
        )
        missing = set(Project.objects.filter(dashboard_entry__isnull=True).values_list("pk", flat=True))
    dashboard_entries_refresh(expired | missing)
    return len(expired | missing)


@transaction.atomic
def dashboard_entries_rebuild() -> int:
    """Every entry, rebuilt from scratch from the projects' records in one transaction; the number built."""
    from projects.models import Project

    with all_organisations(reason="rebuild the dashboards' read model from scratch"):
        DashboardEntry.objects.all().delete()
        project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    dashboard_entries_refresh(project_ids)
    return len(project_ids)
