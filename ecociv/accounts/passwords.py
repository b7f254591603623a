import re

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """等保 2.0 password complexity: at least three of upper, lower, digit, symbol."""

    def validate(self, password, user=None):
        classes = [r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。", code="password_complexity")

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。"


def must_change_password(user) -> str:
    """Why `user` must change their password before any other page or API call: "new" (first
    login with the password an administrator set), "reset" (reset by an administrator),
    "expired" (older than PASSWORD_MAX_AGE_DAYS), or "" when nothing is due. One rule for the
    middleware, the API's token auth and token creation."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    if not getattr(user, "is_authenticated", False):
        return ""
    if user.password_change_required:
        return user.password_change_required
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if max_age and timezone.now() - user.password_changed_at > dt.timedelta(days=max_age):
        return "expired"
    return ""


class HistoryValidator:
    """A new password must differ from the current one and the last PASSWORD_HISTORY ones."""

    def __init__(self, count: int | None = None):
        self._count = count

    @property
    def count(self) -> int:
        from django.conf import settings

        return self._count if self._count is not None else settings.PASSWORD_HISTORY

    def validate(self, password, user=None):
        from django.contrib.auth.hashers import check_password

        if user is None or not user.pk:
            return
        from ecociv.accounts.models import User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = [current] if current else []
        hashes += list(user.password_history.values_list("password", flat=True)[: self.count])
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(f"新密码不能与当前密码或最近 {self.count} 次使用过的密码相同。",
                                  code="password_reused")

    def password_changed(self, password, user=None):
        # Called by Django when the user with the new password is saved: keep the new hash.
        if user is None or not user.pk:
            return
        from ecociv.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        old = user.password_history.values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()

    def get_help_text(self):
        return f"新密码不能与最近 {self.count} 次使用过的密码相同。"


class MinimumLengthValidator:
    """Django's length rule with a Chinese message (its zh-hans catalogue leaves this one in
    English, as the message has plural forms)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少 {self.min_length} 位，当前 {len(password)} 位。",
                                  code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self.min_length} 位。"
