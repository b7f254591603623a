"""Writes of import jobs (the checked file a page import keeps until it is applied): created
after a dry run, started, started again after an interruption. Atomic, permission-checked
through entry.scope, audited (the values themselves are written by actions.values.import_values)."""
from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import end_job as audit_end_job
from ecociv.audit.actions import record
from ecociv.entry.errors import EntryError
from ecociv.entry.models import ImportJob
from ecociv.entry.scope import get_import_job_for_user, get_task_for_user, require_bulk_import


def _state(job: ImportJob) -> dict:
    return {"file": job.file_name, "sha256": hashlib.sha256(bytes(job.data)).hexdigest(), "size": len(job.data),
            "task": job.task_id, "draft": job.draft, "state": job.state, "total": job.total,
            **({"rerun_of": job.rerun_of_id} if job.rerun_of_id else {})}


def _audit(job: ImportJob, *, by, action: str, before=None) -> None:
    region = job.task.region if job.task_id else getattr(by, "region", None)
    record(user=by, action=action, obj=job, object_repr=f"导入 {job.file_name}", region=region, before=before,
           after=_state(job))


def create_job(*, by, plan, data: bytes, task=None, draft: bool = False) -> ImportJob:
    """Keep a file whose dry run passed, to be applied by `start_job` (bulk) or at once (task)."""
    if task is not None:
        get_task_for_user(by, task.pk, write=True)
    else:
        require_bulk_import(by)
    if not plan.ok:
        raise EntryError("预检有错误的文件不能导入")
    with transaction.atomic():
        job = ImportJob.objects.create(created_by=by, task=task, file_name=plan.file_name, data=data, draft=draft,
                                       total=len(plan.rows), summary=plan.counts())
        _audit(job, by=by, action="import.check")
    return job


def claim_job(job_id, *, by, task=None) -> ImportJob:
    """A checked job → 导入中, once: a second click (or tab) finds it used."""
    with transaction.atomic():
        job = get_import_job_for_user(by, job_id, task=task)
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportJob.State.CHECKED:
            from django.http import Http404

            raise Http404("预检结果不存在或已使用")
        before = {"state": job.state}
        job.state, job.heartbeat = ImportJob.State.RUNNING, timezone.now()
        job.save(update_fields=["state", "heartbeat"])
        _audit(job, by=by, action="import.start", before=before)
    return job


def rerun_job(job_id, *, by) -> tuple[ImportJob, bool]:
    """已中断 → a new job with the same file and options, or the rerun already made (two tabs):
    decided under a row lock on the old job. Returns (job, created)."""
    require_bulk_import(by)
    with transaction.atomic():
        job = get_import_job_for_user(by, job_id)
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.interrupted:
            raise EntryError("只有已中断的导入可以重新开始")
        new = job.reruns.order_by("-pk").first()
        if new is not None and not new.interrupted:
            return new, False
        new = ImportJob.objects.create(created_by=by, file_name=job.file_name, data=job.data, draft=job.draft,
                                       total=job.total, summary=job.summary, state=ImportJob.State.RUNNING,
                                       heartbeat=timezone.now(), rerun_of=job)
        _audit(new, by=by, action="import.rerun")
    return new, True


def end_job(job_id: int, *, counts: dict | None = None, error: str = "") -> None:
    """The end of an import (the worker thread's or a task upload's in the request): 已完成 with
    the counts, or 失败 with the message, and an audit row in the job owner's name
    (import.finish / import.fail), through the one end-of-job action (audit.actions.end_job)."""
    def fields(job):
        if error:
            return {"state": ImportJob.State.FAILED, "error": error}
        return {"state": ImportJob.State.DONE, "summary": counts or {}, "done": job.total}

    def describe(job):
        region = job.task.region if job.task_id else getattr(job.created_by, "region", None)
        details = {"error": error} if error else {k: n for k, n in (counts or {}).items() if k != "error"}
        return f"导入 {job.file_name}", region, {"state": job.state, "file": job.file_name, **details}

    audit_end_job(ImportJob, job_id, action="import", failed=bool(error), fields=fields, describe=describe,
                  related=("task__region",))
