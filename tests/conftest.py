import os
import socket
from urllib.parse import urlparse

import pytest
from django.test import Client

from alwaysevents.tenancy import all_organisations

from .world import build_world


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ).close()
    except OSError:
        return False
    return True


def require_service(name: str, available: bool) -> None:
    """Outside CI a missing service skips the test; in CI it fails it (scripts/test.sh says the same)."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI")
    pytest.skip(f"{name} is not available")


@pytest.fixture
def own_postgres_database(request):
    """A PostgreSQL database of the test module's own on the suite's server, dropped afterwards."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    require_service("PostgreSQL", url.startswith("postgres") and _reachable(url, 5432))
    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/')}_{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield parsed._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    require_service("Redis", _reachable(url, 6379))
    return url


@pytest.fixture
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_service("Chromium", os.access(path, os.X_OK))
    return path


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_of():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def system_scope():
    with all_organisations(reason="test assertions read rows directly"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that make a dozen users would take minutes. Production keeps it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
