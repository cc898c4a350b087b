"""People whose role needs two-step verification (settings.MFA_REQUIRED_ROLES) must set it up before
they can use anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            messages.info(
                request, "Your role needs two-step verification. Set up an authenticator app to continue."
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request) -> bool:
        required = set(settings.MFA_REQUIRED_ROLES)
        if not required or not request.user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        if not required & request.access.roles:
            return False
        return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
