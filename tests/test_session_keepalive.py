"""An active session is kept alive without a database write on every request."""

import time

import pytest
from django.contrib.sessions.models import Session

from alwaysevents.middleware import SessionKeepAliveMiddleware

pytestmark = pytest.mark.django_db


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_second_request_within_the_interval_writes_nothing(world, client_of):
    client = client_of(world.a_member)
    client.get("/")
    first = stored(client)
    client.get("/")
    assert stored(client).expire_date == first.expire_date
    assert stored(client).session_data == first.session_data


def test_a_request_after_the_interval_renews_the_timeout(world, client_of):
    client = client_of(world.a_member)
    client.get("/")
    session = client.session
    session[SessionKeepAliveMiddleware.KEY] = int(time.time()) - 3600
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=stored(client).expire_date)
    before = stored(client).expire_date
    time.sleep(1)  # expiry dates are stored to the second
    client.get("/")
    after = stored(client)
    assert after.expire_date > before
    assert after.get_decoded()[SessionKeepAliveMiddleware.KEY] > int(time.time()) - 60


def test_an_anonymous_visit_makes_no_session(client):
    client.get("/accounts/login/")
    client.get("/healthz")
    assert not Session.objects.exists()
