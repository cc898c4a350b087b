"""The request's `Access`, and the tenant scope every request runs in; people whose role needs two-step
verification (settings.MFA_REQUIRED_ROLES) must set it up before they can use anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from alwaysevents.tenancy import tenant_scope

from .access import Access

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class AccessMiddleware:
    """Builds the request's `Access` once, when first read, and runs the whole request inside its tenant
    scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access.for_user(request.user))
        # Read through `request.access` at query time: token authentication replaces it.
        with tenant_scope(lambda: request.access.organisation_ids, reason="web request"):
            return self.get_response(request)


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
