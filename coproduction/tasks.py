"""Co-production jobs. Thin: load by id inside a named all-organisations scope and call a service."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from alwaysevents.tenancy import all_organisations

from .services.conversation import notification_send_email


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, ConnectionError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email_task(notification_id: str) -> None:
    with all_organisations(reason="email one comment notification to its recipient"):
        notification_send_email(notification_id=notification_id)
