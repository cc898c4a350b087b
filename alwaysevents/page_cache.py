"""Cached bodies of the read-mostly pages: the coach and system dashboards and the project page
(docs/adr/008-dashboard-pages-cache.md).

A body is keyed by the reader (user and grants), the filters, sort and page, and the freshness stamp of every
organisation the reader may see: any audited write to one of them gives a new stamp, so a changed project
is shown at once. The few facts that move with the clock alone (the next call, "no data for 4 weeks", an
overdue return) are at most PAGE_SECONDS old. Forms that post (and so carry a CSRF token) stay outside.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import freshness
from .tenancy import ALL_ORGANISATIONS, OrganisationIds

PAGE_SECONDS = 5 * 60


class Reader(Protocol):
    """What a page is keyed by: the reader, their role grants and the organisations those reach (the
    request's `accounts.access.Access`)."""

    user: Any
    grants: tuple
    organisation_ids: OrganisationIds


def page_key(access: Reader, kind: str, params: dict) -> str | None:
    """The cache key of a dashboard body for this reader, or None when it is not cached: the page cache is
    switched off (`PAGE_CACHE`), or the reader is a superuser, whose scope (every organisation) no stamp can
    cover."""
    organisation_ids = access.organisation_ids
    if organisation_ids is ALL_ORGANISATIONS or not settings.PAGE_CACHE:
        return None
    grants = sorted(
        [
            grant.role,
            str(grant.programme_id),
            str(grant.cohort_id),
            str(grant.organisation_id),
            str(grant.project_id),
            str(grant.partnership_id),
            str(grant.region_id),
        ]
        for grant in access.grants
    )
    raw = json.dumps(
        [kind, str(access.user.pk), grants, sorted(params.items()), str(timezone.localdate())],
        default=str,
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"dashboard-page:{kind}:{digest}:{freshness.stamp(organisation_ids)}"


def cached_page(key: str | None, build: Callable[[], dict]) -> dict:
    """The page parts stored under `key`, or built (and stored) when missing."""
    if key is None:
        return build()
    page = cache.get(key)
    if page is None:
        page = build()
        cache.set(key, page, PAGE_SECONDS)
    return page
