"""Coaching jobs, run by Celery beat. Thin: open a named all-organisations scope and call a service."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from alwaysevents.tenancy import all_organisations

from .services import return_reminders_send
from .services_dashboards import dashboard_entries_refresh_expired
from .services_packs import pre_call_packs_request


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def prepare_pre_call_packs() -> int:
    """Ask for the pre-call pack PDF of every call due soon; the reports task renders each one."""
    with all_organisations(reason="ask for the pre-call packs of calls due soon"):
        return pre_call_packs_request()


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, ConnectionError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_return_reminders() -> int:
    with all_organisations(reason="remind teams whose monthly return is not submitted"):
        return return_reminders_send()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def refresh_expired_dashboard_entries() -> int:
    """Rebuild the dashboard entries whose clock-only facts moved on: a call passed, a new day or month."""
    return dashboard_entries_refresh_expired()
