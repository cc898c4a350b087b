"""Narrowings of the comment threads and notifications that coproduction.services.conversation reads."""

from django.db.models import QuerySet

from ..models import Comment, Notification


def threads_by_state(threads: QuerySet[Comment], *, resolved: bool | None) -> QuerySet[Comment]:
    """The resolved threads (True) or the open ones (False); all of them when `resolved` is None."""
    if resolved is None:
        return threads
    return threads.filter(resolved_at__isnull=not resolved)


def unread_only(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    return notifications.filter(read_at__isnull=True)
