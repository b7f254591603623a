"""Who may change the region tree itself (on top of accounts.scope, which says which regions a
user sees and administers)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ecociv.accounts.models import Role


def can_import_regions(user) -> bool:
    """The import writes regions under the user's scope: 创建办 administrators (the import checks
    every row's parent against that scope)."""
    return user.is_superuser or getattr(user, "role", None) == Role.ADMIN


def require_region_import(user) -> None:
    if not can_import_regions(user):
        raise PermissionDenied("仅创建办管理员可以导入区划")
