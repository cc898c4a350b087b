"""Which projects a reader sees, and a project's records: every read of project data starts here, through
the reader's `Access`. An object outside the reader's scope is not found (Http404), never forbidden."""

import uuid

from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.access import Access

from .models import Project


def projects_visible(*, access: Access) -> QuerySet[Project]:
    return (
        Project.objects.filter(access.readable_projects())
        .select_related("organisation__system", "enrolment__cohort__programme", "phase", "place")
        .order_by("title")
    )


def project_visible(*, access: Access, project_id: uuid.UUID) -> Project:
    """The project, or Http404 when it does not exist or lies outside the reader's scope."""
    try:
        return projects_visible(access=access).get(pk=project_id)
    except (Project.DoesNotExist, ValueError) as error:
        raise Http404("No such project") from error


def records_of[RecordT: Model](*, project: Project, model: type[RecordT]) -> QuerySet[RecordT]:
    """A project's records of one kind. The caller has already read `project` through `project_visible`."""
    return model.objects.filter(organisation_id=project.organisation_id, project=project)


def record_of[RecordT: Model](*, project: Project, model: type[RecordT], record_id) -> RecordT:
    """One of a project's records; `model.DoesNotExist` when the id is not one of its records of that kind."""
    return records_of(project=project, model=model).get(pk=record_id)


def records_with_ids[RecordT: Model](*, project: Project, model: type[RecordT], ids) -> QuerySet[RecordT]:
    """A project's records of one kind among these ids: another project's ids match nothing."""
    return records_of(project=project, model=model).filter(pk__in=ids)


def record_visible[RecordT: Model](
    *, access: Access, project_id: uuid.UUID, model: type[RecordT], record_id: uuid.UUID
) -> RecordT:
    """One record of a visible project, or Http404: a record id from another project is never found."""
    project = project_visible(access=access, project_id=project_id)
    try:
        record = record_of(project=project, model=model, record_id=record_id)
    except (model.DoesNotExist, ValueError) as error:
        raise Http404(f"No such {model._meta.verbose_name}") from error
    record.project = project  # already loaded, with its access-relevant relations
    return record
