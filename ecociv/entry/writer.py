"""The one writer of indicator values.

The entry page and the API (`actions.values.save_value`), the Excel and command-line import
(`actions.values.import_values`), the monitoring feed (`monitoring.actions.feed_values`) and accepting
a figure from an old summary (`extraction.actions.accept_fact`) all write through
`write_values`: one lock rule (`models.lock_message`), one version check against lost updates,
one audit row per value with before/after, and the tasks' status refreshed. The model refuses
the same locked changes below this module (models.IndicatorValueQuerySet / save()).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import record_many as audit_record_many
from ecociv.entry.errors import ValueConflict, ValueLocked
from ecociv.entry.models import IndicatorValue, ValueStatus, lock_message

__all__ = [
    "Outcome",
    "ValueConflict",
    "ValueLocked",
    "ValueWrite",
    "conflict_message",
    "record_many",
    "value_repr",
    "value_state",
    "write_values",
]

VALUE_OBJECT = "entry.indicatorvalue"


def value_state(v: IndicatorValue | None) -> dict | None:
    if v is None:
        return None
    return {"value": v.value, "achieved": v.achieved, "note": v.note, "status": v.status,
            "review_reason": v.review_reason}


def value_repr(v: IndicatorValue) -> str:
    return f"{v.region.name} {v.year}年 {v.indicator.code} {v.indicator.name}"


def record_many(*, by, action: str, rows) -> None:
    """One audit row per value: rows of (value, before, reason[, extra after fields])."""
    def entries():
        for v, before, reason, *extra in rows:
            after = value_state(v) | (extra[0] if extra and extra[0] else {})
            yield {"object_type": VALUE_OBJECT, "object_id": v.pk, "object_repr": value_repr(v), "region": v.region,
                   "before": before, "after": after, "reason": reason}
    audit_record_many(user=by, action=action, entries=entries())


@dataclass
class ValueWrite:
    """What one path wants a region-year-indicator value to say."""

    region: object
    year: int
    indicator: object
    value: Decimal | None
    achieved: bool | None = None
    note: str = ""
    lineage: dict = field(default_factory=dict)
    where: str = ""  # how to name this row in a refusal (sheet/row/column, or the value itself)
    version: int | None = None  # the version the writer read (edit forms, API); None: not an edit form
    reason: str = ""  # kept in the audit row
    after: dict = field(default_factory=dict)  # more to keep in the audit row (lineage, checks)
    keep_achieved: bool = False  # a computed figure carries no 是否完成: keep what the department said


@dataclass
class Outcome:
    write: ValueWrite
    value: IndicatorValue | None
    result: str  # created | updated | unchanged | locked (same content, left as is) | skipped (locked)
    before: dict | None = None
    message: str = ""
    replaced: dict | None = None  # what a value of another source said before this write replaced it


def _key(region_id, year, indicator_id):
    return (region_id, int(year), indicator_id)


def conflict_message(v: IndicatorValue, seen: int | None) -> str:
    """The other person's change, in words: who, when, what it says now."""
    from ecociv.audit.models import AuditLog

    last = (AuditLog.objects.filter(object_type=VALUE_OBJECT, object_id=str(v.pk)).select_related("user")
            .order_by("-at", "-id").first())
    who = (last.user.display_name or last.username) if last and last.user else (last.username if last else "他人")
    when = timezone.localtime(last.at).strftime("%Y年%m月%d日 %H:%M") if last else ""
    before, after = (last.before or {}, last.after or {}) if last else ({}, {})
    labels = (("value", "数值"), ("achieved", "是否完成"), ("note", "情况说明"), ("status", "状态"))
    parts = []
    for key, label in labels:
        b, a = _shown(key, before.get(key)), _shown(key, after.get(key))
        if b != a:
            parts.append(f"{label}：{b} → {a}")
    change = "；".join(parts) or f"数值 {_shown('value', v.value)}，状态 {v.get_status_display()}"
    return (f"保存未成功：{value_repr(v)} 在您打开之后已被 {who} 于 {when} 修改（{change}）。"
            "您的修改没有保存，也没有覆盖对方的内容；请刷新页面，在最新内容上重新填写。")


def _shown(key, v) -> str:
    if v is None or v == "":
        return "空"
    if key == "status":
        return ValueStatus(v).label if v in ValueStatus.values else str(v)
    if key == "achieved":
        return "是" if v else "否"
    if key == "value":
        from ecociv.core.targets import format_decimal

        try:
            return format_decimal(Decimal(str(v)))
        except ArithmeticError:
            return str(v)
    return str(v)[:60]


def write_values(writes: list[ValueWrite], *, by, source: str, action: str, status: str | None = None,
                 on_locked: str = "refuse", progress=None) -> list[Outcome]:
    """Apply `writes`, all or nothing. `status`: the status the values enter with (None: a new
    value is 草稿, an existing one keeps its status). A value whose status locks it is never
    changed: `on_locked="refuse"` refuses the whole batch naming the row, `"skip"` leaves it and
    reports it. Writing what a locked value already says is no change (result "locked")."""
    if on_locked not in ("refuse", "skip"):
        raise ValueError(on_locked)
    writes = list(writes)
    out: list[Outcome] = []
    if not writes:
        return out
    now = timezone.now()
    with transaction.atomic():
        keys = {_key(w.region.pk, w.year, w.indicator.pk) for w in writes}
        qs = IndicatorValue.objects.select_for_update(of=("self",)).select_related("region", "indicator")
        if len(keys) == 1:
            (r, y, i), = keys
            qs = qs.filter(region_id=r, year=y, indicator_id=i)
        else:
            qs = qs.filter(region_id__in={k[0] for k in keys}, year__in={k[1] for k in keys},
                           indicator_id__in={k[2] for k in keys})
        current = {_key(v.region_id, v.year, v.indicator_id): v for v in qs}
        created, updated = [], []
        total = len(writes)
        for n, w in enumerate(writes, start=1):
            if progress and (n % 500 == 0 or n == total):
                progress(n, total)
            v = current.get(_key(w.region.pk, w.year, w.indicator.pk))
            if w.version is not None and v is not None and v.version != w.version:
                raise ValueConflict(conflict_message(v, w.version), current=v)
            achieved = v.achieved if (w.keep_achieved and v is not None) else w.achieved
            note = (w.note or "").strip()
            same = v is not None and v.value == w.value and v.achieved == achieved and v.note == note
            if v is not None and (msg := lock_message(v.status)):
                if same:
                    out.append(Outcome(w, v, "locked", message=msg))
                    continue
                if on_locked == "skip":
                    out.append(Outcome(w, v, "skipped", message=msg))
                    continue
                raise ValueLocked(f"{w.where or value_repr(v)}：{v.get_status_display()}，{msg}")
            target = status or (v.status if v is not None else ValueStatus.DRAFT)
            if same and v.status == target and v.source == source and v.lineage == w.lineage:
                out.append(Outcome(w, v, "unchanged"))
                continue
            before = value_state(v)
            replaced = None
            if v is None:
                v = IndicatorValue(region=w.region, year=int(w.year), indicator=w.indicator, entered_by=by)
                created.append(v)
            else:
                if v.source != source and (v.value is not None or v.achieved is not None):
                    replaced = {"value": v.value, "achieved": v.achieved, "source": v.get_source_display()}
                updated.append(v)
            v.value, v.achieved, v.note, v.status = w.value, achieved, note, target
            v.source, v.lineage, v.updated_by, v.updated_at = source, w.lineage, by, now
            if target == ValueStatus.SUBMITTED and (before is None or before["status"] != target):
                v.submitted_at = now
            out.append(Outcome(w, v, "created" if before is None else "updated", before=before, replaced=replaced))
        # In batches: 10,000 rows one save() and one audit insert at a time took ~20 s on SQLite.
        IndicatorValue.objects.bulk_create(created, batch_size=500)
        IndicatorValue.objects.bulk_update(updated, ["value", "achieved", "note", "status", "source", "updated_by",
                                                     "updated_at", "lineage", "submitted_at"], batch_size=500)
        written = [o for o in out if o.result in ("created", "updated")]
        record_many(by=by, action=action, rows=[(o.value, o.before, o.write.reason, o.write.after) for o in written])
        if written:
            from ecociv.entry.task_status import refresh_tasks_of

            refresh_tasks_of([o.value for o in written])
    return out
