"""Keeps an active session alive without writing it on every request."""

import time

from django.conf import settings


class SessionKeepAliveMiddleware:
    """Marks a signed-in visitor's session as changed when it was last saved SESSION_TOUCH_SECONDS ago or
    more, so SessionMiddleware saves it with a new expiry date. The idle timeout is then exact to within
    that interval, and most requests write nothing."""

    KEY = "_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.modified:
            return response
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
            session[self.KEY] = now
        return response
