import datetime as dt

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


class PasswordExpiryMiddleware:
    """Send a user whose password is older than PASSWORD_MAX_AGE_DAYS to the change page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if (user is not None and user.is_authenticated and max_age
                and not request.path.startswith(("/accounts/", "/static/", "/api/"))
                and timezone.now() - user.password_changed_at > dt.timedelta(days=max_age)):
            return redirect(reverse("password_change") + "?expired=1")
        return self.get_response(request)
