"""Freshness tokens: one per organisation, and one for the reference data every organisation shares
(programmes, cohorts, phases, organisations), each replaced when a write to it commits. A cached page built
from an organisation's rows is keyed by the tokens of the organisations it read, so it is never served after
one of them changed (docs/adr/008-dashboard-pages-cache.md).

Every write calls `alwaysevents.audit.audit`, which calls `changed`, so no write can forget to.
"""

import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

REFERENCE = "reference"


def _key(organisation_id) -> str:
    return f"freshness:{organisation_id or REFERENCE}"


def changed(organisation_id=None) -> None:
    """Replace the organisation's token (the reference token when None) once the write commits: a reader
    who built a page between the write and the commit keyed it by the old token, so nobody reads it again."""
    token = uuid.uuid4().hex
    transaction.on_commit(lambda: cache.set(_key(organisation_id), token, None))


def stamp(organisation_ids: Iterable) -> str:
    """One value that changes whenever any of the organisations' tokens (or the reference token) does. A
    token the cache lost is replaced by a new one, so a page built before it was lost is not read again."""
    keys = sorted({_key(organisation_id) for organisation_id in organisation_ids} | {_key(None)})
    tokens = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in tokens}
    if missing:
        cache.set_many(missing, None)
        tokens.update(missing)
    return hashlib.sha256("|".join(tokens[key] for key in keys).encode()).hexdigest()[:32]
