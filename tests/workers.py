"""Start a real Celery worker for a test: on real Redis, sharing the real test database."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running_worker(*, redis_url: str, tmp_path: Path, queues: str, **env) -> Iterator[subprocess.Popen]:
    """A worker listening on `queues`, with `env` added to its environment; stopped (and its log printed,
    for a failing test's output) when the block ends."""
    if connection.vendor != "postgresql":
        message = "the worker test needs PostgreSQL: the worker must share the test database"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    database = settings.DATABASES["default"]
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alwaysevents",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "-Q",
            queues,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--logfile",
            str(log),
        ],
        cwd=ROOT,
        env=dict(
            os.environ,
            DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            REDIS_URL=redis_url,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            **env,
        ),
    )
    worker.log = log
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        print(log.read_text() if log.exists() else "no worker log")
