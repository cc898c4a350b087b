"""Reads of the co-design phase: the accounts a team member may be linked to, sessions and what came of them,
candidate events with their screening, and the chosen one's statements. Every project has already been read
through `project_visible`."""

from django.db.models import Q, QuerySet

from accounts.models import Role, RoleGrant, User
from projects.models import Project
from projects.selectors import records_of

from ..models import (
    CandidateEvent,
    ChangeIdea,
    ChangeIdeaSession,
    CoDesignSession,
    CriterionAssessment,
    Statement,
    TeamMember,
    Theme,
)


def users_who_can_see(project: Project) -> QuerySet[User]:
    """Accounts a team member may be linked to: people whose grants let them see the project."""
    cohort = project.enrolment.cohort
    organisation = project.organisation
    grants = RoleGrant.objects.filter(
        Q(project=project)
        | Q(role__in=[Role.ORGANISATION_ADMIN, Role.SYSTEM_VIEWER], organisation=organisation)
        | Q(role=Role.SYSTEM_VIEWER, organisation_id=organisation.system_id)
        | Q(role=Role.COACH, cohort=cohort)
        | Q(role__in=[Role.COACH, Role.PROGRAMME_ADMIN], programme_id=cohort.programme_id)
    )
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("email")


def account_who_can_see(*, project: Project, user_id) -> User | None:
    """The account with this id if a team member may be linked to it, else None."""
    return users_who_can_see(project).filter(pk=user_id).first()


# --- Sessions ------------------------------------------------------------------------------------


def sessions_with_attendees(project: Project) -> QuerySet[CoDesignSession]:
    return records_of(project=project, model=CoDesignSession).prefetch_related("attendees")


def sessions_in_full(project: Project) -> QuerySet[CoDesignSession]:
    """Sessions with their project, attendees and partners loaded, as the API lists them."""
    sessions = records_of(project=project, model=CoDesignSession).select_related("project")
    return sessions.prefetch_related("attendees", "partners")


def session_attendees(session: CoDesignSession) -> QuerySet[TeamMember]:
    """The members who attended (from the prefetch when the session was listed with them)."""
    return session.attendees.all()


def candidates_from_session(session: CoDesignSession) -> QuerySet[CandidateEvent]:
    return records_of(project=session.project, model=CandidateEvent).filter(session=session)


def candidate_ids_from_session(session: CoDesignSession) -> QuerySet:
    return candidates_from_session(session).values_list("pk", flat=True)


def _idea_links_of(session: CoDesignSession) -> QuerySet[ChangeIdeaSession]:
    return records_of(project=session.project, model=ChangeIdeaSession).filter(session=session)


def change_ideas_from_session(session: CoDesignSession) -> QuerySet[ChangeIdea]:
    links = _idea_links_of(session)
    return records_of(project=session.project, model=ChangeIdea).filter(pk__in=links.values("change_idea_id"))


def change_idea_ids_from_session(session: CoDesignSession) -> QuerySet:
    return _idea_links_of(session).values_list("change_idea_id", flat=True)


# --- Candidates ----------------------------------------------------------------------------------


def candidates_with_screening(project: Project) -> QuerySet[CandidateEvent]:
    return records_of(project=project, model=CandidateEvent).prefetch_related("assessments")


def candidates_in_full(project: Project) -> QuerySet[CandidateEvent]:
    """Candidates with their project, screening and themes loaded, as the API shows them."""
    return (
        records_of(project=project, model=CandidateEvent)
        .select_related("project")
        .prefetch_related("assessments", "themes")
    )


def candidate_assessments(candidate: CandidateEvent) -> QuerySet[CriterionAssessment]:
    """The candidate's screening (from the prefetch when the candidate was listed with it)."""
    return candidate.assessments.all()


def candidate_themes(candidate: CandidateEvent) -> QuerySet[Theme]:
    """The themes the candidate comes from (from the prefetch when it was listed with them)."""
    return candidate.themes.all()


def chosen_candidate(project: Project) -> CandidateEvent | None:
    return records_of(project=project, model=CandidateEvent).filter(chosen=True).first()


def statement_of_candidate(*, project: Project, candidate: CandidateEvent | None) -> Statement | None:
    return records_of(project=project, model=Statement).filter(candidate=candidate).first()
