"""With Redis unreachable the cache misses and skips, and every page is built from the database."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "alwaysevents.cache.ResilientRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_reads_miss_and_writes_are_skipped(redis_down):
    cache.set("key", "value")
    assert cache.get("key", "missing") == "missing"
    assert cache.get_many(["key"]) == {}
    assert cache.add("key", 1) is False


@pytest.mark.parametrize(
    "persona, path",
    [
        ("coach_1", "/dashboards/coach/"),
        ("a_viewer", "/dashboards/system/"),
        ("a_member", "project"),
        ("a_member", "measure"),
    ],
)
def test_pages_are_served_while_redis_is_down(world, client_of, redis_down, persona, path):
    if path == "project":
        path = world.project_a.get_absolute_url()
    if path == "measure":
        path = world.records_a.measure.get_absolute_url()
    response = client_of(getattr(world, persona)).get(path)
    assert response.status_code == 200
    assert world.project_a.title in response.content.decode()


def test_healthz_says_the_cache_is_unavailable(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"
