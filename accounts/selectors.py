"""Reads about people, scoped to what the reader may see."""

from django.db.models import QuerySet

from coproduction.selectors.projects import projects_visible
from programmes.models import Cohort, Organisation, Programme

from .access import Access
from .models import ApiToken, Invitation, Role


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def invitations_sent_by(*, user) -> QuerySet[Invitation]:
    return Invitation.objects.filter(invited_by=user).select_related(
        "programme", "cohort", "organisation", "project"
    )[:50]


def invitation_targets(*, access: Access) -> list[tuple[str, str, object]]:
    """Every (role, label, target) this person may invite someone to, for the invitation form."""
    choices: list[tuple[str, str, object]] = []
    for programme in Programme.objects.filter(pk__in=access.administered_programme_ids):
        choices.append((Role.PROGRAMME_ADMIN, f"Programme admin of {programme}", programme))
        choices.append((Role.COACH, f"Coach of every cohort in {programme}", programme))
        for cohort in Cohort.objects.filter(programme=programme):
            choices.append((Role.COACH, f"Coach of {cohort}", cohort))
        for system in Organisation.objects.filter(
            kind=Organisation.Kind.SYSTEM, enrolments__cohort__programme=programme
        ).distinct():
            choices.append((Role.SYSTEM_VIEWER, f"System viewer of {system}", system))
    organisations = Organisation.objects.filter(pk__in=access.administered_organisation_ids)
    for organisation in organisations:
        choices.append((Role.ORGANISATION_ADMIN, f"Organisation admin of {organisation}", organisation))
    for project in projects_visible(access=access):
        if (
            project.organisation_id in access.administered_organisation_ids
            or project.enrolment.cohort.programme_id in access.administered_programme_ids
        ):
            for role in (Role.TEAM_MEMBER, Role.PARTNER, Role.BUDDY):
                choices.append((role, f"{Role(role).label} on {project} ({project.organisation})", project))
    return choices
