"""The idle timeout (等保: a session ends after SESSION_TIMEOUT_MINUTES without use) without a
database write on every request.

Django's sliding timeout is SESSION_SAVE_EVERY_REQUEST: every read page rewrote the session row, so
under load every GET was a write, and on SQLite a queue for the one write lock ("database is
locked" under 50 users, issue 15). Here a signed-in session records when it was last refreshed;
a request saves the session (which moves the row's expire_date to now + SESSION_COOKIE_AGE) only
when that was SESSION_REFRESH_MINUTES or more ago. Reads in between write nothing.

The timeout therefore counts from the last refresh, not the last request: a session left idle
ends between SESSION_TIMEOUT_MINUTES − SESSION_REFRESH_MINUTES (at most half of it) and SESSION_TIMEOUT_MINUTES after
its last request — never later than the configured timeout, at most a few minutes earlier."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

REFRESHED = "_refreshed"


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only signed-in sessions slide; a session the view just flushed (logout) stays gone.
        if session is None or session.is_empty() or SESSION_KEY not in session:
            return response
        now = int(timezone.now().timestamp())
        last = session.get(REFRESHED)
        if session.modified or not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response
