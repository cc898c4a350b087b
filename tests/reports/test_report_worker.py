"""A real Celery worker, on real Redis and the real test database, renders a project report."""

import time

import pytest

from accounts.access import Access
from alwaysevents.models import AuditEvent
from alwaysevents.tenancy import all_organisations
from reports.models import ReportRun
from reports.services import report_request
from reports.tasks import render_report_task

from . import worker
from .helpers import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.urls("tests.reports.urls")]
pdf_worker = worker.pdf_worker


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


def test_the_worker_renders_a_system_report_across_its_providers(pdf_worker, media):
    from programmes.models import Organisation
    from reports.scopes import scope_visible
    from reports.services import scope_report_request
    from tests.world import build_world, make_project

    world = build_world()
    second = Organisation.objects.create(
        kind="provider",
        name="Alpha Mental Health Trust",
        ods_code="RA2",
        provider_type="mental_health",
        system=world.system_a,
    )
    other = make_project(second, world.cohort_1, "Alpha crisis line project", world.programme)
    with all_organisations(reason="test assertions read rows directly"):
        access = Access.for_user(world.coach_1)
        scope = scope_visible(access=access, kind="system", scope_id=world.system_a.pk)
        run = scope_report_request(access=access, scope=scope)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not ReportRun.objects.get(pk=run.pk).is_finished:
            time.sleep(0.1)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.DONE, (run.error, pdf_worker.log.read_text())
        text = pdf_text(run.file.read())
        assert world.project_a.title in text and other.title in text
        assert world.project_b.title not in text
