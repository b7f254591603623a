"""The review workflow: 草稿/已退回 → 已提交 (submit, blocked by failing checks), 已提交 → 已审核
(approve: maker-checker, an audited override for blocking findings), 已提交 → 已退回 (return) and
已审核 → 已退回 (reopen, by a higher level)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import record
from ecociv.entry import checks
from ecociv.entry.errors import ApproveBlocked, EntryError, SubmitBlocked
from ecociv.entry.models import EDITABLE_STATUSES, Evidence, IndicatorValue, Task, ValueStatus, lock_message
from ecociv.entry.scope import can_fill, can_review, is_higher_level
from ecociv.entry.task_status import refresh_task_status, refresh_tasks_of, task_values
from ecociv.entry.writer import value_repr, value_state


def _audit_value(v, *, by, action, before, reason=""):
    record(user=by, action=action, obj=v, object_repr=value_repr(v), region=v.region, before=before,
           after=value_state(v), reason=reason)


def submit_task(task, *, by) -> int:
    """草稿/已退回 → 已提交 for every value of the task, or nothing when a blocking check fails."""
    if not can_fill(by, task):
        raise PermissionDenied("您不能提交该任务")
    with transaction.atomic():
        Task.objects.select_for_update().filter(pk=task.pk).first()
        findings = checks.task_findings(task, stage="submit")
        inds = {it.indicator_id: it.indicator for it in task.items.select_related("indicator")
                if it.indicator_id}
        # Only what the submitter can still change blocks: a value already 已提交 or 已审核 is
        # the reviewer's (approve_values refuses to lock one that fails a blocking check).
        fixed = {v.indicator_id for v in task_values(task).values() if lock_message(v.status)}
        problems = [(inds[i], f) for i, fs in findings.items() if i not in fixed for f in fs if f.blocking]
        if problems:
            raise SubmitBlocked(problems)
        now = timezone.now()
        n = 0
        for v in IndicatorValue.objects.select_related("region", "indicator").filter(
                region=task.region, year=task.year, indicator_id__in=list(inds), status__in=EDITABLE_STATUSES):
            before = value_state(v)
            v.status, v.submitted_at, v.updated_by = ValueStatus.SUBMITTED, now, by
            v.save(update_fields=["status", "submitted_at", "updated_by", "updated_at"])
            _audit_value(v, by=by, action="value.submit", before=before)
            n += 1
        task.submitted_at = now
        task.save(update_fields=["submitted_at"])
        record(user=by, action="task.submit", obj=task, region=task.region, after={"values": n})
        refresh_task_status(task)
        return n


def approval_problems(values, *, by) -> tuple[list[str], list[str]]:
    """(refusals, blocking findings) for approving `values`. Refusals are final: the person who
    entered or last changed a value cannot approve it (maker-checker). Blocking findings are
    the checks a submit would run (evidence for binding indicators included): a reviewer may
    lock such a value only with an explicit, audited override reason."""
    values = list(values)
    refusals = [f"{value_repr(v)}：由您录入或最后修改，须由另一位审核人审核（录入与审核分离）"
                for v in values if by.pk is not None and by.pk in (v.entered_by_id, v.updated_by_id)]
    ev = {}
    for vid in Evidence.objects.filter(value__in=values).values_list("value_id", flat=True):
        ev[vid] = ev.get(vid, 0) + 1
    findings = checks.check_many([checks.Candidate(v.region, v.year, v.indicator, v.value, v.achieved,
                                                   ev.get(v.pk, 0)) for v in values], stage="submit")
    blocking = [f"{value_repr(v)}：{f.name}：{f.message}" for v, fs in zip(values, findings, strict=True)
                for f in fs if f.blocking]
    return refusals, blocking


def approve_values(values, *, by, comment: str = "", override: str = "") -> int:
    """已提交 → 已审核 (locked), in bulk; all or none. A value failing a blocking check is refused
    unless `override` gives the reviewer's reason, which the audit row keeps with the findings."""
    values = list(values)
    override = (override or "").strip()
    with transaction.atomic():
        locked = list(IndicatorValue.objects.select_for_update(of=("self",)).select_related(
            "region", "indicator", "indicator__standard", "indicator__parent").prefetch_related("indicator__targets")
            .filter(pk__in=[v.pk for v in values]))
        for v in locked:
            if not can_review(by, v.region):
                raise PermissionDenied("您不能审核该数据")
            if v.status != ValueStatus.SUBMITTED:
                raise EntryError(f"{value_repr(v)}：状态为“{v.get_status_display()}”，只有已提交的数据可以审核通过")
        refusals, blocking = approval_problems(locked, by=by)
        if refusals:
            raise ApproveBlocked(refusals)
        if blocking and not override:
            raise ApproveBlocked([*blocking, "如确需放行，请填写放行理由后再审核通过（将记入审计日志）"])
        now = timezone.now()
        for v in locked:
            before = value_state(v)
            v.status, v.reviewed_by, v.reviewed_at, v.review_reason = ValueStatus.APPROVED, by, now, ""
            v.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "updated_at"])
            mine = [b for b in blocking if b.startswith(value_repr(v) + "：")]
            after = value_state(v) | ({"override": {"reason": override, "findings": mine}} if mine else {})
            record(user=by, action="value.approve", obj=v, object_repr=value_repr(v), region=v.region, before=before,
                   after=after, reason=f"放行：{override}" + (f"；{comment}" if comment else "") if mine else comment)
        refresh_tasks_of(locked)
        return len(locked)


def approve_task(task, *, by, comment: str = "", override: str = "") -> int:
    if not can_review(by, task.region):
        raise PermissionDenied("您不能审核该任务")
    ids = [v.pk for v in task_values(task).values() if v.status == ValueStatus.SUBMITTED]
    if not ids:
        raise EntryError("该任务没有待审核的数据")
    return approve_values(IndicatorValue.objects.filter(pk__in=ids), by=by, comment=comment, override=override)


def return_value(value, *, by, reason: str) -> IndicatorValue:
    """已提交 → 已退回 with the reason the filler will read."""
    reason = (reason or "").strip()
    if not reason:
        raise EntryError("请填写退回原因")
    with transaction.atomic():
        v = IndicatorValue.objects.select_for_update(of=("self",)).select_related("region", "indicator").get(pk=value.pk)
        if not can_review(by, v.region):
            raise PermissionDenied("您不能审核该数据")
        if v.status != ValueStatus.SUBMITTED:
            raise EntryError(f"状态为“{v.get_status_display()}”的数据不能退回"
                             + ("；已审核的数据须由上级重新打开" if v.status == ValueStatus.APPROVED else ""))
        before = value_state(v)
        v.status, v.review_reason, v.reviewed_by, v.reviewed_at = ValueStatus.RETURNED, reason, by, timezone.now()
        v.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"])
        _audit_value(v, by=by, action="value.return", before=before, reason=reason)
        refresh_tasks_of([v])
        return v


def reopen_value(value, *, by, reason: str) -> IndicatorValue:
    """已审核 → 已退回: unlocks an approved value, by a higher level only, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise EntryError("重新打开须填写书面理由")
    with transaction.atomic():
        v = IndicatorValue.objects.select_for_update(of=("self",)).select_related("region", "indicator").get(pk=value.pk)
        if not is_higher_level(by, v.region):
            raise PermissionDenied("已审核的数据只能由上级重新打开")
        if v.status != ValueStatus.APPROVED:
            raise EntryError("只有已审核（锁定）的数据需要重新打开")
        before = value_state(v)
        v.status, v.review_reason, v.reviewed_by, v.reviewed_at = ValueStatus.RETURNED, reason, by, timezone.now()
        v.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"])
        _audit_value(v, by=by, action="value.reopen", before=before, reason=reason)
        refresh_tasks_of([v])
        return v
