"""The home page's to-do list (issue 12, must-hold 6): what waits for this user today, counted
and linked, within their scope — tasks to fill (due soon, overdue), values returned to them,
values waiting for their review, monitoring runs that failed, figures from documents to check.

Everything is read through the scope functions the pages use, so a count never includes
something its link would not show."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

DUE_SOON_DAYS = 14


@dataclass
class Todo:
    key: str
    label: str
    count: int
    url: str
    tone: str = ""        # "late" for what is overdue or failed
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (text, detail, url), a few


def _task_items(tasks, on):
    out = []
    for t in tasks[:5]:
        days = (t.deadline - on).days if t.deadline else None
        when = "无截止日期" if days is None else f"已逾期 {-days} 天" if days < 0 else "今天截止" if days == 0 \
            else f"还有 {days} 天截止"
        out.append((f"{t.region.name} {t.title}", when, reverse("entry:task", args=[t.pk])))
    return out


def todos(user) -> list[Todo]:
    from ecociv.core.roles import has_system_role

    if not user.is_authenticated or has_system_role(user):
        return []
    out: list[Todo] = []
    if apps.is_installed("ecociv.entry"):
        out += _entry_todos(user)
    if apps.is_installed("ecociv.monitoring"):
        out += _monitoring_todos(user)
    if apps.is_installed("ecociv.extraction"):
        out += _extraction_todos(user)
    return out


def _entry_todos(user) -> list[Todo]:
    from ecociv.entry.models import IndicatorValue, TaskStatus, ValueStatus
    from ecociv.entry.scope import REVIEW_ROLES, can_fill, visible_tasks
    from ecociv.regions.scope import visible_regions

    on = timezone.localdate()
    out = []
    entry = reverse("entry:index")
    waiting = [t for t in visible_tasks(user).select_related("region", "department")
               .filter(status__in=[TaskStatus.OPEN, TaskStatus.RETURNED]).order_by("deadline", "id")
               if can_fill(user, t)]
    overdue = [t for t in waiting if t.deadline and t.deadline < on]
    due = [t for t in waiting if t.deadline and on <= t.deadline <= on + dt.timedelta(days=DUE_SOON_DAYS)]
    if waiting or user.role in ("filler", "admin"):
        out.append(Todo("overdue", "已逾期的填报任务", len(overdue), f"{entry}?late=1", "late" if overdue else "",
                        _task_items(overdue, on)))
        out.append(Todo("due", f"{DUE_SOON_DAYS} 天内到期的填报任务", len(due), entry, "",
                        _task_items(due, on)))
    # Values returned for revision, in the tasks this user fills.
    fill_keys = {(t.region_id, t.year) for t in waiting}
    returned = IndicatorValue.objects.filter(status=ValueStatus.RETURNED, region__in=visible_regions(user)) \
        .select_related("region", "indicator")
    if user.role == "filler" and not user.is_superuser:
        from ecociv.entry.models import TaskItem

        mine = set(TaskItem.objects.filter(task__in=waiting, indicator__isnull=False)
                   .values_list("task__region_id", "task__year", "indicator_id"))
        returned = [v for v in returned.filter(region_id__in={k[0] for k in fill_keys})
                    if (v.region_id, v.year, v.indicator_id) in mine]
    else:
        returned = list(returned)
    if returned or user.role == "filler":
        out.append(Todo("returned", "被退回待修改的数值", len(returned), f"{entry}?status=returned",
                        "late" if returned else "",
                        [(f"{v.region.name} {v.year}年 {v.indicator.code} {v.indicator.name}",
                          v.review_reason or "", _value_task_url(user, v)) for v in returned[:5]]))
    if user.is_superuser or user.role in REVIEW_ROLES:
        submitted = visible_tasks(user).filter(status=TaskStatus.SUBMITTED).select_related("region")
        values = IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED, region__in=visible_regions(user))
        out.append(Todo("review", "待审核的数值", values.count(), f"{entry}?status=submitted", "",
                        [(f"{t.region.name} {t.title}", "已提交，待审核", reverse("entry:task", args=[t.pk]))
                         for t in submitted.order_by("deadline", "id")[:5]]))
    return out


def _value_task_url(user, v) -> str:
    from ecociv.entry.scope import visible_tasks

    t = visible_tasks(user).filter(region=v.region, year=v.year, items__indicator=v.indicator).first()
    return reverse("entry:task", args=[t.pk]) if t else reverse("entry:index")


def _monitoring_todos(user) -> list[Todo]:
    from ecociv.monitoring.models import RunState
    from ecociv.monitoring.scope import may_upload, visible_runs

    if not may_upload(user):
        return []
    recent = visible_runs(user).filter(created_at__gte=timezone.now() - dt.timedelta(days=30))
    failed = [r for r in recent.select_related("region") if r.state == RunState.FAILED or r.interrupted]
    return [Todo("runs", "近 30 天失败或中断的监测评价", len(failed), reverse("monitoring:index"),
                 "late" if failed else "",
                 [(f"#{r.pk} {r.get_kind_display()} · {r.region.name if r.region else ''}",
                   "已中断" if r.interrupted else "失败", reverse("monitoring:run", args=[r.pk])) for r in failed[:5]])]


def _extraction_todos(user) -> list[Todo]:
    from ecociv.extraction.models import FactStatus
    from ecociv.extraction.scope import visible_documents

    if user.role not in ("admin", "filler", "reviewer") and not user.is_superuser:
        return []
    docs = visible_documents(user).filter(facts__status=FactStatus.PENDING).distinct()
    n = sum(d.facts.filter(status=FactStatus.PENDING).count() for d in docs[:50])
    return [Todo("facts", "文档中待确认的数字", n, reverse("extraction:index"), "",
                 [(d.name, "待逐条采纳或拒绝", reverse("extraction:document", args=[d.pk])) for d in docs[:5]])]
