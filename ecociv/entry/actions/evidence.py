"""佐证材料: evidence files on a value, judged by their content (a renamed .exe is refused),
stored once by sha256, audited as evidence.add / evidence.remove."""
from __future__ import annotations

import hashlib
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from ecociv.audit.actions import record
from ecociv.entry.actions.tasks import task_item
from ecociv.entry.errors import EntryError, ValueLocked
from ecociv.entry.models import Evidence, IndicatorValue, Task, ValueStatus, lock_message
from ecociv.entry.scope import can_fill
from ecociv.entry.writer import value_repr

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
    task_item(task, indicator)
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
