"""Sessions are not written on every read, and the idle timeout still holds (issue 15, must-hold 7):
a signed-in session's row is rewritten at most every SESSION_REFRESH_MINUTES, and a session left
alone for SESSION_TIMEOUT_MINUTES ends. Time moves by shifting django.utils.timezone.now, which the
session store, its expiry query and the middleware all read."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    real = timezone.now

    class Clock:
        offset = timedelta()

        def advance(self, **kw):
            self.offset += timedelta(**kw)

    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real() + c.offset)
    return c


def session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"]
            and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def signed_in(client, user):
    client.force_login(user)
    assert client.get("/").status_code == 200  # the first request through the middleware starts the clock
    return row(client).expire_date


def test_reads_in_a_row_write_no_session_row(client, world, clock):
    expires = signed_in(client, world.admin)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(10):
            clock.advance(seconds=20)
            for url in ("/", "/regions/", "/audit/"):
                assert client.get(url).status_code == 200, url
    assert session_writes(ctx.captured_queries) == []
    assert row(client).expire_date == expires


def test_activity_slides_the_expiry_with_a_write_every_few_minutes(client, world, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_REFRESH_SECONDS == 5 * 60
    signed_in(client, world.admin)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(30):  # two hours of a request every four minutes: far past the 30-minute timeout
            clock.advance(minutes=4)
            assert client.get("/").status_code == 200
    writes = session_writes(ctx.captured_queries)
    assert 10 <= len(writes) <= 15, len(writes)  # every 8 minutes (the second read after each refresh)
    assert row(client).expire_date > timezone.now() + timedelta(minutes=20)


def test_an_idle_session_still_expires(client, world, clock):
    signed_in(client, world.admin)
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200  # within the timeout: still signed in (and refreshed)
    clock.advance(minutes=30, seconds=1)
    resp = client.get("/")
    assert resp.status_code == 302 and "/accounts/login/" in resp.headers["Location"]


def test_idle_time_counts_from_the_last_refresh_never_longer_than_the_timeout(client, world, clock):
    signed_in(client, world.admin)
    clock.advance(minutes=4)
    assert client.get("/").status_code == 200  # a read inside the refresh interval: no write
    clock.advance(minutes=26, seconds=1)  # 30 min after the refresh, 26 after the last request
    assert client.get("/").status_code == 302


def test_logout_leaves_no_session(client, world):
    signed_in(client, world.admin)
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
