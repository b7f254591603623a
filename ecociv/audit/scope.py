"""Who may read which audit rows: the audit administrator (审计管理员) and administrators; a
regional one sees what happened inside the region and their own actions."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from ecociv.audit.models import AuditLog
from ecociv.core.roles import Role


def can_read_audit(user) -> bool:
    return user.is_superuser or user.role in (Role.AUDITADMIN, Role.ADMIN)


def visible_audit(user):
    if not can_read_audit(user):
        raise PermissionDenied("无权查看审计记录")
    qs = AuditLog.objects.all()
    if user.is_superuser or (user.role == Role.AUDITADMIN and user.region_id is None):
        return qs
    # A regional administrator sees what happened inside the region, and their own actions.
    return qs.filter(Q(region__path__startswith=user.region.path) | Q(user=user)) if user.region_id else qs.filter(user=user)
