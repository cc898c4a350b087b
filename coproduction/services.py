"""Writes of projects: keyword-only, atomic, checked against the actor's `Access`, audited."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit
from programmes.models import Enrolment, Phase

from .models import Project


@transaction.atomic
def project_create(*, access: Access, enrolment: Enrolment, title: str, area_of_focus: str) -> Project:
    """A new project starts in its programme's first phase and belongs to the enrolled organisation."""
    access.require_administer_organisation(enrolment.organisation)
    phase = Phase.objects.filter(programme_id=enrolment.cohort.programme_id).order_by("order").first()
    project = Project(
        organisation=enrolment.organisation,
        enrolment=enrolment,
        title=title,
        area_of_focus=area_of_focus,
        phase=phase,
    )
    project.full_clean()
    project.save()
    audit(
        actor=access.user, action="project.create", obj=project, changed=["title", "area_of_focus", "phase"]
    )
    return project


@transaction.atomic
def project_update(*, access: Access, project: Project, expected_version: int, **changes) -> Project:
    """Change a project's title, area of focus or phase; a save based on an older version is refused."""
    access.require_edit_project(project)
    allowed = {"title", "area_of_focus", "phase"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a project")
    changed = {name: value for name, value in changes.items() if getattr(project, name) != value}
    if changed:
        updated = Project.objects.filter(pk=project.pk, version=expected_version).update(
            **changed, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleEdit(current=Project.objects.get(pk=project.pk))
        audit(actor=access.user, action="project.update", obj=project, changed=changed)
    elif project.version != expected_version:
        raise StaleEdit(current=project)
    project.refresh_from_db()
    return project
