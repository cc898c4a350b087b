"""What the project page counts of a project's journey, as annotations on a Project queryset."""

from django.db.models import Count, IntegerField, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import models as co


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
