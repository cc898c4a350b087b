"""Writes of projects."""

from django.db import transaction

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from programmes.models import Enrolment, Phase
from projects.models import Project


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


PROJECT_FIELDS = {"title", "area_of_focus", "phase"}


@transaction.atomic
def project_update(*, access: Access, project: Project, expected_version: int, **changes) -> Project:
    """Change a project's title, area of focus or phase; a save based on an older version is refused."""
    access.require_edit_project(project)
    unknown = set(changes) - PROJECT_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a project")
    return save_versioned(
        obj=project,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="project.update",
    )
