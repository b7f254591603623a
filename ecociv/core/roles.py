"""The roles a user account carries, and the rules that need nothing but the role. Below every
app: the region scope (regions.scope), the audit log's scope (audit.scope) and the account
pages (accounts) all read them; `accounts.User.role` stores one."""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "创建办管理员"
    FILLER = "filler", "填报员"
    REVIEWER = "reviewer", "审核员"
    SUPERIOR_REVIEWER = "superior_reviewer", "上级审核员"
    LEADER = "leader", "领导"
    VIEWER = "viewer", "只读用户"
    # 三员分立 (等保 2.0): the three system roles never carry business rights.
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "审计管理员"


# Roles that may change business data in their scope; everyone else reads only.
WRITE_ROLES = {Role.ADMIN, Role.FILLER, Role.REVIEWER, Role.SUPERIOR_REVIEWER}
SYSTEM_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}


def has_system_role(user) -> bool:
    """One of the three system roles (三员分立), which see no business data. A superuser is
    not one, whatever role is recorded."""
    return bool(getattr(user, "is_authenticated", False) and not user.is_superuser and user.role in SYSTEM_ROLES)
