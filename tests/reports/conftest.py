import pytest

from alwaysevents.celery import app as celery_app


@pytest.fixture
def media(settings, tmp_path):
    """Reports are written to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def eager_tasks():
    """Tasks run in the test's process when published, as a worker would run them."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def broker_down():
    """The Celery app points at a broker nobody listens on."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    celery_app.amqp._producer_pool = None  # the pool is made again for the broker now configured
    yield
    conf.broker_url, conf.task_always_eager = saved
    celery_app.amqp._producer_pool = None
