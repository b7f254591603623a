"""Who may see and do what with tasks and values. Built on regions.scope (the region
subtree); adds the department rule for fillers and the level rule for reopening.

Not in scope → Http404 (also for a filler asking for another department's task: we do not
confirm it exists); in scope but not allowed → PermissionDenied (403).
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ecociv.core.roles import Role
from ecociv.regions.scope import region_in_scope, visible_regions

REVIEW_ROLES = {Role.REVIEWER, Role.ADMIN, Role.SUPERIOR_REVIEWER}
NOT_FOUND = "任务不存在或不在您的管辖范围内"


def is_department_filler(user) -> bool:
    """A filler works for one department: their task list is their to-do list."""
    return getattr(user, "role", None) == Role.FILLER and not user.is_superuser


def task_admin_regions(user, levels=None) -> list:
    """Regions where the user assigns tasks (and may bulk-import), in tree order."""
    qs = visible_regions(user)
    if levels:
        qs = qs.filter(level__in=levels)
    return [r for r in qs.order_by("path") if can_administer_tasks(user, r)]


def visible_tasks(user):
    from ecociv.entry.models import Task

    qs = Task.objects.filter(region__in=visible_regions(user))
    if is_department_filler(user):
        # A filler works for one department: other departments' tasks are not theirs to see.
        qs = qs.filter(department_id=user.department_id)
    return qs


def task_visible(user, task) -> bool:
    if not region_in_scope(user, task.region):
        return False
    if user.role == Role.FILLER and not user.is_superuser:
        return task.department_id == user.department_id
    return True


def can_fill(user, task) -> bool:
    if user.is_superuser:
        return True
    if user.role == Role.FILLER:
        return task.department_id == user.department_id and task_visible(user, task)
    # The 创建办 fills on a department's behalf when it must (and is audited as itself).
    return user.role == Role.ADMIN and region_in_scope(user, task.region)


def can_review(user, region) -> bool:
    return user.is_superuser or (user.role in REVIEW_ROLES and region_in_scope(user, region))


def is_higher_level(user, region) -> bool:
    """Reopening an approved value is for a level above the one that approved it: a user
    whose region is a strict ancestor of the value's region, or a superior reviewer."""
    if user.is_superuser:
        return True
    if user.role not in REVIEW_ROLES or not region_in_scope(user, region):
        return False
    return user.role == Role.SUPERIOR_REVIEWER or user.region_id != region.pk


def can_administer_tasks(user, region) -> bool:
    return user.is_superuser or (user.role == Role.ADMIN and region_in_scope(user, region))


def get_task_for_user(user, task_id, write: bool = False):
    from ecociv.entry.models import Task

    task = Task.objects.select_related("region", "department").filter(pk=task_id).first()
    if task is None or not task_visible(user, task):
        raise Http404(NOT_FOUND)
    if write and not can_fill(user, task):
        raise PermissionDenied("您对该任务只有查看权限")
    return task


def get_value_for_user(user, value_id):
    from ecociv.entry.models import IndicatorValue, Task

    value = IndicatorValue.objects.select_related("region", "indicator", "indicator__standard").filter(
        pk=value_id).first()
    if value is None or not region_in_scope(user, value.region):
        raise Http404("数据不存在或不在您的管辖范围内")
    # A filler sees a value through one of their department's tasks only.
    if user.role == Role.FILLER and not user.is_superuser and not Task.objects.filter(region=value.region, year=value.year, department_id=user.department_id,
                                   items__indicator=value.indicator).exists():
        raise Http404("数据不存在或不在您的管辖范围内")
    return value


def get_evidence_for_user(user, evidence_id):
    from ecociv.entry.models import Evidence

    ev = Evidence.objects.select_related("value").filter(pk=evidence_id).first()
    if ev is None:
        raise Http404("文件不存在或不在您的管辖范围内")
    get_value_for_user(user, ev.value_id)
    return ev


def can_bulk_import(user) -> bool:
    """The bulk long-format import writes 已提交 values across regions: a 创建办 administrator's act
    (of a province, city or county in their scope)."""

    return bool(task_admin_regions(user, ["province", "city", "county"]))


def require_bulk_import(user) -> None:
    if not can_bulk_import(user):
        raise PermissionDenied("仅创建办管理员可以批量导入数据")


def visible_import_jobs(user, *, task=None):
    """Import jobs are their importer's (the stored file is theirs): another user's job is not
    found. `task`: the jobs of one task's Excel upload; None: the bulk imports."""
    from ecociv.entry.models import ImportJob

    qs = ImportJob.objects.filter(created_by_id=user.pk)
    return qs.filter(task=task) if task is not None else qs.filter(task__isnull=True)


def get_import_job_for_user(user, job_id, *, task=None, any_kind: bool = False):
    from ecociv.entry.models import ImportJob

    qs = ImportJob.objects.filter(created_by_id=user.pk) if any_kind else visible_import_jobs(user, task=task)
    job = qs.filter(pk=job_id).first() if str(job_id).isdigit() else None
    if job is None:
        raise Http404("导入任务不存在")
    return job
