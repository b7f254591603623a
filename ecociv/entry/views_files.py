"""Files of the entry workflow: evidence upload/download, the per-task Excel template and
its upload (dry run, then apply), and the bulk long-format import with progress."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ecociv.core.background import (
    clear_progress,
    get_progress,
    set_progress,
    stale_limit,
    start_thread,
)
from ecociv.core.files import stored_file_response
from ecociv.entry import import_jobs
from ecociv.entry.actions.evidence import add_evidence, remove_evidence
from ecociv.entry.actions.values import import_values
from ecociv.entry.errors import EntryError
from ecociv.entry.excel import task_template
from ecociv.entry.importing import ImportFileError, plan_import
from ecociv.entry.models import ImportJob, ValueStatus
from ecociv.entry.scope import (
    get_evidence_for_user,
    get_import_job_for_user,
    get_task_for_user,
    require_bulk_import,
    visible_import_jobs,
)
from ecociv.entry.views import _back, _row_response

log = logging.getLogger(__name__)

SHOWN_ROWS = 500  # a dry run of 10,000 rows lists errors in full but not every unchanged row

@login_required
@require_POST
def evidence_upload(request, task_id, item_id):
    task = get_task_for_user(request.user, task_id, write=True)
    item = task.items.select_related("indicator").filter(pk=item_id, indicator__isnull=False).first()
    if item is None:
        raise Http404("任务事项不存在")
    error = ""
    files = request.FILES.getlist("file")
    if not files:
        error = "请选择文件"
    for f in files:
        if f.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
            error = f"“{f.name}”超过 {settings.UPLOAD_MAX_MB} MB 的大小限制"
            break
        try:
            add_evidence(task, item.indicator, by=request.user, name=f.name, data=f.read())
        except EntryError as exc:
            error = str(exc)
            break
    if request.htmx:
        return _row_response(request, task, item.pk, error)
    if not error:
        messages.success(request, "佐证材料已上传。")
    return _back(request, task, error)


@login_required
def evidence_download(request, evidence_id):
    ev = get_evidence_for_user(request.user, evidence_id)
    return stored_file_response(ev.file, filename=ev.original_name, sha256=ev.sha256, content_type=ev.content_type)


@login_required
@require_POST
def evidence_delete(request, evidence_id):
    ev = get_evidence_for_user(request.user, evidence_id)
    task_id = request.POST.get("task")
    task = get_task_for_user(request.user, task_id, write=True) if task_id else None
    try:
        remove_evidence(ev, by=request.user)
    except EntryError as exc:
        if task:
            return _back(request, task, str(exc))
        raise PermissionDenied(str(exc)) from None
    if task and request.htmx:
        item = task.items.filter(indicator_id=ev.value.indicator_id).first()
        return _row_response(request, task, item.pk)
    messages.success(request, "已删除佐证材料。")
    return redirect("entry:task", task_id=task.pk) if task else redirect("entry:index")


@login_required
def template_download(request, task_id):
    task = get_task_for_user(request.user, task_id)
    data = task_template(task)
    name = f"{task.region.name}{task.year}年{task.department.name}填报表.xlsx"
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from django.utils.http import content_disposition_header

    resp["Content-Disposition"] = content_disposition_header(True, name)
    return resp


@login_required
def task_upload(request, task_id):
    """Excel round trip: upload → dry run with a per-row result → apply (all or nothing)."""
    task = get_task_for_user(request.user, task_id, write=True)
    plan = job = None
    error = ""
    if request.method == "POST" and request.POST.get("job"):
        job = import_jobs.claim_job(request.POST["job"], by=request.user, task=task)
        try:
            plan = plan_import(job.file_name, by=request.user, data=bytes(job.data), name=job.file_name, task=task,
                               target_status=ValueStatus.DRAFT)
            counts = import_values(plan, by=request.user)
        except (EntryError, ImportFileError) as exc:
            error = str(exc)
            import_jobs.end_job(job.pk, error=error)
            job = None
        else:
            import_jobs.end_job(job.pk, counts=counts)
            messages.success(request, f"已导入：{plan.summary()}。数值为草稿，请检查后提交。")
            return redirect("entry:task", task_id=task.pk)
    elif request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            error = "请选择文件"
        else:
            data = f.read()
            try:
                plan = plan_import(f.name, by=request.user, data=data, name=f.name, task=task,
                                   target_status=ValueStatus.DRAFT)
            except ImportFileError as exc:
                error = str(exc)
            else:
                if plan.ok:
                    job = import_jobs.create_job(by=request.user, plan=plan, data=data, task=task)
    return render(request, "entry/upload.html", {"task": task, "plan": plan, "job": job, "error": error,
                                                 "shown": plan.rows[:SHOWN_ROWS] if plan else []})


@login_required
def import_page(request):
    """Bulk long-format import from the page (the same plan and action as `ecociv import-values`)."""
    require_bulk_import(request.user)
    plan = job = None
    error = ""
    if request.method == "POST" and request.POST.get("job"):
        job = import_jobs.claim_job(request.POST["job"], by=request.user)
        _start(job)
        return redirect("entry:import_job", job_id=job.pk)
    if request.method == "POST":
        f = request.FILES.get("file")
        draft = request.POST.get("draft") == "1"
        if f is None:
            error = "请选择文件"
        else:
            data = f.read()
            status = ValueStatus.DRAFT if draft else ValueStatus.SUBMITTED
            try:
                plan = plan_import(f.name, by=request.user, data=data, name=f.name, target_status=status)
            except ImportFileError as exc:
                error = str(exc)
            else:
                if plan.ok:
                    job = import_jobs.create_job(by=request.user, plan=plan, data=data, draft=draft)
    return render(request, "entry/import.html", {
        "plan": plan, "job": job, "error": error, "shown": plan.rows[:SHOWN_ROWS] if plan else [],
        "recent": visible_import_jobs(request.user)[:10]})


def _start(job: ImportJob) -> None:
    set_progress("import", job.pk, 0, job.total)
    if getattr(settings, "ENTRY_IMPORT_THREADS", True):
        # Progress goes to a file the worker writes (core/background.py), the heartbeat to the
        # database from the ticker's own connection: on SQLite a beat waits while the import's
        # transaction holds the write lock (seconds for 10,000 rows), inside the staleness limit.
        start_thread(run_job, job.pk, name=f"entry-import-{job.pk}", beat=(ImportJob, job.pk))
    else:
        run_job(job.pk)


def run_job(job_id: int) -> None:
    """Apply a checked import job; runs in a thread so the page can show progress. Every
    failure, the very first read included, ends the job as 失败 rather than 导入中 for ever."""
    try:
        try:
            job = ImportJob.objects.select_related("created_by").get(pk=job_id)
            status = ValueStatus.DRAFT if job.draft else ValueStatus.SUBMITTED
            plan = plan_import(job.file_name, by=job.created_by, data=bytes(job.data), name=job.file_name,
                               target_status=status)
            ImportJob.objects.filter(pk=job_id).update(heartbeat=timezone.now())
            counts = import_values(plan, by=job.created_by,
                                           progress=lambda d, t: set_progress("import", job_id, d, t))
        except (EntryError, ImportFileError, PermissionDenied) as exc:
            import_jobs.end_job(job_id, error=str(exc))
        except Exception as exc:  # the page must say it failed rather than spin for ever
            log.exception("import job %s failed", job_id)
            import_jobs.end_job(job_id, error=f"内部错误：{type(exc).__name__}: {exc}")
        else:
            import_jobs.end_job(job_id, counts=counts)
    finally:
        clear_progress("import", job_id)


@login_required
def import_job(request, job_id):
    job = get_import_job_for_user(request.user, job_id, any_kind=True)
    done, total = get_progress("import", job.pk) or (job.done, job.total)
    pct = int(done * 100 / total) if total else 0
    template = "entry/_job.html" if request.htmx else "entry/import_job.html"
    ctx = {"job": job, "done": done, "total": total, "pct": pct}
    if job.interrupted:
        ctx.update(stale_minutes=int(stale_limit().total_seconds() // 60), rerun=job.reruns.order_by("-pk").first())
    return render(request, template, ctx)


@login_required
@require_POST
def import_rerun(request, job_id):
    """已中断 → a new job with the same file and options, started at once: the import re-plans
    the file against today's data before writing (run_job), and the interrupted one wrote all
    of its rows or none (import_values is one transaction), so starting again is safe."""
    try:
        new, created = import_jobs.rerun_job(job_id, by=request.user)
    except EntryError as exc:
        messages.error(request, str(exc))
        return redirect("entry:import_job", job_id=job_id)
    if not created:
        return redirect("entry:import_job", job_id=new.pk)
    _start(new)
    messages.success(request, "已用原文件重新开始导入（原导入已中断）")
    return redirect("entry:import_job", job_id=new.pk)
