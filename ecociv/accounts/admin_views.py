from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from ecociv.accounts import actions
from ecociv.accounts.models import Department, User
from ecociv.core.roles import Role
from ecociv.regions.models import Region


def _require_account_admin(user):
    if not (actions.can_manage_accounts(user) or actions.can_grant_rights(user)):
        raise PermissionDenied("仅系统管理员或安全管理员可以管理账户")


@login_required
def users(request):
    _require_account_admin(request.user)
    if request.method == "POST" and request.POST.get("action") == "create":
        try:
            u = actions.create_user(by=request.user, username=request.POST.get("username", ""),
                                    display_name=request.POST.get("display_name", ""),
                                    password=request.POST.get("password", ""))
            messages.success(request, f"已创建账户 {u.username}，请安全管理员分配角色和范围。")
            return redirect("user_detail", pk=u.pk)
        except actions.AccountError as exc:
            messages.error(request, str(exc))
    q = request.GET.get("q", "").strip()
    qs = User.objects.select_related("region", "department").exclude(username="system").order_by("username")
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    return render(request, "accounts/users.html", {
        "users": qs[:500], "q": q, "can_create": actions.can_manage_accounts(request.user)})


@login_required
def user_detail(request, pk):
    _require_account_admin(request.user)
    target = get_object_or_404(User.objects.exclude(username="system"), pk=pk)
    if request.method == "POST":
        act = request.POST.get("action")
        try:
            if act in ("enable", "disable"):
                actions.set_active(target, act == "enable", by=request.user)
                messages.success(request, "账户状态已更新。")
            elif act == "reset":
                actions.reset_password(target, request.POST.get("password", ""), by=request.user)
                messages.success(request, "密码已重置，用户下次登录须修改密码。")
            elif act == "grant":
                region = Region.objects.filter(code=request.POST.get("region", "")).first()
                dept = Department.objects.filter(pk=request.POST.get("department") or 0).first()
                actions.grant_rights(target, by=request.user, role=request.POST.get("role", ""), region=region,
                                     department=dept)
                messages.success(request, "角色和范围已更新。")
            return redirect("user_detail", pk=target.pk)
        except actions.AccountError as exc:
            messages.error(request, str(exc))
    departments = Department.objects.filter(region=target.region) if target.region_id else Department.objects.none()
    return render(request, "accounts/user_detail.html", {
        "target": target, "roles": Role.choices, "departments": departments,
        "can_manage": actions.can_manage_accounts(request.user), "can_grant": actions.can_grant_rights(request.user),
        "regions": Region.objects.filter(level__in=["province", "city", "county", "town"]).order_by("path")[:2000],
    })
