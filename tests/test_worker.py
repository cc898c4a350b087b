"""A real Celery worker, on real Redis and the real test database, runs the invitation email task."""

import time
from pathlib import Path

import pytest
from django.conf import settings

from accounts.access import Access
from accounts.models import Invitation, Role
from accounts.services import invitation_create
from accounts.tasks import send_invitation_email_task
from alwaysevents.models import AuditEvent
from tests.workers import running_worker

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


@pytest.fixture
def celery_worker(redis_url, transactional_db, tmp_path):
    with running_worker(
        redis_url=redis_url, tmp_path=tmp_path, queues=settings.CELERY_TASK_DEFAULT_QUEUE
    ) as worker:
        yield worker


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_sends_an_invitation_once_even_when_the_task_is_delivered_twice(celery_worker):
    from tests.world import build_world

    world = build_world()
    invitation = invitation_create(
        access=Access.for_user(world.a_admin),
        email="worker@example.org",
        role=Role.TEAM_MEMBER,
        target=world.project_a,
    )
    assert wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None), (
        "the worker never ran it"
    )
    send_invitation_email_task.delay(str(invitation.pk))  # a redelivery
    assert wait_for(lambda: celery_worker.log.read_text().count("succeeded") == 2), "the redelivery never ran"
    assert AuditEvent.objects.filter(action="invitation.send", object_id=str(invitation.pk)).count() == 1
    assert celery_worker.poll() is None, "the worker died"
