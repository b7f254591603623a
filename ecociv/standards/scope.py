"""Who may change the indicator catalogues (standards)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ecociv.core.roles import Role


def can_edit_catalogue(user) -> bool:
    """Standards are shared by every region: only a province-level (or unscoped) administrator
    corrects or loads them. A county records its local targets as RegionTarget overrides."""
    if user.is_superuser:
        return True
    return user.role == Role.ADMIN and (user.region_id is None or user.region.level == "province")


def require_catalogue_admin(user) -> None:
    if not can_edit_catalogue(user):
        raise PermissionDenied("指标体系由省级创建办管理员维护；本地目标请在区划的“年度目标”页设置")
