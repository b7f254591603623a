import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from ecociv.accounts.models import ApiToken
from ecociv.audit.actions import record


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record(user=self.request.user, action="user.password_change", obj=self.request.user,
                   before=None, after={"password_changed_at": self.request.user.password_changed_at})
        messages.success(self.request, "密码已修改。")
        return response


@login_required
def me(request):
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        new_token = secrets.token_urlsafe(32)
        with transaction.atomic():
            tok = ApiToken.objects.create(user=request.user, name=request.POST.get("name") or "API",
                                          digest=hashlib.sha256(new_token.encode()).hexdigest())
            record(user=request.user, action="token.create", obj=tok, object_repr=f"{request.user} 的 API 令牌",
                   after={"name": tok.name})
    elif request.method == "POST" and request.POST.get("action") == "revoke":
        with transaction.atomic():
            tok = ApiToken.objects.filter(user=request.user, pk=request.POST.get("id")).first()
            if tok:
                record(user=request.user, action="token.revoke", obj=tok, before={"name": tok.name})
                tok.delete()
        return redirect("me")
    return render(request, "accounts/me.html", {"tokens": request.user.api_tokens.all(), "new_token": new_token})
