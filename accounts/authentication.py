"""`Authorization: Token <key>` for scripts. Keys are stored hashed; revoked keys are refused."""

from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .access import Access
from .models import ApiToken, hash_secret


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        """The token's user, and the request's `Access` rebuilt for them: AccessMiddleware built it before
        DRF authenticated, for the anonymous visitor, and selectors and the tenant scope read it."""
        authenticated = super().authenticate(request)
        if authenticated is not None:
            request._request.access = Access.for_user(authenticated[0])
        return authenticated

    def authenticate_credentials(self, key: str):
        try:
            token = ApiToken.objects.select_related("user").get(
                key_hash=hash_secret(key), revoked_at__isnull=True
            )
        except ApiToken.DoesNotExist as error:
            raise AuthenticationFailed("Invalid or revoked token.") from error
        if not token.user.is_active:
            raise AuthenticationFailed("This account is not active.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
