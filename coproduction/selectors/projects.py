"""What the project page reads of a project's journey, always through the reader's `Access`."""

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import Access
from alwaysevents.tenancy import tenant_scope
from projects.models import Project
from projects.selectors import project_visible, records_of

from .. import models as co

if TYPE_CHECKING:
    from measurement.aims import MeasureSummary
    from measurement.models import Measure


def _count_of(model: type[Model], *conditions: Q, **filters) -> Coalesce:
    """How many of the outer project's `model` rows match the conditions, as a correlated subquery."""
    rows = model.objects.filter(
        *conditions, project=OuterRef("pk"), organisation=OuterRef("organisation"), **filters
    )
    counted = rows.order_by().values("project").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def journey_counts() -> dict:
    """What the project page counts beside its links, as annotations on a Project queryset."""
    return {
        "response_count": _count_of(co.Response),
        "theme_count": _count_of(co.Theme),
        "active_member_count": _count_of(co.TeamMember, active=True),
        "session_count": _count_of(co.CoDesignSession),
        "candidate_count": _count_of(co.CandidateEvent),
        "idea_count": _count_of(co.ChangeIdea),
        "cycle_count": _count_of(co.PdsaCycle),
        "open_comment_count": _count_of(co.Comment, thread__isnull=True, resolved_at__isnull=True),
        "partner_count": _count_of(co.ProjectPartner, current_partners()),
    }


def current_partners(prefix: str = "") -> Q:
    """Partnerships in force today: joined, and not yet left."""
    today = timezone.localdate()
    return Q(**{f"{prefix}joined_on__lte": today}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": today})
    )


@dataclass
class ProjectJourney:
    """What the project page reads: the project, its journey counts, statements and measures."""

    project: Project
    counts: dict[str, int]
    statement: co.Statement | None
    measures: list["Measure"]
    summaries: dict[uuid.UUID, "MeasureSummary"]


def project_journey(*, access: Access, project_id: uuid.UUID) -> ProjectJourney:
    """The visible project (or Http404) and what its page shows of it, in a fixed number of queries."""
    from measurement.aims import measure_summaries  # measurement's selectors import this module
    from measurement.models import Measure

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
        statement = records_of(project=project, model=co.Statement).filter(candidate__chosen=True).first()
        measures = list(records_of(project=project, model=Measure))
        summaries = measure_summaries(measures)
    return ProjectJourney(project, counts, statement, measures, summaries)
