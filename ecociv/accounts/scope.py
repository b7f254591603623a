"""The one scoped query family. Pages, API, exports, reports and commands all ask here.

Not in the user's scope → Http404 (we do not even confirm the object exists);
in scope but the user may only read → PermissionDenied (403).
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ecociv.accounts.models import SYSTEM_ROLES, Role
from ecociv.regions.models import Region


def has_system_role(user) -> bool:
    """One of the three system roles (三员分立), which see no business data. A superuser is
    not one, whatever role is recorded."""
    return bool(getattr(user, "is_authenticated", False) and not user.is_superuser and user.role in SYSTEM_ROLES)


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


def can_edit_catalogue(user) -> bool:
    """Standards are shared by every region: only a province-level (or unscoped) administrator
    corrects or loads them. A county records its local targets as RegionTarget overrides."""
    if user.is_superuser:
        return True
    return user.role == Role.ADMIN and (user.region_id is None or user.region.level == "province")


def require_catalogue_admin(user) -> None:
    if not can_edit_catalogue(user):
        raise PermissionDenied("指标体系由省级创建办管理员维护；本地目标请在区划的“年度目标”页设置")


def can_read_audit(user) -> bool:
    return user.is_superuser or user.role in (Role.AUDITADMIN, Role.ADMIN)


def visible_audit(user):
    from ecociv.audit.models import AuditLog

    if not can_read_audit(user):
        raise PermissionDenied("无权查看审计记录")
    qs = AuditLog.objects.all()
    if user.is_superuser or (user.role == Role.AUDITADMIN and user.region_id is None):
        return qs
    from django.db.models import Q

    # A regional administrator sees what happened inside the region, and their own actions.
    return qs.filter(Q(region__path__startswith=user.region.path) | Q(user=user)) if user.region_id else qs.filter(user=user)
