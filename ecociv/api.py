"""JSON API under /api/v1. Each domain app contributes `router` from its `api.py`; apps
that are not installed (a later issue's) are simply absent."""
import hashlib
from importlib import import_module

from django.apps import apps
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from ecociv.accounts.models import ApiToken

        if not token:
            return None
        digest = hashlib.sha256(token.encode()).hexdigest()
        tok = ApiToken.objects.select_related("user", "user__region").filter(digest=digest).first()
        if tok is None or not tok.user.is_active:
            return None
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=timezone.now())
        request.user = tok.user
        return tok.user


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key) if key else None


api = NinjaAPI(
    title="生态文明建设示范区创建管理平台 API",
    version="1",
    urls_namespace="api",
    auth=[django_auth, TokenAuth(), HeaderTokenAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
)

_ROUTERS = ["regions", "standards", "entry", "assessment", "ledger", "monitoring", "reports", "extraction",
            "dashboard", "audit"]
for _name in _ROUTERS:
    if apps.is_installed(f"ecociv.{_name}"):
        try:
            _mod = import_module(f"ecociv.{_name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"ecociv.{_name}.api":
                raise
            continue
        api.add_router(f"/{_name}", _mod.router)
