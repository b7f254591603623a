"""API tokens: created and revoked through these actions (audited), and the one rule deciding
whether a presented token authenticates a request — used by the API's Bearer and header auth."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ecociv.accounts.models import ApiToken, TokenScope, User
from ecociv.audit.actions import record


class TokenError(ValueError):
    pass


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _operator(by) -> bool:
    """The command-line system account (no password, cannot log in) acts for the server operator."""
    from ecociv.core.system import SYSTEM_USERNAME

    return by.username == SYSTEM_USERNAME and not by.has_usable_password()


def _state(tok: ApiToken) -> dict:
    return {"name": tok.name, "scope": tok.scope, "user": tok.user.username,
            "expires_at": tok.expires_at.isoformat() if tok.expires_at else None,
            "revoked_at": tok.revoked_at.isoformat() if tok.revoked_at else None}


def create_token(user: User, *, by, name: str = "API", scope: str = TokenScope.READ,
                 days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, returned once in clear (only its digest is stored). A person makes
    tokens for themself; the server operator (commands) for anyone. A user who must change their
    password gets none: a reset must not leave a way around the change."""
    from ecociv.accounts.passwords import must_change_password

    if by.pk != user.pk and not _operator(by):
        raise PermissionDenied("只能为自己创建 API 令牌")
    if not user.is_active:
        raise TokenError(f"账户“{user.username}”已停用，不能创建令牌")
    if must_change_password(user):
        raise TokenError("请先修改密码，再创建 API 令牌")
    if scope not in TokenScope.values:
        raise TokenError(f"令牌权限只能是 {'、'.join(TokenScope.values)}")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenError(f"令牌有效期须在 1 至 {settings.API_TOKEN_MAX_DAYS} 天之间（API_TOKEN_MAX_DAYS）")
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        tok = ApiToken.objects.create(user=user, name=(name or "API")[:100], digest=digest(raw), scope=scope,
                                      expires_at=timezone.now() + dt.timedelta(days=days))
        record(user=by, action="token.create", obj=tok, object_repr=str(tok), after=_state(tok))
    return tok, raw


def revoke_token(tok: ApiToken, *, by, reason: str = "") -> ApiToken:
    if by.pk != tok.user_id and not _operator(by):
        raise PermissionDenied("只能吊销自己的 API 令牌")
    with transaction.atomic():
        tok = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=tok.pk)
        if tok.revoked_at is None:
            before = _state(tok)
            tok.revoked_at = timezone.now()
            tok.save(update_fields=["revoked_at"])
            record(user=by, action="token.revoke", obj=tok, object_repr=str(tok), before=before,
                   after=_state(tok), reason=reason)
    return tok


def revoke_all(user: User, *, by, reason: str) -> int:
    """Every live token of `user` (after a password reset or expiry): one audit row each."""
    n = 0
    for tok in ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user"):
        with transaction.atomic():
            before = _state(tok)
            tok.revoked_at = timezone.now()
            tok.save(update_fields=["revoked_at"])
            record(user=by, action="token.revoke", obj=tok, object_repr=str(tok), before=before,
                   after=_state(tok), reason=reason)
        n += 1
    return n


def authenticate(raw: str, *, method: str) -> tuple[User | None, str]:
    """(user, "") when `raw` is a live token allowed `method`; else (None, the Chinese reason).
    The last-used time is written at most once a minute, so reads do not each become a write."""
    from ecociv.accounts.passwords import must_change_password

    if not raw:
        return None, "缺少令牌"
    tok = ApiToken.objects.select_related("user", "user__region").filter(digest=digest(raw)).first()
    if tok is None:
        return None, "令牌无效"
    if tok.revoked_at is not None:
        return None, "令牌已吊销"
    now = timezone.now()
    if tok.expires_at is not None and tok.expires_at <= now:
        return None, "令牌已过期"
    if not tok.user.is_active:
        return None, "账户已停用"
    if must_change_password(tok.user):
        return None, "账户须先在网页上修改密码"
    if method.upper() not in ("GET", "HEAD", "OPTIONS") and tok.scope != TokenScope.WRITE:
        return None, "只读令牌不能修改数据"
    if tok.last_used_at is None or now - tok.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
    return tok.user, ""
