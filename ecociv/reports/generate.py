"""One entry point for every report: `generate(region, year, kind, fmt, user=…)` → Output.
The command, the page, the batch and the tests all call it; the scope check is here too, so no
path can produce a report of a region its user may not read."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from django.http import Http404

from ecociv.regions.scope import region_in_scope
from ecociv.reports import docx as docx_render
from ecociv.reports import pdf as pdf_render
from ecociv.reports.data import collect
from ecociv.reports.document import Document
from ecociv.reports.models import ReportKind
from ecociv.reports.prose import indicator_table
from ecociv.reports.selfeval import build_self_evaluation
from ecociv.reports.summary import build_summary
from ecociv.reports.templates import template_for
from ecociv.reports.xlsx import indicator_workbook

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
SUPPORTED = {
    ReportKind.SUMMARY: ("docx", "pdf"),
    ReportKind.SELF_EVALUATION: ("docx", "pdf"),
    ReportKind.INDICATOR_TABLE: ("xlsx", "docx", "pdf"),
    ReportKind.LEDGER: ("xlsx", "pdf"),
}


class ReportError(Exception):
    """A report that cannot be made; the message says why in Chinese."""


@dataclass
class Output:
    file_name: str
    content_type: str
    data: bytes


def check_request(kind: str, fmt: str) -> None:
    if kind not in ReportKind.values:
        raise ReportError(f"不支持的报告类型“{kind}”，可选：summary、self-evaluation、indicator-table、ledger")
    if fmt not in SUPPORTED[ReportKind(kind)]:
        allowed = "、".join(SUPPORTED[ReportKind(kind)])
        raise ReportError(f"{ReportKind(kind).label}不能生成 {fmt} 格式，可选：{allowed}")


def file_name(region, year: int, kind: str, fmt: str) -> str:
    return f"{region.name}{year}年{ReportKind(kind).label}.{fmt}"


def document_for(region, year: int, kind: str, *, user=None, today: dt.date | None = None) -> Document:
    data = collect(region, year, user=user, today=today)
    if kind == ReportKind.SUMMARY:
        return build_summary(data)
    if kind == ReportKind.SELF_EVALUATION:
        return build_self_evaluation(data)
    doc = Document(kind, f"{region.name}{year}年生态文明建设示范区建设指标达标情况表")
    doc.table(indicator_table(data.assessment))
    return doc


def generate(region, year: int, kind: str, fmt: str, *, user, today: dt.date | None = None) -> Output:
    check_request(kind, fmt)
    if user is not None and not region_in_scope(user, region):
        raise Http404("区划不存在或不在您的管辖范围内")
    name = file_name(region, year, kind, fmt)
    if kind == ReportKind.LEDGER:
        from ecociv.reports.ledger_xlsx import ledger_document, ledger_workbook

        if fmt == "xlsx":
            return Output(name, CONTENT_TYPES[fmt], ledger_workbook(region, year, user=user, today=today))
        return Output(name, CONTENT_TYPES[fmt],
                      pdf_render.render(ledger_document(region, year, user=user, today=today), landscape=True))
    if kind == ReportKind.INDICATOR_TABLE and fmt == "xlsx":
        data = collect(region, year, user=user, today=today, with_ledger=False)
        return Output(name, CONTENT_TYPES[fmt], indicator_workbook(data.assessment))
    doc = document_for(region, year, kind, user=user, today=today)
    if fmt == "docx":
        template = template_for(kind if kind != ReportKind.INDICATOR_TABLE else ReportKind.SUMMARY, region)
        return Output(name, CONTENT_TYPES[fmt], docx_render.render(doc, template.data))
    return Output(name, CONTENT_TYPES[fmt], pdf_render.render(doc, landscape=kind == ReportKind.INDICATOR_TABLE))


def batch_regions(parent, user):
    """The child regions a batch covers: the parent's direct children that are assessed
    (cities or counties), in the user's scope, in code order."""
    from ecociv.regions.scope import visible_regions

    return list(visible_regions(user).filter(parent=parent, level__in=("city", "county")).order_by("code"))


def generate_batch(parent, year: int, kind: str, fmt: str, *, user, progress=None,
                   today: dt.date | None = None) -> Output:
    check_request(kind, fmt)
    if user is not None and not region_in_scope(user, parent):
        raise Http404("区划不存在或不在您的管辖范围内")
    children = batch_regions(parent, user)
    if not children:
        raise ReportError(f"{parent.name}没有可生成报告的下级区划（市、县）")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, child in enumerate(children, start=1):
            out = generate(child, year, kind, fmt, user=user, today=today)
            zf.writestr(_safe(out.file_name), out.data)
            if progress:
                progress(i, len(children))
    name = f"{parent.name}{year}年各下级区划{ReportKind(kind).label}.zip"
    return Output(name, CONTENT_TYPES["zip"], buf.getvalue())


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", name)
