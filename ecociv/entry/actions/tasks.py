"""填报任务: which indicators a region fills, creating tasks (by hand or by lead department) and
the work items (工作事项) of a task."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ecociv.accounts.models import Department
from ecociv.audit.actions import record
from ecociv.entry.errors import EntryError, ValueConflict
from ecociv.entry.models import Task, TaskItem
from ecociv.entry.scope import can_administer_tasks, can_fill
from ecociv.entry.task_status import refresh_task_status
from ecociv.regions.scope import region_in_scope
from ecociv.standards import resolve


def applicable_indicators(region, standard):
    """The indicators a region fills: leaves (sub-items, not their composite parent) that
    apply to its class (市/县) and, for coastal-only ones, to coastal regions."""
    inds = list(standard.indicators.select_related("parent", "standard").prefetch_related("targets", "sub_items")
                .order_by("order"))
    out = []
    for ind in inds:
        if not ind.parent_id and ind.sub_items.all():
            continue
        applies = ind.effective_applies_to
        if region.admin_class and applies in ("city", "county") and applies != region.admin_class:
            continue
        if (ind.coastal_only or (ind.parent_id and ind.parent.coastal_only)) and not region.coastal:
            continue
        out.append(ind)
    return out


def _require_task_admin(by, region):
    if not can_administer_tasks(by, region):
        if region_in_scope(by, region):
            raise PermissionDenied("仅创建办管理员可以分配填报任务")
        raise EntryError("区划不在您的管辖范围内")


def create_task(region, year: int, department, *, by, title: str = "", deadline: dt.date | None = None,
                indicators=(), work_items=()) -> Task:
    _require_task_admin(by, region)
    if department.region_id != region.pk:
        raise EntryError(f"部门“{department.name}”不属于{region.name}")
    work_items = [w.strip() for w in work_items if w and w.strip()]
    if not indicators and not work_items:
        raise EntryError("任务至少要包含一个指标或一项工作事项")
    with transaction.atomic():
        taken = set(TaskItem.objects.filter(task__region=region, task__year=year, indicator__in=list(indicators))
                    .values_list("indicator__code", flat=True))
        if taken:
            raise EntryError(f"指标 {'、'.join(sorted(taken))} 已分配给其他任务（同一区划、年度的指标只能分配一次）")
        task = Task.objects.create(region=region, year=year, department=department, deadline=deadline,
                                   title=title.strip() or f"{year}年度{department.name}指标填报", created_by=by)
        n = 0
        for n, ind in enumerate(indicators, start=1):
            TaskItem.objects.create(task=task, indicator=ind, order=n)
        for m, w in enumerate(work_items, start=n + 1):
            TaskItem.objects.create(task=task, title=w[:300], order=m)
        record(user=by, action="task.create", obj=task, region=region, after={
            "department": department.name, "year": year, "deadline": deadline, "title": task.title,
            "indicators": [i.code for i in indicators], "work_items": work_items})
        refresh_task_status(task)
        return task


def assign_by_lead_department(region, year: int, *, by, deadline: dt.date | None, standard=None,
                              deadline_for=None) -> tuple[list[Task], list[str]]:
    """Every applicable indicator of the region's standard to its lead department (牵头部门,
    matched by name among the region's departments). Indicators already in a task for the
    region-year are left where they are, so running it again creates nothing. Returns the new
    tasks and the indicators whose lead department the region lacks. `deadline_for(department)`
    may give a department its own deadline."""
    _require_task_admin(by, region)
    standard = standard or resolve.standard_for(region, year)
    if standard is None:
        raise EntryError("未找到适用的指标体系")
    depts = {d.name: d for d in Department.objects.filter(region=region)}
    taken = set(TaskItem.objects.filter(task__region=region, task__year=year, indicator__isnull=False)
                .values_list("indicator_id", flat=True))
    groups: dict[str, list] = {}
    unmatched = []
    for ind in applicable_indicators(region, standard):
        if ind.pk in taken:
            continue
        name = (ind.lead_department or (ind.parent.lead_department if ind.parent_id else "")).strip()
        if name in depts:
            groups.setdefault(name, []).append(ind)
        else:
            unmatched.append(f"{ind.code} {ind.name}（牵头部门“{name or '未注明'}”）")
    tasks = []
    with transaction.atomic():
        for name, inds in groups.items():
            existing = Task.objects.filter(region=region, year=year, department=depts[name]).first()
            if existing:
                # Add to the department's existing task rather than open a second one.
                start = existing.items.count()
                TaskItem.objects.bulk_create([TaskItem(task=existing, indicator=i, order=start + k)
                                              for k, i in enumerate(inds, start=1)])
                record(user=by, action="task.add_items", obj=existing, region=region,
                       after={"indicators": [i.code for i in inds]}, reason="按牵头部门批量分配")
                refresh_task_status(existing)
                continue
            due = deadline_for(depts[name]) if deadline_for else deadline
            tasks.append(create_task(region, year, depts[name], by=by, deadline=due, indicators=inds,
                                     title=f"{year}年度{name}指标填报"))
    return tasks, unmatched


def task_item(task, indicator) -> TaskItem:
    item = task.items.filter(indicator=indicator).first()
    if item is None:
        raise EntryError(f"指标 {indicator.code} 不在该任务中")
    return item


def save_work_item(item: TaskItem, *, by, done: bool | None, note: str, version: int | None = None) -> TaskItem:
    """完成情况 of a free-form work item. `version` is the one the form showed: a stale form
    overwrites nothing and says who changed what (as a value's form does)."""
    if not can_fill(by, item.task):
        raise PermissionDenied("您不能填报该任务")
    if item.indicator_id:
        raise EntryError("指标请按数值填报")
    with transaction.atomic():
        item = TaskItem.objects.select_for_update(of=("self",)).select_related("task", "task__region").get(pk=item.pk)
        if version is not None and item.version != version:
            raise ValueConflict(_work_item_conflict(item))
        before = {"done": item.done, "note": item.note}
        item.done, item.note = done, (note or "").strip()
        item.version += 1
        item.save(update_fields=["done", "note", "version"])
        record(user=by, action="task_item.save", obj=item, object_repr=f"{item.task} · {item.title}",
               region=item.task.region, before=before, after={"done": done, "note": item.note})
    return item


def _work_item_conflict(item: TaskItem) -> str:
    from ecociv.audit.models import AuditLog

    last = (AuditLog.objects.filter(action="task_item.save", object_id=str(item.pk)).select_related("user")
            .order_by("-at", "-id").first())
    who = (last.user.display_name or last.username) if last and last.user else (last.username if last else "他人")
    when = timezone.localtime(last.at).strftime("%Y年%m月%d日 %H:%M") if last else ""
    state = {True: "已完成", False: "未完成"}.get(item.done, "未填")
    return (f"“{item.title}”已被{who}于{when}修改（现为：{state}；{item.note or '无完成情况说明'}），"
            "您的修改未保存，请在最新内容上重新填写")
