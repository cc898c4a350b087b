"""Builds the request's `Access` once and runs the whole request inside its tenant scope."""

from django.utils.functional import SimpleLazyObject

from accounts.access import Access

from .tenancy import tenant_scope


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access.for_user(request.user))
        # Read through `request.access` at query time: the API replaces it after token authentication.
        with tenant_scope(lambda: request.access.organisation_ids, reason="web request"):
            return self.get_response(request)
