from django.apps import apps
from django.urls import NoReverseMatch, reverse

# (app, url name, label): a module appears in the navigation once its app is installed.
MODULES = [
    ("web", "home", "首页"),
    ("dashboard", "dashboard:index", "驾驶舱"),
    ("assessment", "assessment:index", "达标评估"),
    ("entry", "entry:index", "数据填报"),
    ("ledger", "ledger:index", "工作台账"),
    ("monitoring", "monitoring:index", "监测数据"),
    ("reports", "reports:index", "报告生成"),
    ("extraction", "extraction:index", "文档识别"),
    ("standards", "standards:index", "指标体系"),
    ("regions", "regions:index", "行政区划"),
    ("audit", "audit:index", "审计日志"),
]


# What the three system roles (三员分立) are shown: they read no business data, so the modules
# that hold it would only open empty pages for them.
SYSTEM_ROLE_MODULES = {"web", "standards", "audit"}


def navigation(request):
    from ecociv.audit.scope import can_read_audit
    from ecociv.core.roles import has_system_role

    items = []
    user = getattr(request, "user", None)
    system_role = has_system_role(user)
    for app, name, label in MODULES:
        if not apps.is_installed(f"ecociv.{app}") or (system_role and app not in SYSTEM_ROLE_MODULES):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if app == "audit" and not (user and user.is_authenticated and can_read_audit(user)):
            continue
        items.append({"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url))})
    if user is not None and user.is_authenticated:
        from ecociv.accounts.actions import can_grant_rights, can_manage_accounts

        if can_manage_accounts(user) or can_grant_rights(user):
            url = reverse("users")
            items.append({"url": url, "label": "账户管理", "active": request.path.startswith(url)})
    return {"nav_items": items}
