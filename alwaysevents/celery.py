"""The Celery app. Tasks are thin: they load by id inside a tenant scope and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

app = Celery("alwaysevents")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
