"""Writes of the reports app: templates (upload, choose/roll back) and report jobs. Atomic,
permission-checked, audited."""
from __future__ import annotations

import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from ecociv.audit.actions import end_job as audit_end_job
from ecociv.audit.actions import record
from ecociv.core.background import start_thread
from ecociv.regions.scope import can_administer, region_in_scope
from ecociv.reports import docx as docx_render
from ecociv.reports.document import Document, Table
from ecociv.reports.generate import ReportError, batch_regions, check_request, generate, generate_batch
from ecociv.reports.models import ReportJob, ReportKind, ReportTemplate
from ecociv.reports.templates import DOCX_KINDS, template_for

log = logging.getLogger(__name__)
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class ReportActionError(Exception):
    """Refused; the message says why in Chinese."""


# ---- templates ---------------------------------------------------------------------------------

def template_scope(user):
    """The region an administrator's templates apply to (None: every region, superuser only)."""
    if user.is_superuser and user.region_id is None:
        return None
    if user.region_id is None or not can_administer(user, user.region):
        raise PermissionDenied("仅创建办管理员可以管理报告模板")
    return user.region


def sample_document(kind: str) -> Document:
    """A document with every kind of block, to prove an uploaded template can render them all."""
    doc = Document(kind, "模板检查：示例标题", addressee="示例主送机关：", office="示例办公室", date="2026年1月1日")
    doc.h1("示例一级标题")
    doc.h2("示例二级标题")
    doc.h3("示例三级标题")
    doc.p("示例正文。")
    doc.note("示例数据提示。")
    doc.table(Table(["列一", "列二"], [["甲", "乙"]]))
    doc.attachment_title = "示例附件"
    doc.attachment = Table(["列一"], [["甲"]])
    return doc


def check_template(kind: str, data: bytes) -> None:
    if not data.startswith(b"PK"):
        raise ReportActionError("模板必须是 Word 文档（.docx）")
    try:
        out = docx_render.render(sample_document(kind), data, strict=True)
        import docx

        docx.Document(io.BytesIO(out))
    except docx_render.TemplateError as exc:
        raise ReportActionError(f"模板不能使用，仍沿用原模板。原因：{exc}") from None
    except Exception as exc:  # noqa: BLE001 — the rendered file itself is unreadable
        raise ReportActionError(f"模板不能使用，仍沿用原模板。原因：生成的文档无法打开（{type(exc).__name__}）") from None


def upload_template(kind: str, file_name: str, data: bytes, *, by, note: str = "") -> ReportTemplate:
    if kind not in DOCX_KINDS:
        raise ReportActionError("只有工作总结和创建自评报告使用 Word 模板")
    region = template_scope(by)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ReportActionError(f"模板文件过大（上限 {MAX_TEMPLATE_BYTES // 1024 // 1024} MB）")
    check_template(kind, data)
    with transaction.atomic():
        before = ReportTemplate.objects.filter(kind=kind, region=region, active=True).first()
        ReportTemplate.objects.filter(kind=kind, region=region, active=True).update(active=False)
        t = ReportTemplate.objects.create(kind=kind, region=region, file_name=file_name[:255], data=data,
                                          sha256=hashlib.sha256(data).hexdigest(), size=len(data), active=True,
                                          note=note[:200], uploaded_by=by)
        record(user=by, action="report_template.upload", obj=t, region=region,
               before={"active": before.file_name if before else "系统内置模板",
                       "active_id": before.pk if before else None},
               after={"active": t.file_name, "active_id": t.pk, "kind": kind, "sha256": t.sha256, "size": t.size})
    return t


def activate_template(kind: str, template_id: int | None, *, by) -> ReportTemplate | None:
    """Choose an earlier upload again, or (template_id None) go back to the shipped template."""
    if kind not in DOCX_KINDS:
        raise ReportActionError("只有工作总结和创建自评报告使用 Word 模板")
    region = template_scope(by)
    with transaction.atomic():
        qs = ReportTemplate.objects.select_for_update().filter(kind=kind, region=region)
        before = qs.filter(active=True).first()
        chosen = None
        if template_id is not None:
            chosen = qs.filter(pk=template_id).first()
            if chosen is None:
                raise Http404("模板不存在")
        qs.filter(active=True).update(active=False)
        if chosen is not None:
            chosen.active = True
            chosen.save(update_fields=["active"])
        record(user=by, action="report_template.activate", object_type="reports.reporttemplate",
               object_id=str(chosen.pk if chosen else ""), object_repr=f"{ReportKind(kind).label}模板",
               region=region,
               before={"active": before.file_name if before else "系统内置模板", "active_id": before.pk if before else None},
               after={"active": chosen.file_name if chosen else "系统内置模板", "active_id": chosen.pk if chosen else None})
    return chosen


def templates_in_use(user) -> list[dict]:
    region = template_scope(user)
    out = []
    for kind in DOCX_KINDS:
        in_use = template_for(kind, region) if region is not None else template_for(kind, None)
        history = ReportTemplate.objects.filter(kind=kind, region=region).select_related("uploaded_by")
        out.append({"kind": kind, "label": ReportKind(kind).label, "in_use": in_use, "history": list(history)})
    return out


# ---- jobs --------------------------------------------------------------------------------------

def start_job(region, year: int, kind: str, fmt: str, *, by, batch: bool = False) -> ReportJob:
    if not region_in_scope(by, region):
        raise Http404("区划不存在或不在您的管辖范围内")
    try:
        check_request(kind, fmt)
    except ReportError as exc:
        raise ReportActionError(str(exc)) from None
    total = len(batch_regions(region, by)) if batch else 1
    if batch and not total:
        raise ReportActionError(f"{region.name}没有可生成报告的下级区划（市、县）")
    with transaction.atomic():
        job = ReportJob.objects.create(created_by=by, region=region, year=year, kind=kind, fmt=fmt, batch=batch,
                                       total=total, heartbeat=timezone.now())
        record(user=by, action="report.start", obj=job, object_repr=_job_repr(job), region=region,
               after={"kind": kind, "year": year, "format": fmt, "batch": batch})
    if getattr(settings, "REPORT_JOB_THREADS", True):
        start_thread(run_job, job.pk, name=f"report-{job.pk}", beat=(ReportJob, job.pk))
    else:
        run_job(job.pk)
    return job


def run_job(job_id: int) -> None:
    """Make the job's file. Every failure ends the job as 失败 with a message, never 生成中 for ever."""
    try:
        job = ReportJob.objects.select_related("region", "created_by").get(pk=job_id)
        ReportJob.objects.filter(pk=job_id).update(state=ReportJob.State.RUNNING, heartbeat=timezone.now())

        def progress(done, total):
            ReportJob.objects.filter(pk=job_id).update(done=done, total=total, heartbeat=timezone.now())

        if job.batch:
            out = generate_batch(job.region, job.year, job.kind, job.fmt, user=job.created_by, progress=progress)
        else:
            out = generate(job.region, job.year, job.kind, job.fmt, user=job.created_by)
    except (ReportError, docx_render.TemplateError, PermissionDenied, Http404) as exc:
        end_job(job_id, error=str(exc))
    except Exception as exc:  # the page must say it failed rather than spin for ever
        log.exception("report job %s failed", job_id)
        end_job(job_id, error=f"内部错误：{type(exc).__name__}: {exc}")
    else:
        end_job(job_id, file_name=out.file_name, data=out.data)


def _job_repr(job: ReportJob) -> str:
    return f"{job.region.name} {job.year}年 {ReportKind(job.kind).label}（{job.fmt}）"


def end_job(job_id: int, *, file_name: str = "", data: bytes = b"", error: str = "") -> None:
    """The end of a report job: 已完成 with its file, or 失败 with the message, and an audit row
    in the job owner's name (report.finish with the file's name, size and sha256 / report.fail),
    through the one end-of-job action (audit.actions.end_job)."""
    if error:
        fields = {"state": ReportJob.State.FAILED, "error": error}
        after = {"state": ReportJob.State.FAILED, "error": error}
    else:
        fields = {"state": ReportJob.State.DONE, "file_name": file_name, "result": data, "size": len(data),
                  "done": F("total")}
        after = {"state": ReportJob.State.DONE, "file": file_name, "size": len(data),
                 "sha256": hashlib.sha256(data).hexdigest()}
    audit_end_job(ReportJob, job_id, action="report", failed=bool(error), fields=lambda job: fields,
                  describe=lambda job: (_job_repr(job), job.region, after), related=("region",))
