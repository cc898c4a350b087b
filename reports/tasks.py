"""Report tasks: thin. Load the run by id, open the tenant scope of the organisations it reads (one for a
project report or pre-call pack, several for a system or cohort report), call the service."""

import uuid

from celery import shared_task
from django.db import OperationalError

from alwaysevents.tenancy import all_organisations, tenant_scope

from .selectors import run_organisation_ids
from .services import UNAVAILABLE, report_fail, report_render

TRANSIENT = (OperationalError, ConnectionError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    soft_time_limit=90,
    time_limit=120,
)
def render_report_task(self, run_id: str) -> None:
    with all_organisations(reason="find the organisations a report run reads"):
        organisation_ids = run_organisation_ids(run_id=uuid.UUID(run_id))
    if not organisation_ids:
        return  # the run was deleted with its project
    with tenant_scope(organisation_ids, reason="render a report of the projects it holds"):
        try:
            report_render(run_id=uuid.UUID(run_id), transient=TRANSIENT)
        except TRANSIENT:
            if self.request.retries >= self.max_retries:
                report_fail(run_id=uuid.UUID(run_id), error=UNAVAILABLE)
                return
            raise
