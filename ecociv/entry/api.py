"""JSON API of the entry workflow (/api/v1/entry): the same scope helpers and actions as the
pages, so a token sees and changes exactly what its user could on screen."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.errors import HttpError

from ecociv.core.apidocs import IdPath, YearQuery, responses
from ecociv.core.targets import format_decimal
from ecociv.entry.actions import review, values
from ecociv.entry.errors import ApproveBlocked, EntryError, SubmitBlocked, ValueConflict, ValueLocked
from ecociv.entry.models import IndicatorValue
from ecociv.entry.scope import get_task_for_user, get_value_for_user, visible_tasks
from ecociv.entry.views import entry_rows, lateness

router = Router(tags=["数据填报"])


def _task_json(t) -> dict:
    late = lateness(t)
    return {"id": t.pk, "region": t.region.code, "region_name": t.region.name, "year": t.year,
            "department": t.department.name, "title": t.title,
            "deadline": t.deadline.isoformat() if t.deadline else None, "status": t.status,
            "status_label": t.get_status_display(), "days_left": late["days"], "late": late["late"]}


def _value_json(v) -> dict | None:
    if v is None:
        return None
    return {"id": v.pk, "value": format_decimal(v.value) if v.value is not None else None, "achieved": v.achieved,
            "note": v.note, "status": v.status, "status_label": v.get_status_display(),
            "review_reason": v.review_reason, "locked": v.locked, "version": v.version}


@router.get("/tasks", summary="可见的填报任务（填报员：本部门的待办）")
def list_tasks(request, year: YearQuery = None, status: str | None = None):
    qs = visible_tasks(request.user).select_related("region", "department")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return [_task_json(t) for t in qs]


@router.get("/tasks/{task_id}", summary="一项任务：指标、目标、数值、检查结果")
def get_task(request, task_id: IdPath):
    task = get_task_for_user(request.user, task_id)
    rows, _ = entry_rows(task, request.user)
    items = []
    for r in rows:
        if r.get("work"):
            items.append({"work_item": r["item"].title, "done": r["item"].done, "note": r["item"].note})
            continue
        ind = r["ind"]
        items.append({
            "indicator": ind.code, "name": ind.full_name, "unit": ind.unit,
            "target": r["target"].display if r["target"] else None, "target_source": r["applied"].source_text,
            "verification": ind.verification,
            "value": _value_json(r["value"]),
            "history": {y: (format_decimal(v.value) if v and v.value is not None else None) for y, v in r["history"]},
            "evidence": [{"id": e.pk, "name": e.original_name, "sha256": e.sha256, "size": e.size}
                         for e in r["evidence"]],
            "findings": [{"check": f.code, "name": f.name, "severity": f.severity, "message": f.message}
                         for f in r["findings"]],
        })
    return _task_json(task) | {"items": items}


class ValueIn(Schema):
    value: str | None = None
    achieved: bool | None = None
    note: str = ""
    # The `version` of the value as read (GET /tasks/{id} items[].value.version); required to change
    # a value that exists, so that a stale write is refused (409) instead of overwriting.
    version: int | None = None


class ReasonIn(Schema):
    reason: str = ""
    # Approving a value that fails a blocking check needs the reviewer's reason (kept in the audit).
    override: str = ""


def _run(fn):
    try:
        return fn()
    except (SubmitBlocked, ApproveBlocked) as exc:
        raise HttpError(422, str(exc)) from None
    except (ValueConflict, ValueLocked) as exc:
        raise HttpError(409, str(exc)) from None
    except EntryError as exc:
        raise HttpError(400, str(exc)) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权操作") from None


@router.post("/tasks/{task_id}/values/{code}", summary="保存一个指标的数值（草稿）", openapi_extra=responses(400, 409, 422))
def save_value(request, task_id: IdPath, code: str, data: ValueIn):
    task = get_task_for_user(request.user, task_id, write=True)
    item = task.items.select_related("indicator").filter(indicator__code=code).first()
    if item is None:
        raise HttpError(404, f"指标 {code} 不在该任务中")
    current = IndicatorValue.objects.filter(region=task.region, year=task.year, indicator=item.indicator).first()
    if current is not None and data.version is None:
        raise HttpError(409, f"指标 {code} 已有数值（版本 {current.version}）：修改须带上读取时的 version，"
                             "以免覆盖他人的修改")
    v, findings = _run(lambda: values.save_value(task, item.indicator, by=request.user, raw=data.value,
                                                  achieved=data.achieved, note=data.note, version=data.version))
    return {"value": _value_json(v), "findings": [{"check": f.code, "severity": f.severity, "message": f.message}
                                                  for f in findings]}


@router.post("/tasks/{task_id}/submit", summary="提交任务（阻止性检查不通过则 422）", openapi_extra=responses(400, 409, 422))
def submit(request, task_id: IdPath):
    task = get_task_for_user(request.user, task_id, write=True)
    n = _run(lambda: review.submit_task(task, by=request.user))
    return {"submitted": n}


@router.post("/tasks/{task_id}/approve", summary="审核通过任务中全部已提交的数据", openapi_extra=responses(400, 409, 422))
def approve_task(request, task_id: IdPath, data: ReasonIn):
    task = get_task_for_user(request.user, task_id)
    return {"approved": _run(lambda: review.approve_task(task, by=request.user, comment=data.reason,
                                                          override=data.override))}


def _value(request, value_id):
    return get_value_for_user(request.user, value_id)


@router.post("/values/{value_id}/approve", summary="审核通过一个数值（锁定）",
             openapi_extra=responses(400, 409, 422))
def approve_value(request, value_id: IdPath, data: ReasonIn):
    v = _value(request, value_id)
    _run(lambda: review.approve_values([v], by=request.user, comment=data.reason, override=data.override))
    return _value_json(IndicatorValue.objects.get(pk=v.pk))


@router.post("/values/{value_id}/return", summary="退回一个数值（须填写原因）",
             openapi_extra=responses(400, 409, 422))
def return_value(request, value_id: IdPath, data: ReasonIn):
    v = _value(request, value_id)
    return _value_json(_run(lambda: review.return_value(v, by=request.user, reason=data.reason)))


@router.post("/values/{value_id}/reopen", summary="上级重新打开已审核的数值（须填写理由）",
             openapi_extra=responses(400, 409, 422))
def reopen_value(request, value_id: IdPath, data: ReasonIn):
    v = _value(request, value_id)
    return _value_json(_run(lambda: review.reopen_value(v, by=request.user, reason=data.reason)))


@router.get("/values/{value_id}/history", summary="一个数值的全部历史（谁、何时、改了什么、为什么）")
def history(request, value_id: IdPath):
    from ecociv.audit.models import AuditLog

    v = _value(request, value_id)
    return [{"at": a.at.isoformat(), "user": a.username, "action": a.action, "before": a.before, "after": a.after,
             "reason": a.reason}
            for a in AuditLog.objects.filter(object_type="entry.indicatorvalue", object_id=str(v.pk)).order_by("at", "id")]
