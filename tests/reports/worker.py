"""A real Celery worker for the pdf queue, on real Redis and the real test database. A module of its own so
the browser tests can use it too. It needs the `media` fixture (tests/reports/conftest.py): the worker writes
reports where `media` points the test's storage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pdf_worker(redis_url, transactional_db, tmp_path, media):
    if connection.vendor != "postgresql":
        pytest.fail(
            "the worker test needs PostgreSQL: the worker must share the test database"
        ) if os.environ.get("CI") == "true" else pytest.skip("the worker test needs PostgreSQL")
    database = settings.DATABASES["default"]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.reports.worker_settings",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        REDIS_URL=redis_url,
        VAR_DIR=str(tmp_path),  # the worker writes reports to tmp_path/media, where `media` points the test
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
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
            f"{settings.CELERY_TASK_DEFAULT_QUEUE},pdf",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--logfile",
            str(tmp_path / "worker.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    worker.log = tmp_path / "worker.log"
    yield worker
    worker.terminate()
    worker.wait(timeout=30)
    print(worker.log.read_text() if worker.log.exists() else "no worker log")
