"""Ledger workbooks: the import template of each kind, and the export, which uses the same
headers so an exported file imports back unchanged (未变)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ecociv.ledger import kinds
from ecociv.ledger.engine import plain
from ecociv.ledger.importing import SPECS, STATUS_WORDS
from ecociv.ledger.models import FundExecution, PerformanceTarget

HEAD = PatternFill("solid", fgColor="E8F5E9")
REQUIRED = PatternFill("solid", fgColor="FFF3E0")


def _header(ws, spec) -> None:
    for j, c in enumerate(spec.columns, start=1):
        cell = ws.cell(1, j, c.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED if c.required else HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(30, len(c.header) * 2 + 2))
    ws.freeze_panes = "A2"


def _choices(kind: str) -> dict[str, list[str]]:
    if kind == "projects":
        return {"category": kinds.project_categories(), "status": list(STATUS_WORDS["projects"])[:4]}
    if kind == "activities":
        return {"kind": list(kinds.activity_kinds())}
    if kind == "funds":
        return {"source": kinds.fund_sources()}
    return {"status": list(STATUS_WORDS["responsibilities"])[:3]}


def template(kind: str) -> bytes:
    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    _header(ws, spec)
    lists = wb.create_sheet("可选值")
    choices = _choices(kind)
    for j, (key, values) in enumerate(choices.items(), start=1):
        col = next(i for i, c in enumerate(spec.columns, start=1) if c.key == key)
        lists.cell(1, j, spec.columns[col - 1].header).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            lists.cell(i, j, v)
        letter = get_column_letter(j)
        dv = DataValidation(type="list", formula1=f"'可选值'!${letter}$2:${letter}${len(values) + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle="无效的值",
                            error="请从下拉列表中选择（新类别请由管理员在后台添加）")
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}2000")
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    for c in spec.columns:
        notes.append([c.header, "是" if c.required else "", c.help])
    notes.append([])
    notes.append(["金额", "", "单位为万元，最多4位小数；也可写“350000元”“1.2亿元”，导入时精确换算为万元"])
    notes.append(["重复导入", "", "同一区划、年度、" + "、".join(c.header for c in spec.columns
                                                           if c.key in spec.identity) + " 的行视为同一条，再次导入会更新而不会重复"])
    for col, w in (("A", 22), ("B", 6), ("C", 70)):
        notes.column_dimensions[col].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(plain(value)) if value == value.to_integral() or len(plain(value)) < 15 else plain(value)
    return value


def export_rows(kind: str, queryset) -> list[list]:
    """The rows of a ledger as the import reads them."""
    spec = SPECS[kind]
    objs = list(queryset.select_related("region"))
    extra = {}
    if kind == "funds":
        months = {}
        for e in FundExecution.objects.filter(fund__in=objs):
            months.setdefault(e.fund_id, {})[e.month] = e.amount
        perf = {t.fund_id: t for t in PerformanceTarget.objects.filter(fund__in=objs)}
        extra = {"months": months, "perf": perf}
    project_names = {}
    if kind == "funds":
        from ecociv.ledger.models import Project

        project_names = dict(Project.objects.filter(pk__in={o.project_id for o in objs if o.project_id}
                                                    ).values_list("pk", "name"))
    status_label = {v: k for k, v in reversed(list(STATUS_WORDS.get(kind, {}).items()))}
    out = []
    for o in objs:
        row = []
        for c in spec.columns:
            if c.key == "region":
                v = o.region.code
            elif c.key == "year":
                v = o.year
            elif c.key == "status":
                v = status_label.get(o.status, o.status)
            elif c.key == "project":
                v = project_names.get(o.project_id, "")
            elif c.key == "indicator":
                v = o.indicator.code if o.indicator_id else ""
            elif c.key.startswith("m") and c.key[1:].isdigit():
                v = extra["months"].get(o.pk, {}).get(int(c.key[1:]))
            elif c.key.startswith("perf_"):
                t = extra["perf"].get(o.pk)
                v = None if t is None else {"perf_name": t.name, "perf_target": t.target,
                                            "perf_actual": t.actual}[c.key]
            else:
                v = getattr(o, c.key)
            row.append(_cell(v))
        out.append(row)
    return out


def export(kind: str, queryset, *, caption: str = "") -> bytes:
    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    _header(ws, spec)
    for row in export_rows(kind, queryset):
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if hasattr(cell.value, "year") and hasattr(cell.value, "month"):
                cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
