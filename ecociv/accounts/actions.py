"""Account administration under 三员分立 (等保 2.0): the system administrator creates,
disables and resets accounts; the security administrator grants roles and scope; neither
may change their own rights; the audit administrator only reads. Every change is audited."""
from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ecociv.accounts.models import Department, User
from ecociv.audit.actions import record
from ecociv.core.roles import SYSTEM_ROLES, Role

ACCOUNT_FIELDS = ["username", "display_name", "is_active"]
RIGHTS_FIELDS = ["role", "region", "department"]


def _set_initial_password(user: User, password: str, reason: str) -> None:
    """A password an administrator sets is known to them: the user must change it before using
    anything (accounts/middleware.py). Checked by the same validators as any password."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("；".join(exc.messages)) from None
    user.set_password(password)
    user.password_change_required = reason
    user.save()


def end_sessions(user: User) -> int:
    """Log `user` out everywhere: every stored session whose user is them is deleted."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    gone = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if str(s.get_decoded().get(SESSION_KEY)) == str(user.pk)]
    Session.objects.filter(pk__in=gone).delete()
    return len(gone)


class AccountError(ValueError):
    pass


def _state(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "is_active": user.is_active,
            "role": user.role, "region": user.region.code if user.region_id else None,
            "department": user.department.name if user.department_id else None}


def can_manage_accounts(user) -> bool:
    return user.is_superuser or user.role == Role.SYSADMIN


def can_grant_rights(user) -> bool:
    return user.is_superuser or user.role == Role.SECADMIN


def create_user(*, by, username: str, display_name: str, password: str) -> User:
    if not can_manage_accounts(by):
        raise PermissionDenied("仅系统管理员可以创建账户")
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"用户名“{username}”已存在")
    user = User(username=username, display_name=display_name.strip(), role=Role.VIEWER)
    with transaction.atomic():
        _set_initial_password(user, password, "new")
        record(user=by, action="user.create", obj=user, after=_state(user))
    return user


def set_active(target: User, active: bool, *, by) -> User:
    if not can_manage_accounts(by):
        raise PermissionDenied("仅系统管理员可以停用或启用账户")
    if target.pk == by.pk:
        raise AccountError("不能停用自己的账户")
    with transaction.atomic():
        before = _state(target)
        target.is_active = active
        target.save(update_fields=["is_active"])
        record(user=by, action="user.enable" if active else "user.disable", obj=target, before=before,
               after=_state(target))
    return target


def reset_password(target: User, password: str, *, by) -> User:
    """The system administrator resets an ordinary account's password: the account's sessions
    end and its API tokens are revoked, and it must set its own password before anything else.
    No administrator resets another administrator's (or their own) password here: whoever sets
    a password can log in with it, and one insider would hold two of the three roles. A lost
    administrator password is reset on the server (`ecociv changepassword`), by the operator."""
    from ecociv.accounts.tokens import revoke_all

    if not can_manage_accounts(by):
        raise PermissionDenied("仅系统管理员可以重置密码")
    if target.pk == by.pk:
        raise AccountError("不能在这里重置自己的密码，请用“修改密码”")
    if target.is_superuser or target.role in SYSTEM_ROLES:
        raise PermissionDenied("管理员账户的密码不能由其他管理员重置，请由服务器操作员用命令 ecociv changepassword 重置")
    with transaction.atomic():
        _set_initial_password(target, password, "reset")
        revoke_all(target, by=by, reason="管理员重置密码")
        ended = end_sessions(target)
        record(user=by, action="user.reset_password", obj=target, reason="管理员重置密码，用户须在登录后修改",
               after={"sessions_ended": ended})
    return target


def grant_rights(target: User, *, by, role: str, region, department: Department | None) -> User:
    if not can_grant_rights(by):
        raise PermissionDenied("仅安全管理员可以分配角色和范围")
    if target.pk == by.pk:
        raise AccountError("不能修改自己的角色和范围")
    if role not in Role.values:
        raise AccountError(f"未知角色“{role}”")
    if department is not None and (region is None or department.region_id != region.pk):
        raise AccountError("部门必须属于所选区划")
    if role not in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN) and region is None:
        raise AccountError("业务角色必须指定管辖区划")
    with transaction.atomic():
        before = _state(target)
        target.role, target.region, target.department = role, region, department
        target.save(update_fields=["role", "region", "department"])
        record(user=by, action="user.grant", obj=target, region=region, before=before, after=_state(target))
    return target
