"""The one way to write an audit row. Call it inside the action's transaction so the row
and the change commit (or roll back) together."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict

from ecociv.audit.models import AuditLog


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, FieldFile):  # an empty one raises on .url, so test the type
        return value.name or None
    return value


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict | None:
    if obj is None:
        return None
    data = model_to_dict(obj, fields=fields)
    return _jsonable(data)


def record(*, user, action: str, obj: models.Model | None = None, object_type: str = "", object_id: str = "",
           object_repr: str = "", region=None, before=None, after=None, reason: str = "") -> AuditLog:
    if not transaction.get_connection().in_atomic_block:
        # An audit row written outside the change's transaction can survive a rollback
        # of the change (or vanish after a commit): refuse rather than lie.
        raise RuntimeError("audit.record must run inside the action's transaction")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    username = getattr(user, "username", None) or "system"
    return AuditLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        region=region,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )


def record_many(*, user, action: str, entries) -> None:
    """The rows `record` writes, for many objects at once (imports, where one INSERT per row is
    the bottleneck). `entries`: dicts with object_type, object_id, object_repr, region, before,
    after and optionally reason. Same transaction rule as `record`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the action's transaction")
    username = getattr(user, "username", None) or "system"
    who = user if getattr(user, "pk", None) else None
    AuditLog.objects.bulk_create([
        AuditLog(user=who, username=username, action=action, object_type=e["object_type"],
                 object_id=str(e["object_id"]), object_repr=str(e.get("object_repr", ""))[:300],
                 region=e.get("region"), before=_jsonable(e.get("before")), after=_jsonable(e.get("after")),
                 reason=e.get("reason", ""))
        for e in entries], batch_size=500)


def end_job(model, pk: int, *, action: str, failed: bool, fields, describe, related: tuple = ()) -> None:
    """The end of a background job (an import, a monitoring run, a report), one action for all:
    under a lock on the job's row, write `fields(job)` (its state and results or error) with a
    fresh heartbeat — and `finished_at` where the model keeps one — then an audit row in the job
    owner's name, `<action>.finish` or `<action>.fail`, whose object text, region and "after" come
    from `describe(job)` on the row as written. A job deleted meanwhile has nothing to end.
    Written whatever happened (core.background.write_retrying): a job left running for ever is
    worse than a late end."""
    from django.utils import timezone

    from ecociv.core.background import write_retrying

    has_finished_at = any(f.name == "finished_at" for f in model._meta.get_fields())

    def write():
        with transaction.atomic():
            job = model.objects.select_for_update(of=("self",)).select_related("created_by", *related).filter(
                pk=pk).first()
            if job is None:
                return
            before = {"state": job.state}
            now = timezone.now()
            values = {"heartbeat": now, **({"finished_at": now} if has_finished_at else {}), **fields(job)}
            model.objects.filter(pk=pk).update(**values)
            # What was written, read back (a count may be an F expression) — not a stored file again.
            job.refresh_from_db(fields=[k for k in values
                                        if not isinstance(model._meta.get_field(k), models.BinaryField)])
            object_repr, region, after = describe(job)
            record(user=job.created_by, action=f"{action}.{'fail' if failed else 'finish'}", obj=job,
                   object_repr=object_repr, region=region, before=before, after=after)

    write_retrying(write)
