from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from ecociv.accounts import tokens
from ecociv.accounts.models import ApiToken, TokenScope
from ecociv.accounts.passwords import must_change_password
from ecociv.audit.actions import record


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        from django.contrib.auth.password_validation import get_default_password_validators

        ctx = super().get_context_data(**kwargs)
        lengths = [v.min_length for v in get_default_password_validators() if hasattr(v, "min_length")]
        ctx.update(change_reason=must_change_password(self.request.user), password_days=settings.PASSWORD_MAX_AGE_DAYS,
                   min_length=max(lengths, default=8), history=settings.PASSWORD_HISTORY)
        return ctx

    def form_valid(self, form):
        with transaction.atomic():
            reason = must_change_password(self.request.user)
            response = super().form_valid(form)
            record(user=self.request.user, action="user.password_change", obj=self.request.user,
                   before={"须修改密码": reason} if reason else None,
                   after={"password_changed_at": self.request.user.password_changed_at})
        messages.success(self.request, "密码已修改。")
        return response


@login_required
def me(request):
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        try:
            days = int(request.POST.get("days") or settings.API_TOKEN_DAYS)
        except ValueError:
            days = -1
        try:
            _tok, new_token = tokens.create_token(request.user, by=request.user, name=request.POST.get("name", ""),
                                                  scope=request.POST.get("scope") or TokenScope.READ, days=days)
        except tokens.TokenError as exc:
            messages.error(request, str(exc))
    elif request.method == "POST" and request.POST.get("action") == "revoke":
        tok = ApiToken.objects.filter(user=request.user, pk=request.POST.get("id") or 0).first()
        if tok:
            tokens.revoke_token(tok, by=request.user)
            messages.success(request, f"令牌“{tok.name}”已吊销。")
        return redirect("me")
    return render(request, "accounts/me.html", {
        "tokens": request.user.api_tokens.all()[:50], "new_token": new_token, "scopes": TokenScope.choices,
        "default_days": settings.API_TOKEN_DAYS, "max_days": settings.API_TOKEN_MAX_DAYS})
