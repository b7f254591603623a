"""The one scoped query family for regions: which regions a user sees and administers, and who
may change the region tree itself. Pages, API, exports, reports and commands of every app ask here.

Not in the user's scope → Http404 (we do not even confirm the object exists);
in scope but the user may only read → PermissionDenied (403).
The three system roles (三员分立, `core.roles.has_system_role`) see no business data.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ecociv.core.roles import Role, has_system_role
from ecociv.regions.models import Region


def visible_regions(user):
    """Regions whose business data (values, evidence, tasks, assessments) the user may read.
    The three system roles (三员分立) administer accounts and read the audit log; they see no
    business data, wherever their account is attached."""
    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    if user.region_id is None or has_system_role(user):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=user.region.path)


def region_in_scope(user, region: Region) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return (user.region_id is not None and not has_system_role(user)
            and region.path.startswith(user.region.path))


def can_administer(user, region: Region) -> bool:
    return user.is_superuser or (user.role == Role.ADMIN and region_in_scope(user, region))


def get_region_for_user(user, code: str, write: bool = False) -> Region:
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None or not region_in_scope(user, region):
        raise Http404("区划不存在或不在您的管辖范围内")
    if write and not can_administer(user, region):
        raise PermissionDenied("您对该区划只有查看权限")
    return region


def require_admin(user, region: Region | None = None) -> None:
    """Catalogue-wide changes (standards) need an administrator; a regional one suffices
    for region-scoped data."""
    if user.is_superuser:
        return
    if user.role != Role.ADMIN:
        raise PermissionDenied("仅创建办管理员可以执行此操作")
    if region is not None and not region_in_scope(user, region):
        raise Http404("区划不存在或不在您的管辖范围内")


def can_import_regions(user) -> bool:
    """The import writes regions under the user's scope: 创建办 administrators (the import checks
    every row's parent against that scope)."""
    return user.is_superuser or getattr(user, "role", None) == Role.ADMIN


def require_region_import(user) -> None:
    if not can_import_regions(user):
        raise PermissionDenied("仅创建办管理员可以导入区划")
