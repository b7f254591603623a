"""Runs are read through the same scope rules as everything else: a run belongs to a region;
not in the user's scope -> 404, in scope but read-only -> 403."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ecociv.monitoring.models import MonitoringRun
from ecociv.regions.scope import can_administer, visible_regions


def visible_runs(user):
    qs = MonitoringRun.objects.select_related("region", "created_by")
    if user.is_superuser:
        return qs
    return qs.filter(region__in=visible_regions(user))


def get_run_for_user(user, run_id: int, write: bool = False) -> MonitoringRun:
    run = visible_runs(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("评价记录不存在或不在您的管辖范围内")
    if write and not (user.is_superuser or (run.region is not None and can_administer(user, run.region))):
        raise PermissionDenied("您对该评价只有查看权限")
    return run


def writable_regions(user):
    """Regions the user may upload monitoring data for (administrators of their subtree)."""
    return [r for r in visible_regions(user).filter(level__in=["province", "city", "county"]).order_by("code")
            if can_administer(user, r)]


def may_upload(user) -> bool:
    return bool(writable_regions(user))


def can_rerun(user, run: MonitoringRun) -> bool:
    """Starting an interrupted run again writes in its region: its administrators."""
    return user.is_superuser or (run.region is not None and run.region in writable_regions(user))
