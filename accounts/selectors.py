"""Reads about people, scoped to what the reader may see."""

from django.db.models import QuerySet

from .access import Access
from .models import ApiToken, Invitation, Role, target_model


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def invitations_sent_by(*, user) -> QuerySet[Invitation]:
    return Invitation.objects.filter(invited_by=user).select_related(
        "programme", "cohort", "organisation", "project"
    )[:50]


def invitation_targets(*, access: Access) -> list[tuple[str, str, object]]:
    """Every (role, label, target) this person may invite someone to, for the invitation form."""
    programmes, cohorts, organisations, projects = map(
        target_model, ("programme", "cohort", "organisation", "project")
    )
    choices: list[tuple[str, str, object]] = []
    for programme in programmes.objects.filter(pk__in=access.administered_programme_ids):
        choices.append((Role.PROGRAMME_ADMIN, f"Programme admin of {programme}", programme))
        choices.append((Role.COACH, f"Coach of every cohort in {programme}", programme))
        for cohort in cohorts.objects.filter(programme=programme):
            choices.append((Role.COACH, f"Coach of {cohort}", cohort))
        for system in organisations.objects.filter(
            kind=organisations.Kind.SYSTEM, enrolments__cohort__programme=programme
        ).distinct():
            choices.append((Role.SYSTEM_VIEWER, f"System viewer of {system}", system))
    for organisation in organisations.objects.filter(pk__in=access.administered_organisation_ids):
        choices.append((Role.ORGANISATION_ADMIN, f"Organisation admin of {organisation}", organisation))
    visible = projects.objects.filter(access.readable_projects()).select_related(
        "organisation", "enrolment__cohort"
    )
    for project in visible.order_by("title"):
        if (
            project.organisation_id in access.administered_organisation_ids
            or project.enrolment.cohort.programme_id in access.administered_programme_ids
        ):
            for role in (Role.TEAM_MEMBER, Role.PARTNER, Role.BUDDY):
                choices.append((role, f"{Role(role).label} on {project} ({project.organisation})", project))
    return choices
