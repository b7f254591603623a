"""Every write of the entry workflow: tasks, values, evidence, submit/approve/return/reopen,
imports. Each action is atomic, checks permission, and writes an audit row (the per-value
history page reads those rows back, so a value's history is exactly its audit trail)."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ecociv.accounts.models import Department
from ecociv.accounts.scope import region_in_scope
from ecociv.audit.actions import record
from ecociv.entry import checks
from ecociv.entry.engine.checks import NumberFormatError, parse_number
from ecociv.entry.errors import ApproveBlocked, EntryError, SubmitBlocked, ValueConflict, ValueLocked
from ecociv.entry.models import (
    EDITABLE_STATUSES,
    Evidence,
    IndicatorValue,
    Task,
    TaskItem,
    ValueSource,
    ValueStatus,
    lock_message,
)
from ecociv.entry.scope import can_administer_tasks, can_fill, can_review, is_higher_level
from ecociv.entry.task_status import refresh_task_status, refresh_tasks_of
from ecociv.entry.writer import ValueWrite, record_many, value_repr, value_state, write_values
from ecociv.standards import resolve

__all__ = ["ApproveBlocked", "EntryError", "SubmitBlocked", "ValueConflict", "ValueLocked", "record_many",
           "refresh_task_status", "value_repr", "value_state"]

EDITABLE = EDITABLE_STATUSES


def _audit_value(v, *, by, action, before, reason=""):
    record(user=by, action=action, obj=v, object_repr=value_repr(v), region=v.region, before=before,
           after=value_state(v), reason=reason)


# ---- tasks ---------------------------------------------------------------------------------

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


def _task_values(task) -> dict[int, IndicatorValue]:
    ind_ids = [i for i in task.items.values_list("indicator_id", flat=True) if i]
    return {v.indicator_id: v for v in IndicatorValue.objects.filter(region=task.region, year=task.year,
                                                                     indicator_id__in=ind_ids)}


# ---- values ----------------------------------------------------------------------------------

def _task_item(task, indicator) -> TaskItem:
    item = task.items.filter(indicator=indicator).first()
    if item is None:
        raise EntryError(f"指标 {indicator.code} 不在该任务中")
    return item


def findings_for(value: IndicatorValue | None, *, indicator, region, year, stage="save", raw=None,
                 evidence_count=None) -> list[checks.Finding]:
    applied = resolve.applied(region, year, indicator)
    prev = checks.previous_values({(region.pk, year, indicator.pk)})
    peers = checks.sibling_values({region.pk: region}, {year}, {indicator.pk})
    if evidence_count is None:
        evidence_count = value.evidence.count() if value and value.pk else 0
    return checks.check(checks.CheckInput(
        indicator=indicator, region=region, year=year, value=value.value if value else None,
        achieved=value.achieved if value else None, raw=raw, evidence_count=evidence_count, target=applied.target,
        target_source=applied.source_text, previous=prev.get((region.pk, year, indicator.pk)), peers=peers.get((region.pk, year, indicator.pk), [])),
        stage=stage)


def save_value(task, indicator, *, by, raw, achieved: bool | None = None, note: str = "",
               source: str = ValueSource.MANUAL, version: int | None = None, lineage: dict | None = None,
               action: str = "value.save", reason: str = "", audit: dict | None = None,
               ) -> tuple[IndicatorValue, list[checks.Finding]]:
    """Store what the filler typed (as an exact decimal) with the 情况说明, through the one
    writer (lock rule, version). `version` is what the edit form or API client read: a stale
    one is refused with the other person's change (ValueConflict). Checks run and come back as
    warnings; only an unreadable number is refused."""
    if not can_fill(by, task):
        raise PermissionDenied("您不能填报该任务")
    _task_item(task, indicator)
    try:
        number = parse_number(raw)
    except NumberFormatError as exc:
        raise EntryError(str(exc)) from None
    (outcome,) = write_values([ValueWrite(
        task.region, task.year, indicator, number, achieved=achieved, note=note, version=version,
        lineage=lineage if lineage is not None else {"source": source, "task": task.pk},
        where=f"指标 {indicator.code} {indicator.name}", reason=reason, after=audit or {})],
        by=by, source=source, action=action)
    v = outcome.value
    return v, findings_for(v, indicator=indicator, region=task.region, year=task.year)


def save_work_item(item: TaskItem, *, by, done: bool | None, note: str) -> TaskItem:
    if not can_fill(by, item.task):
        raise PermissionDenied("您不能填报该任务")
    if item.indicator_id:
        raise EntryError("指标请按数值填报")
    with transaction.atomic():
        before = {"done": item.done, "note": item.note}
        item.done, item.note = done, (note or "").strip()
        item.save(update_fields=["done", "note"])
        record(user=by, action="task_item.save", obj=item, object_repr=f"{item.task} · {item.title}",
               region=item.task.region, before=before, after={"done": done, "note": item.note})
    return item


# ---- evidence ------------------------------------------------------------------------------

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}


def sniff(data: bytes, name: str) -> tuple[str, str]:
    """(extension, mime) judged from the bytes; the name's extension must agree, so a renamed
    .exe is refused whatever it is called."""
    kind = filetype.guess(data)
    ext = kind.extension if kind else None
    if ext not in ALLOWED_TYPES:
        raise EntryError(f"“{name}”的文件内容不是允许的类型（PDF、JPG、PNG、Word .docx、Excel .xlsx）")
    claimed = PurePath(name).suffix.lower().lstrip(".")
    claimed = EXTENSION_ALIASES.get(claimed, claimed)
    if claimed != ext:
        raise EntryError(f"“{name}”的扩展名与文件内容（{ext.upper()}）不符")
    return ext, ALLOWED_TYPES[ext]


def add_evidence(task, indicator, *, by, name: str, data: bytes) -> Evidence:
    if not can_fill(by, task):
        raise PermissionDenied("您不能填报该任务")
    _task_item(task, indicator)
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise EntryError(f"“{name}”超过 {settings.UPLOAD_MAX_MB} MB 的大小限制")
    if not data:
        raise EntryError(f"“{name}”是空文件")
    sniff(data, name)
    with transaction.atomic():
        v = IndicatorValue.objects.select_for_update().filter(region=task.region, year=task.year,
                                                              indicator=indicator).first()
        if v is None:
            v = IndicatorValue.objects.create(region=task.region, year=task.year, indicator=indicator,
                                              status=ValueStatus.DRAFT, updated_by=by, entered_by=by)
        return attach_file(v, by=by, name=name, data=data)


def attach_file(v: IndicatorValue, *, by, name: str, data: bytes, written_now: bool = False) -> Evidence:
    """Store a 佐证材料 file on a value the caller may change (add_evidence, the quote of an
    accepted figure, the computation note of a monitoring feed): content-checked, stored once
    by its sha256, audited as evidence.add. Refused when the value's status locks it, unless
    the file documents the write that just set it, in the same transaction (`written_now`: the
    feed's computation note on a value it entered as 已提交)."""
    ext, mime = sniff(data, name)
    if not written_now and (msg := lock_message(v.status)):
        raise ValueLocked(f"指标 {v.indicator.code} {v.get_status_display()}，不能再添加佐证材料（{msg}）")
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        ev = Evidence(value=v, original_name=PurePath(name).name[:255], extension=f".{ext}", content_type=mime,
                      size=len(data), sha256=digest, uploaded_by=by)
        path = f"evidence/{digest[:2]}/{digest}.{ext}"
        if default_storage.exists(path):
            ev.file.name = path  # same content already stored
        else:
            ev.file.save(path, ContentFile(data), save=False)
        ev.save()
        record(user=by, action="evidence.add", obj=v, object_repr=value_repr(v), region=v.region,
               after={"file": ev.original_name, "sha256": digest, "size": len(data), "type": ext})
    return ev


def remove_evidence(ev: Evidence, *, by) -> None:
    v = ev.value
    tasks = Task.objects.filter(region=v.region, year=v.year, items__indicator=v.indicator)
    if not any(can_fill(by, t) for t in tasks):
        raise PermissionDenied("您不能修改该任务")
    if msg := lock_message(v.status):
        raise ValueLocked(f"数据{v.get_status_display()}，不能删除佐证材料（{msg}）")
    with transaction.atomic():
        record(user=by, action="evidence.remove", obj=v, object_repr=value_repr(v), region=v.region,
               before={"file": ev.original_name, "sha256": ev.sha256})
        # The stored file stays (content-addressed, possibly shared, and the audit names it).
        ev.delete()


# ---- workflow --------------------------------------------------------------------------

def task_findings(task, *, stage="save", applied=None) -> dict[int, list[checks.Finding]]:
    """indicator_id → findings, for every indicator of the task, in batch queries. `applied`
    (indicator id → standards.resolve.Applied) when the caller has resolved the targets already."""
    items = list(task.items.select_related("indicator", "indicator__standard", "indicator__parent")
                 .prefetch_related("indicator__targets").filter(indicator__isnull=False))
    values = _task_values(task)
    ev_counts = {}
    if values:
        from django.db.models import Count

        ev_counts = dict(Evidence.objects.filter(value__in=list(values.values())).values("value_id")
                         .annotate(n=Count("id")).values_list("value_id", "n"))
    keys = {(task.region_id, task.year, it.indicator_id) for it in items}
    prev = checks.previous_values(keys)
    peers = checks.sibling_values({task.region_id: task.region}, {task.year}, {it.indicator_id for it in items})
    if applied is None:
        applied = resolve.applied_many(task.region, task.year, [it.indicator for it in items])
    out = {}
    for it in items:
        ind = it.indicator
        v = values.get(ind.pk)
        key = (task.region_id, task.year, ind.pk)
        out[ind.pk] = checks.check(checks.CheckInput(
            indicator=ind, region=task.region, year=task.year, value=v.value if v else None,
            achieved=v.achieved if v else None, evidence_count=ev_counts.get(v.pk, 0) if v else 0,
            target=applied[ind.pk].target, target_source=applied[ind.pk].source_text, previous=prev.get(key),
            peers=peers.get(key, [])),
            stage=stage)
    return out


def submit_task(task, *, by) -> int:
    """草稿/已退回 → 已提交 for every value of the task, or nothing when a blocking check fails."""
    if not can_fill(by, task):
        raise PermissionDenied("您不能提交该任务")
    with transaction.atomic():
        Task.objects.select_for_update().filter(pk=task.pk).first()
        findings = task_findings(task, stage="submit")
        inds = {it.indicator_id: it.indicator for it in task.items.select_related("indicator")
                if it.indicator_id}
        # Only what the submitter can still change blocks: a value already 已提交 or 已审核 is
        # the reviewer's (approve_values refuses to lock one that fails a blocking check).
        fixed = {v.indicator_id for v in _task_values(task).values() if lock_message(v.status)}
        problems = [(inds[i], f) for i, fs in findings.items() if i not in fixed for f in fs if f.blocking]
        if problems:
            raise SubmitBlocked(problems)
        now = timezone.now()
        n = 0
        for v in IndicatorValue.objects.select_related("region", "indicator").filter(
                region=task.region, year=task.year, indicator_id__in=list(inds), status__in=EDITABLE):
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
    ids = [v.pk for v in _task_values(task).values() if v.status == ValueStatus.SUBMITTED]
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


# ---- import ------------------------------------------------------------------------------

def import_values(plan, *, by, progress=None, source: str = ValueSource.IMPORT) -> dict[str, int]:
    """Apply an import plan: all rows or none, through the one writer. Values enter with the
    plan's target status (草稿 for a task's Excel upload, 已提交 for a bulk import, which ran the
    submit checks row by row), each with an audit row naming `by` (the --as user or the built-in
    system account). Rows a dry run found unchanged or locked are left as they are; a value
    locked since the dry run refuses the whole file (ValueLocked names its row)."""
    from ecociv.entry.importing import ImportPlan

    assert isinstance(plan, ImportPlan)
    if not plan.rows:
        raise EntryError("文件中没有数据行")
    if plan.errors:
        raise EntryError(f"文件有 {len(plan.errors)} 处错误，未导入任何数据")
    if plan.target_status == ValueStatus.APPROVED:
        raise EntryError("导入的数据不能直接审核通过：录入与审核须由不同的人完成，请导入后由审核人审核")
    writes = [ValueWrite(r.region, int(r.year), r.indicator, r.value, achieved=r.achieved, note=r.note,
                         lineage={"source": source, "file": plan.file_name, "sheet": r.sheet, "row": r.row},
                         where=r.where("数值"), reason=f"导入文件 {plan.file_name} 第 {r.row} 行")
              for r in plan.rows if r.outcome in ("created", "updated")]
    total = len(plan.rows)
    try:
        status = None if plan.target_status == ValueStatus.DRAFT else plan.target_status  # as a save keeps it
        write_values(writes, by=by, source=source, action="value.import", status=status,
                     progress=(lambda d, t: progress(round(d * total / t), total)) if progress else None)
    except ValueLocked as exc:
        raise ValueLocked(f"{exc}（数据在预检后已被他人修改，请重新预检）") from None
    if progress:
        progress(total, total)
    return plan.counts()
