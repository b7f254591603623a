"""JSON API under /api/v1. Each domain app contributes `router` from its `api.py`; apps
that are not installed (a later issue's) are simply absent."""
from importlib import import_module

from django.apps import apps
from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyHeader, HttpBearer, django_auth


class TokenAuth(HttpBearer):
    """A request carrying a token is judged by the token alone: a bad token is 401 (a read-only
    one writing, 403) and never falls through to the cookie session. Token requests need no
    CSRF token — there is no cookie a foreign page could make the browser send; CSRF applies to
    the cookie session (`django_auth`, tried last)."""

    def authenticate(self, request, token):
        from ecociv.accounts.tokens import authenticate

        user, reason = authenticate(token, method=request.method)
        if user is None:
            raise HttpError(403 if reason == "只读令牌不能修改数据" else 401, reason)
        request.user = user
        return user


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key) if key else None


class LocalDocs(DocsBase):
    """The API's documentation as a page of the platform, rendered on the server from the
    OpenAPI schema: works on an intranet (no CDN, no script) and reads in Chinese."""

    def render_page(self, request, api, **kwargs):
        from django.shortcuts import render

        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema.get("paths", {}).items():
            for method, op in methods.items():
                params = [{"name": p["name"], "where": {"path": "路径", "query": "查询", "header": "请求头"}.get(
                    p.get("in"), p.get("in")), "required": p.get("required", False),
                    "title": (p.get("schema") or {}).get("title", "")} for p in op.get("parameters", [])]
                operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                                   "description": op.get("description", ""), "params": params,
                                   "body": "requestBody" in op, "responses": sorted(op.get("responses", {})),
                                   "group": path.split("/")[3] if path.count("/") >= 3 else ""})
        return render(request, "web/api_docs.html", {"api": api, "operations": operations,
                                                     "openapi_url": self.get_openapi_url(api, kwargs)})


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        from ecociv.core.apidocs import document_errors

        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = Api(
    title="生态文明建设示范区创建管理平台 API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), HeaderTokenAuth(), django_auth],
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalDocs(),
)



@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    # A read-only scope (accounts.scope: read-only → 403) answers in JSON like every API error,
    # not with the HTML error page.
    return api.create_response(request, {"detail": str(exc) or "无权操作"}, status=403)


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
