"""Pages of the entry workflow: 待办/task list, task creation, the entry page with review,
per-value history. Files (evidence, Excel, imports) are in views_files.py."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ecociv.accounts.models import Department
from ecociv.audit.models import AuditLog
from ecociv.audit.present import present
from ecociv.core import years
from ecociv.entry.actions.review import approve_task, approve_values, reopen_value, return_value, submit_task
from ecociv.entry.actions.tasks import (
    applicable_indicators,
    assign_by_lead_department,
    create_task,
    save_work_item,
)
from ecociv.entry.actions.values import save_value
from ecociv.entry.checks import definitions, needs_achieved, task_findings
from ecociv.entry.errors import EntryError, SubmitBlocked
from ecociv.entry.models import EDITABLE_STATUSES, Evidence, IndicatorValue, TaskStatus, ValueStatus
from ecociv.entry.scope import (
    can_fill,
    can_review,
    get_task_for_user,
    get_value_for_user,
    is_department_filler,
    is_higher_level,
    task_admin_regions,
    visible_tasks,
)
from ecociv.standards import resolve

HISTORY_YEARS = 3


def today() -> dt.date:
    return timezone.localdate()


def lateness(task, on: dt.date | None = None) -> dict:
    """Days left (negative = late) and whether the task is overdue: a deadline passed while the
    task still waits for the department (填报中 or 已退回)."""
    on = on or today()
    if task.deadline is None:
        return {"days": None, "late": False}
    days = (task.deadline - on).days
    return {"days": days, "late": days < 0 and task.status in (TaskStatus.OPEN, TaskStatus.RETURNED),
            "late_days": -days}


@login_required
def index(request):
    user = request.user
    tasks = visible_tasks(user).select_related("region", "department").annotate(n_items=Count("items"))
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    region = request.GET.get("region", "")
    if year.isdigit():
        tasks = tasks.filter(year=int(year))
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    if region:
        tasks = tasks.filter(region__code=region)
    tasks = list(tasks.order_by("deadline", "region__code", "id"))
    # Progress: values entered / approved per task, in one query per region-year.
    by_ry = defaultdict(list)
    for t in tasks:
        by_ry[(t.region_id, t.year)].append(t)
    item_inds = defaultdict(set)
    from ecociv.entry.models import TaskItem

    for tid, iid in TaskItem.objects.filter(task__in=tasks, indicator__isnull=False).values_list("task_id",
                                                                                               "indicator_id"):
        item_inds[tid].add(iid)
    values = defaultdict(dict)
    if tasks:
        for rid, y, iid, st in IndicatorValue.objects.filter(
                region_id__in={t.region_id for t in tasks}, year__in={t.year for t in tasks}).values_list(
                "region_id", "year", "indicator_id", "status"):
            values[(rid, y)][iid] = st
    rows = []
    on = today()
    for t in tasks:
        inds = item_inds[t.pk]
        vals = values[(t.region_id, t.year)]
        filled = sum(1 for i in inds if i in vals)
        approved = sum(1 for i in inds if vals.get(i) == ValueStatus.APPROVED)
        rows.append({"task": t, "late": lateness(t, on), "filled": filled, "approved": approved,
                     "n": len(inds), "n_work": t.n_items - len(inds)})
    late_only = request.GET.get("late") == "1"
    if late_only:
        rows = [r for r in rows if r["late"]["late"]]
    is_filler = is_department_filler(user)
    admin_regions = task_admin_regions(user)
    years = sorted(set(visible_tasks(user).values_list("year", flat=True)), reverse=True)
    return render(request, "entry/index.html", {
        "rows": rows, "is_filler": is_filler, "can_create": bool(admin_regions),
        "late_count": sum(1 for r in rows if r["late"]["late"]), "years": years, "statuses": TaskStatus.choices,
        "f": {"year": year, "status": status, "late": late_only, "region": region},
        "can_import": bool(admin_regions),
    })


@login_required
def task_new(request):
    user = request.user
    regions = task_admin_regions(user, ["city", "county", "town"])
    if not regions:
        raise PermissionDenied("仅创建办管理员可以分配填报任务")
    by_code = {r.code: r for r in regions}
    region = by_code.get(request.POST.get("region") or request.GET.get("region") or regions[0].code, regions[0])
    year = years.param(request.POST.get("year") or request.GET.get("year"), today().year - 1)
    standard = resolve.standard_for(region, year)
    indicators = applicable_indicators(region, standard) if standard else []
    departments = list(Department.objects.filter(region=region))
    error = ""
    if request.method == "POST":
        raw_deadline = request.POST.get("deadline", "").strip()
        try:
            deadline = dt.date.fromisoformat(raw_deadline) if raw_deadline else None
        except ValueError:
            deadline, error = None, f"截止日期“{raw_deadline}”无效"
        if not error and request.POST.get("mode") == "bulk":
            try:
                tasks, unmatched = assign_by_lead_department(region, year, by=user, deadline=deadline,
                                                                     standard=standard)
            except EntryError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已按牵头部门为{region.name}{year}年创建 {len(tasks)} 项任务。")
                if unmatched:
                    messages.warning(request, "以下指标的牵头部门在本区划中不存在，未分配：" + "；".join(unmatched))
                return redirect("entry:index")
        elif not error:
            dept = next((d for d in departments if str(d.pk) == request.POST.get("department")), None)
            chosen = [i for i in indicators if str(i.pk) in request.POST.getlist("indicators")]
            work = request.POST.get("work_items", "").splitlines()
            if dept is None:
                error = "请选择部门"
            else:
                try:
                    task = create_task(region, year, dept, by=user, title=request.POST.get("title", ""),
                                               deadline=deadline, indicators=chosen, work_items=work)
                except EntryError as exc:
                    error = str(exc)
                else:
                    messages.success(request, f"已创建任务“{task.title}”。")
                    return redirect("entry:task", task_id=task.pk)
    return render(request, "entry/task_new.html", {
        "regions": regions, "region": region, "year": year, "standard": standard, "indicators": indicators,
        "departments": departments, "error": error, "post": request.POST,
    })


def entry_rows(task, user) -> tuple[list[dict], dict]:
    """Everything the entry page shows per task item, in a fixed number of queries."""
    items = list(task.items.select_related("indicator", "indicator__standard", "indicator__parent")
                 .prefetch_related("indicator__targets"))
    ind_ids = [it.indicator_id for it in items if it.indicator_id]
    values = {}
    history = defaultdict(dict)
    for v in IndicatorValue.objects.filter(region=task.region, indicator_id__in=ind_ids,
                                           year__gte=task.year - HISTORY_YEARS, year__lte=task.year):
        if v.year == task.year:
            values[v.indicator_id] = v
        else:
            history[v.indicator_id][v.year] = v
    evidence = defaultdict(list)
    for ev in Evidence.objects.filter(value__in=list(values.values())):
        evidence[ev.value_id].append(ev)
    # Shown with the weight they will have at submit (⛔ blocks submission, ⚠ is a hint);
    # saving itself never waits for them.
    applied = resolve.applied_many(task.region, task.year, [it.indicator for it in items if it.indicator_id])
    findings = task_findings(task, stage="submit", applied=applied) if ind_ids else {}
    fill = can_fill(user, task)
    review = can_review(user, task.region)
    higher = is_higher_level(user, task.region)
    years = list(range(task.year - 1, task.year - HISTORY_YEARS - 1, -1))
    rows = []
    for it in items:
        ind = it.indicator
        if ind is None:
            rows.append({"item": it, "work": True, "can_edit": fill})
            continue
        v = values.get(ind.pk)
        a = applied[ind.pk]
        status = v.status if v else ValueStatus.DRAFT
        rows.append({
            "item": it, "ind": ind, "value": v, "target": a.target, "applied": a,
            "qualitative": needs_achieved(a.target),
            "history": [(y, history[ind.pk].get(y)) for y in years],
            "evidence": evidence.get(v.pk, []) if v else [],
            "findings": findings.get(ind.pk, []),
            # An empty input speaks for itself; "未填报" is listed under the table only.
            "row_findings": [f for f in findings.get(ind.pk, []) if f.code != "required" or v is not None],
            "status": status, "status_label": ValueStatus(status).label,
            "can_edit": fill and status in EDITABLE_STATUSES,
            "can_approve": review and status == ValueStatus.SUBMITTED,
            "can_reopen": higher and status == ValueStatus.APPROVED,
            "binding": ind.effective_type == "binding",
        })
    summary = {
        "blocking": sum(1 for r in rows for f in r.get("findings", []) if f.severity == "blocking"),
        "warnings": sum(1 for r in rows for f in r.get("findings", []) if f.severity != "blocking"),
        "submitted": sum(1 for r in rows if r.get("status") == ValueStatus.SUBMITTED),
        "editable": sum(1 for r in rows if r.get("can_edit") and not r.get("work")),
        "can_fill": fill, "can_review": review, "higher": higher,
    }
    return rows, summary


def _render_task(request, task, *, submit_problems=None, status=200):
    rows, summary = entry_rows(task, request.user)
    listed = _listed(rows)
    return render(request, "entry/task.html", {
        "task": task, "rows": rows, "s": summary, "late": lateness(task), "listed": listed,
        "submit_problems": submit_problems, "checks": definitions().values(),
    }, status=status)


@login_required
def task_detail(request, task_id):
    task = get_task_for_user(request.user, task_id)
    return _render_task(request, task)


def _listed(rows):
    # A missed target is a hint for whoever can still change the value; on a row under review
    # or locked it stays beside the value and is not listed as something to do.
    return [(r["ind"], f) for r in rows if not r.get("work") for f in r["findings"]
            if f.code != "target" or r.get("can_edit")]


def _row_response(request, task, item_id, error=""):
    """The swapped row; the event tells the task's check list to reload itself (an
    out-of-band <section> beside a <tr> would be foster-parented into the table)."""
    rows, _ = entry_rows(task, request.user)
    row = next(r for r in rows if r["item"].pk == item_id)
    row["error"] = error
    resp = render(request, "entry/_row.html", {"r": row, "task": task})
    resp["HX-Trigger"] = "checks-changed"
    return resp


@login_required
def task_checks(request, task_id):
    task = get_task_for_user(request.user, task_id)
    rows, _ = entry_rows(task, request.user)
    return render(request, "entry/_checklist.html", {"listed": _listed(rows), "task": task})


def _back(request, task, error=""):
    if error:
        messages.error(request, error)
    return redirect("entry:task", task_id=task.pk)


@login_required
@require_POST
def item_save(request, task_id, item_id):
    task = get_task_for_user(request.user, task_id, write=True)
    item = task.items.select_related("indicator").filter(pk=item_id).first()
    if item is None:
        return HttpResponse(status=404)
    error = ""
    try:
        if item.indicator_id is None:
            done = {"1": True, "0": False}.get(request.POST.get("done", ""))
            raw_version = request.POST.get("version", "")
            save_work_item(item, by=request.user, done=done, note=request.POST.get("note", ""),
                           version=int(raw_version) if raw_version.isdigit() else None)
        else:
            achieved = {"1": True, "0": False}.get(request.POST.get("achieved", ""))
            raw_version = request.POST.get("version", "")
            save_value(task, item.indicator, by=request.user, raw=request.POST.get("value", ""),
                               achieved=achieved, note=request.POST.get("note", ""),
                               version=int(raw_version) if raw_version.isdigit() else None)
    except EntryError as exc:
        error = str(exc)
    if request.htmx:
        return _row_response(request, task, item.pk, error)
    if not error:
        messages.success(request, "已保存。")
    return _back(request, task, error)


@login_required
@require_POST
def task_submit(request, task_id):
    task = get_task_for_user(request.user, task_id, write=True)
    try:
        n = submit_task(task, by=request.user)
    except SubmitBlocked as exc:
        return _render_task(request, task, submit_problems=exc.problems, status=422)
    except EntryError as exc:
        return _back(request, task, str(exc))
    messages.success(request, f"已提交 {n} 项数据，等待审核。")
    return redirect("entry:task", task_id=task.pk)


@login_required
@require_POST
def task_review(request, task_id):
    task = get_task_for_user(request.user, task_id)
    if not can_review(request.user, task.region):
        raise PermissionDenied("您不能审核该任务")
    op = request.POST.get("op", "")
    reason = request.POST.get("reason", "")
    try:
        if op == "approve_all":
            n = approve_task(task, by=request.user, comment=reason, override=request.POST.get("override", ""))
            messages.success(request, f"已审核通过 {n} 项数据并锁定。")
        elif op == "approve":
            ids = request.POST.getlist("value")
            values = IndicatorValue.objects.filter(pk__in=[i for i in ids if i.isdigit()], region=task.region,
                                                   year=task.year)
            if not ids:
                raise EntryError("请先勾选要审核通过的数据")
            n = approve_values(values, by=request.user, comment=reason, override=request.POST.get("override", ""))
            messages.success(request, f"已审核通过 {n} 项数据并锁定。")
        elif op in ("return", "reopen"):
            value = IndicatorValue.objects.filter(pk=request.POST.get("value_id") or 0, region=task.region,
                                                  year=task.year).first()
            if value is None:
                raise EntryError("数据不存在")
            if op == "return":
                return_value(value, by=request.user, reason=reason)
                messages.success(request, f"已退回指标 {value.indicator.code}。")
            else:
                reopen_value(value, by=request.user, reason=reason)
                messages.success(request, f"已重新打开指标 {value.indicator.code}，退回填报单位修改。")
        else:
            raise EntryError("未知的审核操作")
    except EntryError as exc:
        return _back(request, task, str(exc))
    return redirect("entry:task", task_id=task.pk)


@login_required
def value_history(request, value_id):
    value = get_value_for_user(request.user, value_id)
    rows = AuditLog.objects.filter(object_type="entry.indicatorvalue", object_id=str(value.pk)).order_by("at", "id")
    # The audit page's presentation (labels, before → after, masking): one rule for both.
    entries = []
    for a in rows:
        shown = present(a, request.user)
        entries.append({"a": a, "label": shown.action, "changes": [c for c in shown.changes if c[0] != "检查提示"],
                        "checks": (a.after or {}).get("checks", []) if isinstance(a.after, dict) else []})
    task = visible_tasks(request.user).filter(region=value.region, year=value.year,
                                              items__indicator=value.indicator).first()
    return render(request, "entry/history.html", {"value": value, "entries": entries, "task": task})

