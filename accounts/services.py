"""Writes about people: grants, invitations and API tokens. Each is atomic and audited."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alwaysevents.audit import audit

from .access import Access
from .models import ROLE_TARGETS, ApiToken, Invitation, Role, RoleGrant, User, hash_secret, target_field_of


class InvitationError(Exception):
    """An invitation cannot be used; the message says why in words the invitee understands."""


# The grant field each kind of target goes in, where it is not the model's own name.
TARGET_FIELD_OF_MODEL = {"projectpartner": "partnership"}


def _target_fields(role: str, target) -> dict:
    allowed = ROLE_TARGETS[role]
    field = TARGET_FIELD_OF_MODEL.get(target._meta.model_name, target._meta.model_name)
    if field not in allowed:
        raise ValueError(
            f"A {Role(role).label.lower()} is granted on a {' or '.join(allowed)}, not a {field}"
        )
    return {field: target}


def _may_grant(access: Access, role: str, target) -> bool:
    """Programme admins grant any role inside their programmes; organisation admins grant project roles
    and organisation admin within their organisations."""
    field = target_field_of(target)
    if field == "programme":
        return access.can_administer_programme(target.pk)
    if field == "cohort":
        return access.can_administer_programme(target.programme_id)
    if field == "organisation":
        if role == Role.SYSTEM_VIEWER:
            return target.is_system and bool(
                target.enrolments.filter(cohort__programme_id__in=access.administered_programme_ids).exists()
            )
        return access.can_administer_organisation(target)
    if field == "project":
        return access.can_read_project(target) and (
            access.can_administer_organisation(target.organisation)
            or target.enrolment.cohort.programme_id in access.administered_programme_ids
        )
    if field == "partnership":  # the lead's team brings in its partners' staff
        project = target.project
        return access.can_edit_project(project) and access.sites_entered_by(project) is None
    if field == "region":
        return bool(access.administered_programme_ids)
    return False


@transaction.atomic
def role_grant_create(
    *, granted_by: User | None, user: User, role: str, target, system_job: str = ""
) -> RoleGrant:
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, **_target_fields(role, target), defaults={"granted_by": granted_by}
    )
    if created and role == Role.PROGRAMME_ADMIN and not user.is_staff:
        user.is_staff = True  # the Django admin is the programme admin's screen for now
        user.save(update_fields=["is_staff"])
    if created:
        audit(
            actor=granted_by,
            system_job=system_job,
            action="role_grant.create",
            obj=grant,
            organisation=getattr(target, "organisation", None),
            changed=["role", target._meta.model_name],
        )
    return grant


@transaction.atomic
def invitation_create(*, access: Access, email: str, role: str, target) -> Invitation:
    """Store the invitation; a Celery task emails its link once the data is saved."""
    if not _may_grant(access, role, target):
        raise PermissionError("You cannot invite people to that role")
    invitation = Invitation.objects.create(
        email=email.lower(),
        role=role,
        invited_by=access.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        **_target_fields(role, target),
    )
    audit(
        actor=access.user,
        action="invitation.create",
        obj=invitation,
        organisation=getattr(target, "organisation", None),
        changed=["email", "role"],
    )
    from .tasks import send_invitation_email_task

    transaction.on_commit(lambda: send_invitation_email_task.delay(str(invitation.pk)))
    return invitation


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})


@transaction.atomic
def invitation_send_email(*, invitation_id) -> bool:
    """Make the one-time link and email it, once: a task delivered twice sends nothing the second time.

    The token is made here, not when the invitation is saved, so it never travels through the broker;
    only its hash is stored.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if invitation.sent_at is not None or not invitation.is_usable:
        return False
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_secret(token)
    context = {
        "invitation": invitation,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject="You have been invited to Always Events",
        message=render_to_string("accounts/email/invitation.txt.jinja", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at"])
    audit(system_job="send_invitation_email", action="invitation.send", obj=invitation, changed=["sent_at"])
    return True


def invitation_for_token(token: str) -> Invitation:
    try:
        invitation = Invitation.objects.select_related("invited_by").get(token_hash=hash_secret(token))
    except Invitation.DoesNotExist as error:
        raise InvitationError(
            "This invitation link is not valid. Check you copied the whole link."
        ) from error
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in with your email address.")
    if not invitation.is_usable:
        raise InvitationError(
            "This invitation has expired. Ask the person who invited you to send a new one."
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> RoleGrant:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError("This invitation has already been used or has expired.")
    if invitation.email != user.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(actor=user, action="invitation.accept", obj=invitation, changed=["accepted_at"])
    return role_grant_create(
        granted_by=invitation.invited_by, user=user, role=invitation.role, target=invitation.target
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_secret(key))
    audit(actor=user, action="api_token.create", obj=token, changed=["name"])
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(actor=user, action="api_token.revoke", obj=token, changed=["revoked_at"])
    return token
