"""Is the service able to serve? Checks the database, the cache and the Celery broker, each briefly."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    checks: dict[str, str]

    @property
    def ok(self) -> bool:
        return all(status == "ok" for status in self.checks.values())

    def as_dict(self) -> dict:
        return {"status": "ok" if self.ok else "unavailable", "checks": self.checks}


def _check(name: str, probe) -> str:
    try:
        probe()
    except Exception:  # any failure of a dependency means "not ok"; the log says which and why
        logger.warning("health check failed", extra={"check": name}, exc_info=True)
        return "unavailable"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _broker() -> None:
    from alwaysevents.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT_SECONDS)


def service_health() -> Health:
    return Health(
        checks={
            "database": _check("database", _database),
            "cache": _check("cache", _cache),
            "broker": _check("broker", _broker),
        }
    )
