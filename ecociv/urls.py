from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ecociv.api import api

admin.site.site_header = "生态文明建设示范区创建管理平台 · 后台"
admin.site.site_title = "创建管理平台后台"

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("ecociv/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("ecociv.accounts.urls")),
    path("", include("ecociv.web.urls")),
    path("regions/", include("ecociv.regions.urls")),
    path("standards/", include("ecociv.standards.urls")),
    path("audit/", include("ecociv.audit.urls")),
]

# Apps of later issues mount their pages at /<app>/ when present.
for _name in ("entry", "assessment", "ledger", "monitoring", "reports", "extraction", "dashboard"):
    if apps.is_installed(f"ecociv.{_name}"):
        try:
            import_module(f"ecociv.{_name}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"ecociv.{_name}.urls":
                raise
            continue
        urlpatterns.append(path(f"{_name}/", include(f"ecociv.{_name}.urls")))
