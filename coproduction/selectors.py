"""Reads of projects, always through the reader's `Access`."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import Access

from .models import Project


def projects_visible(*, access: Access) -> QuerySet[Project]:
    return (
        Project.objects.filter(access.readable_projects())
        .select_related("organisation__system", "enrolment__cohort__programme", "phase")
        .order_by("title")
    )


def project_visible(*, access: Access, project_id: uuid.UUID) -> Project:
    """The project, or Http404 when it does not exist or lies outside the reader's scope."""
    try:
        return projects_visible(access=access).get(pk=project_id)
    except (Project.DoesNotExist, ValueError) as error:
        raise Http404("No such project") from error
