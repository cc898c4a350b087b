from celery import shared_task
from django.db import OperationalError

from .services import invitation_send_email


@shared_task(
    acks_late=True, autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5
)
def send_invitation_email_task(invitation_id: str) -> None:
    invitation_send_email(invitation_id=invitation_id)
