"""A real Celery worker, on real Redis and the real test database, renders a project report."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.access import Access
from alwaysevents.models import AuditEvent
from alwaysevents.tenancy import all_organisations
from reports.models import ReportRun
from reports.services import report_request
from reports.tasks import render_report_task

from .helpers import pdf_text

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.urls("tests.reports.urls")]


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


def test_the_worker_renders_a_report_once_even_when_the_task_is_delivered_twice(pdf_worker, media):
    from tests.world import build_world

    world = build_world()
    with all_organisations(reason="test assertions read rows directly"):
        run = report_request(access=Access.for_user(world.a_member), scope=world.project_a)
        render_report_task.delay(str(run.pk))  # a redelivery while the first is queued or running
        seen = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            current = ReportRun.objects.get(pk=run.pk)
            seen.append((current.status, current.progress))
            if current.is_finished:
                break
            time.sleep(0.05)
        assert current.status == ReportRun.Status.DONE, (seen, pdf_worker.log.read_text())
        progress = [value for _, value in seen]
        assert progress == sorted(progress) and progress[-1] == 100
        assert current.attempts == 1 and current.emailed_at is not None

        deadline = time.monotonic() + 30
        while pdf_worker.log.read_text().count("succeeded") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pdf_worker.log.read_text().count("succeeded") == 2, "the redelivery never ran"
        current.refresh_from_db()
        assert current.attempts == 1, "the redelivery found the run done and did nothing"
        assert sorted(path.name for path in (media / "reports").iterdir()) == [f"{run.pk}.pdf"]
        for action in ("report.render", "report.email"):
            assert AuditEvent.objects.filter(action=action, object_id=str(run.pk)).count() == 1
        text = pdf_text(current.file.read())
        assert world.records_a.statement.vision in text
        assert world.records_a.measure.name in text
        assert world.records_a.cycle.objective in text
    assert pdf_worker.poll() is None, "the worker died"
