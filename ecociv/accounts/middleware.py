from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ecociv.accounts.passwords import must_change_password

# What a user who must change their password can still reach: the change page itself, logging
# out, and the static files those pages use. Everything else — business pages, the account and
# token pages, the API with the session cookie — waits for the change (等保: a reset or expired
# password gives no access until replaced).
_OPEN = ("/static/", "/favicon.ico")


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OPEN):
            allowed = (reverse("password_change"), reverse("logout"))
            reason = must_change_password(user)
            if reason and request.path not in allowed:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先在网页上修改密码"}, status=403)
                return redirect(reverse("password_change"))
        return self.get_response(request)
