"""A task's status follows its values: written after every change of a value's status or content
(entry.writer, the review actions), never set by hand."""
from __future__ import annotations

from django.utils import timezone

from ecociv.entry.models import IndicatorValue, Task, TaskStatus, ValueStatus


def refresh_task_status(task) -> str:
    """Any returned → 已退回; all approved → 已审核; all submitted or approved → 已提交; else 填报中."""
    ind_ids = [i for i in task.items.values_list("indicator_id", flat=True) if i]
    statuses = list(IndicatorValue.objects.filter(region_id=task.region_id, year=task.year,
                                                  indicator_id__in=ind_ids).values_list("status", flat=True))
    complete = len(statuses) == len(ind_ids) and ind_ids
    if ValueStatus.RETURNED in statuses:
        status = TaskStatus.RETURNED
    elif complete and all(s == ValueStatus.APPROVED for s in statuses):
        status = TaskStatus.APPROVED
    elif complete and all(s in (ValueStatus.SUBMITTED, ValueStatus.APPROVED) for s in statuses):
        status = TaskStatus.SUBMITTED
    else:
        status = TaskStatus.OPEN
    if status != task.status:
        now = timezone.now()
        fields = {"status": status}
        if status == TaskStatus.APPROVED:
            fields["approved_at"] = now
        if status == TaskStatus.SUBMITTED and not task.submitted_at:
            fields["submitted_at"] = now
        Task.objects.filter(pk=task.pk).update(**fields)
        for k, v in fields.items():
            setattr(task, k, v)
    return status


def refresh_tasks_of(values) -> None:
    """The tasks holding any of `values` (one query per region-year)."""
    ind_ids = {v.indicator_id for v in values}
    for region_id, year in {(v.region_id, v.year) for v in values}:
        for task in Task.objects.filter(region_id=region_id, year=year, items__indicator_id__in=ind_ids).distinct():
            refresh_task_status(task)


def task_values(task) -> dict[int, IndicatorValue]:
    """indicator id → the stored value, for the indicators of a task."""
    ind_ids = [i for i in task.items.values_list("indicator_id", flat=True) if i]
    return {v.indicator_id: v for v in IndicatorValue.objects.filter(region=task.region, year=task.year,
                                                                     indicator_id__in=ind_ids)}
