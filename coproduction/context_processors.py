"""What every page's header shows of co-production: the unread notification count."""

from .services.conversation import unread_notification_count


def unread_notifications(request) -> dict:
    """The signed-in person's unread notification count for the header: one query, run in the request's
    tenant scope. None for anyone not signed in, so the header shows no notifications link."""
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {"unread_notifications": None}
    # A page may render more than one template with the request (a cached body, then the layout): count once.
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_notification_count(access=access)
    return {"unread_notifications": request._unread_notifications}
