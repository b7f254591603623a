"""Who may read and change the ledger. Built on regions.scope (the region subtree).

Everyone with business scope reads the ledgers of their subtree (the ledger is the office's
shared record, not one department's work). Writing — imports, entries, rankings — is the
创建办 administrator's; a filler updates the progress of the responsibility items their own
department leads. Out of scope → Http404, in scope but read-only → PermissionDenied.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ecociv.core.roles import Role
from ecociv.regions.scope import can_administer, region_in_scope, visible_regions

NOT_FOUND = "台账记录不存在或不在您的管辖范围内"


def visible(user, model):
    """Rows of a ledger model in the user's scope."""
    return model.objects.filter(region__in=visible_regions(user))


def can_manage(user, region) -> bool:
    return can_administer(user, region)


def can_update_progress(user, item) -> bool:
    if can_manage(user, item.region):
        return True
    return (user.role == Role.FILLER and region_in_scope(user, item.region) and user.department_id is not None
            and user.department.name == item.lead_department)


def get_entry_for_user(user, model, pk, write: bool = False):
    obj = model.objects.select_related("region").filter(pk=pk).first()
    if obj is None or not region_in_scope(user, obj.region):
        raise Http404(NOT_FOUND)
    if write and not can_manage(user, obj.region):
        raise PermissionDenied("您对该台账只有查看权限")
    return obj


def require_manage(user, region) -> None:
    if not region_in_scope(user, region):
        raise Http404("区划不存在或不在您的管辖范围内")
    if not can_manage(user, region):
        raise PermissionDenied("仅本级或上级创建办管理员可以修改台账")
