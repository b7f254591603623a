"""佐证材料: evidence files on a value, judged by their content (a renamed .exe is refused),
stored once by sha256, audited as evidence.add / evidence.remove."""
from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ecociv.audit.actions import record
from ecociv.core.files import UploadRefused, sniff, store_upload
from ecociv.entry.actions.tasks import task_item
from ecociv.entry.errors import EntryError, ValueLocked
from ecociv.entry.models import Evidence, IndicatorValue, Task, ValueStatus, lock_message
from ecociv.entry.scope import can_fill
from ecociv.entry.writer import value_repr


def _checked(data: bytes, name: str) -> tuple[str, str]:
    """The one upload rule (core.files.sniff: size, content type, extension), refused as an
    EntryError."""
    try:
        return sniff(data, name)
    except UploadRefused as exc:
        raise EntryError(str(exc)) from None


def add_evidence(task, indicator, *, by, name: str, data: bytes) -> Evidence:
    if not can_fill(by, task):
        raise PermissionDenied("您不能填报该任务")
    task_item(task, indicator)
    _checked(data, name)
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
    _checked(data, name)
    if not written_now and (msg := lock_message(v.status)):
        raise ValueLocked(f"指标 {v.indicator.code} {v.get_status_display()}，不能再添加佐证材料（{msg}）")
    with transaction.atomic():
        stored = store_upload(data, name, "evidence")
        ext = PurePath(stored.path).suffix
        ev = Evidence(value=v, original_name=stored.name, extension=ext, content_type=stored.content_type,
                      size=stored.size, sha256=stored.sha256, uploaded_by=by)
        ev.file.name = stored.path
        ev.save()
        record(user=by, action="evidence.add", obj=v, object_repr=value_repr(v), region=v.region,
               after={"file": ev.original_name, "sha256": stored.sha256, "size": stored.size, "type": ext.lstrip(".")})
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
