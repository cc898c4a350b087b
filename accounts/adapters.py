"""Sign-up is by invitation only: the invitation link puts its id in the session, and only then is the
sign-up form open; the new account receives the invited role."""

from allauth.account.adapter import DefaultAccountAdapter

INVITATION_SESSION_KEY = "invitation_token"


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        from .services import InvitationError, invitation_for_token

        token = request.session.get(INVITATION_SESSION_KEY)
        if not token:
            return False
        try:
            invitation_for_token(token)
        except InvitationError:
            return False
        return True

    def clean_email(self, email: str) -> str:
        from django.core.exceptions import ValidationError

        from .services import InvitationError, invitation_for_token

        email = super().clean_email(email)
        token = self.request.session.get(INVITATION_SESSION_KEY) if self.request else None
        if token:
            try:
                invited = invitation_for_token(token).email
            except InvitationError:
                return email
            if email.lower() != invited:
                raise ValidationError(f"Use the email address your invitation was sent to: {invited}")
        return email

    def save_user(self, request, user, form, commit=True):
        from .services import invitation_accept, invitation_for_token

        invitation = invitation_for_token(request.session[INVITATION_SESSION_KEY])
        user.email = invitation.email  # the invitation proves the address; it cannot be swapped at sign-up
        user = super().save_user(request, user, form, commit=True)
        invitation_accept(invitation=invitation, user=user)
        del request.session[INVITATION_SESSION_KEY]
        return user
