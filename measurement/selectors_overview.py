"""What the project page reads: the project, its journey's counts, its chosen statement and its measures."""

import uuid
from dataclasses import dataclass

from accounts.access import Access
from alwaysevents.tenancy import tenant_scope
from coproduction.models import Statement
from coproduction.selectors.projects import journey_counts
from projects.models import Project
from projects.selectors import project_visible, records_of

from .aims import MeasureSummary, measure_summaries
from .models import Measure


@dataclass
class ProjectJourney:
    """What the project page reads: the project, its journey counts, statements and measures."""

    project: Project
    counts: dict[str, int]
    statement: Statement | None
    measures: list[Measure]
    summaries: dict[uuid.UUID, MeasureSummary]


def project_journey(*, access: Access, project_id: uuid.UUID) -> ProjectJourney:
    """The visible project (or Http404) and what its page shows of it, in a fixed number of queries."""
    project = project_visible(access=access, project_id=project_id)
    # Every record of a project carries the project's organisation, which the reader's scope includes (the
    # project was just read in it), so narrowing the scope to it reads the same rows; each query then names
    # one organisation instead of all the reader's (a coach's cohort has hundreds).
    with tenant_scope([project.organisation_id], reason="the records of one visible project"):
        annotations = journey_counts()
        counts = (
            Project.objects.filter(pk=project.pk)
            .order_by()
            .annotate(**annotations)
            .values(*annotations)
            .get()
        )
        statement = records_of(project=project, model=Statement).filter(candidate__chosen=True).first()
        measures = list(records_of(project=project, model=Measure))
        summaries = measure_summaries(measures)
    return ProjectJourney(project, counts, statement, measures, summaries)
