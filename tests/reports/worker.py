"""A real Celery worker for the pdf queue, on real Redis and the real test database. A module of its own so
the browser tests can use it too. It needs the `media` fixture (tests/reports/conftest.py): the worker writes
reports where `media` points the test's storage.

The database is flushed after each test that shares it with a worker; a serialized rollback puts back the
rows the migrations made (the seven regions), which the world needs."""

import pytest
from django.conf import settings

from tests.workers import running_worker


@pytest.fixture
def pdf_worker(redis_url, django_db_serialized_rollback, transactional_db, tmp_path, media):
    with running_worker(
        redis_url=redis_url,
        tmp_path=tmp_path,
        queues=f"{settings.CELERY_TASK_DEFAULT_QUEUE},pdf",
        DJANGO_SETTINGS_MODULE="tests.reports.worker_settings",
        VAR_DIR=str(tmp_path),  # the worker writes reports to tmp_path/media, where `media` points the test
    ) as worker:
        yield worker
