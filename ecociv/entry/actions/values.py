"""Value edits: what a filler types (page, API) and what an import plan carries, both through the
one writer (`entry.writer`: lock rule, version check, audit row per value)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ecociv.entry import checks
from ecociv.entry.actions.tasks import task_item
from ecociv.entry.engine.checks import NumberFormatError, parse_number
from ecociv.entry.errors import EntryError, ValueLocked
from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.entry.scope import can_fill
from ecociv.entry.writer import ValueWrite, write_values


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
    task_item(task, indicator)
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
    return v, checks.findings_for(v, indicator=indicator, region=task.region, year=task.year)


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
