"""The `ledger` kind: every ledger of a region-year (and its subtree) in one .xlsx — a 汇总 sheet
with the figures `ledger_summary` gives (the ones the 工作总结 quotes), then one sheet per ledger
with the columns its import reads, so a sheet saved on its own imports back unchanged."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.apps import apps
from openpyxl import Workbook

from ecociv.core.fmt import number, plain
from ecociv.reports.document import Document, Table
from ecociv.reports.generate import ReportError
from ecociv.reports.xlsx import to_bytes, write_sheet

MONEY = "#,##0.00"  # the headers say (万元)
LEDGERS = [("projects", "Project"), ("funds", "Fund"), ("activities", "Activity"),
           ("responsibilities", "Responsibility")]


def _num(x):
    return float(Decimal(str(x))) if x not in (None, "") else None


def _load(region, year: int, *, user=None, today=None):
    """The summary (the figures the 工作总结 quotes) and each ledger's rows as its import reads them."""
    if not apps.is_installed("ecociv.ledger"):
        raise ReportError("工作台账模块尚未启用，无法生成台账报表")
    try:
        from ecociv.ledger import excel
        from ecociv.ledger import models as lm
        from ecociv.ledger import scope as lscope
        from ecociv.ledger.importing import SPECS
        from ecociv.ledger.summary import ledger_summary
    except ImportError as exc:
        raise ReportError(f"工作台账模块不完整，无法生成台账报表（{exc.name}）") from None
    summary = ledger_summary(region, year, user=user, **({"today": today} if today else {}))
    ledgers = []
    for kind, model_name in LEDGERS:
        model = getattr(lm, model_name)
        qs = (lscope.visible(user, model) if user is not None else model.objects.all()).filter(
            year=year, region__path__startswith=region.path)
        spec = SPECS[kind]
        ledgers.append((spec.label, [c.header for c in spec.columns], excel.export_rows(kind, qs)))
    return summary, ledgers


def _summary_rows(summary: dict, *, with_findings: bool = True) -> list[list]:
    rows = [["重点项目（个）", summary["projects"]["total"], ""]]
    rows += [[f"　其中{k}（个）", v, ""] for k, v in summary["projects"]["by_status"].items()]
    inv = summary["investment_wanyuan"]
    rows += [["计划总投资（万元）", _num(inv["planned"]), ""], ["累计完成投资（万元）", _num(inv["completed"]), ""]]
    rows += [[f"　{k}资金（万元）", _num(v), f"{summary['projects_by_source'].get(k, 0)}个项目"]
             for k, v in inv["by_source"].items()]
    funds = summary.get("funds") or {}
    if funds:
        rows += [["资金安排（万元）", _num(funds.get("budget_wanyuan")), ""],
                 ["已执行（万元）", _num(funds.get("executed_wanyuan")), ""],
                 ["执行率（%）", _num(funds.get("execution_rate")), f"序时进度 {funds.get('time_elapsed', '')}%"]]
    if with_findings:
        for f in summary.get("findings") or []:
            rows.append(["数据不一致", None, f"{f.get('ref', '')}：{f.get('message', '')}"])
    return rows


def ledger_workbook(region, year: int, *, user=None, today=None) -> bytes:
    summary, ledgers = _load(region, year, user=user, today=today)
    wb = Workbook()
    rows = _summary_rows(summary)
    ws, first = write_sheet(wb, "汇总", f"{region.name}{year}年工作台账汇总（含下级区划）", ["项目", "数值", "说明"], rows)
    for i, row in enumerate(rows, start=first):
        if "万元" in row[0]:
            ws.cell(i, 2).number_format = MONEY
    for label, header, data in ledgers:
        formats = {j: MONEY for j, h in enumerate(header, start=1) if "万元" in h}
        write_sheet(wb, label, f"{region.name}{year}年{label}（{len(data)}条）", header, data, formats=formats)
    return to_bytes(wb)


# ---- the same ledgers to read and print (PDF) ------------------------------------------------

MONTH = re.compile(r"^(\d{1,2})月执行\(万元\)$")


def _text(header: str, v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "是" if v else "否"
    if "万元" in header and isinstance(v, (int, float, Decimal)):
        return number(Decimal(str(v)), 2)
    if isinstance(v, (float, Decimal)):
        return plain(Decimal(str(v)))
    return str(v)


def _readable(header: list[str], rows: list[list], names: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """The columns a reader wants on paper: the region by name (the title gives the year), the
    twelve monthly executions of a fund as their total — the .xlsx keeps every column."""
    months = [j for j, h in enumerate(header) if MONTH.match(h)]
    keep = [j for j, h in enumerate(header) if h != "年度" and j not in months]
    out_header = []
    for j in keep:
        out_header.append("区划" if header[j] == "区划代码" else header[j])
        if months and j == months[0] - 1:
            out_header.append("累计执行(万元)")
    out_rows = []
    for r in rows:
        line = []
        for j in keep:
            v = r[j]
            line.append(names.get(str(v), str(v)) if header[j] == "区划代码" else _text(header[j], v))
            if months and j == months[0] - 1:
                total = sum((Decimal(str(r[m])) for m in months if r[m] not in (None, "")), Decimal(0))
                line.append(number(total, 2))
        out_rows.append(line)
    return out_header, out_rows


def ledger_document(region, year: int, *, user=None, today=None) -> Document:
    from ecociv.regions.models import Region

    summary, ledgers = _load(region, year, user=user, today=today)
    codes = {str(r[0]) for _, _, data in ledgers for r in data}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    doc = Document("ledger", f"{region.name}{year}年生态文明建设示范区创建工作台账")
    doc.h1("台账汇总（含下级区划）")
    srows = [[label, "" if v is None else (number(Decimal(str(v)), 2) if "万元" in label else plain(Decimal(str(v)))),
              note] for label, v, note in _summary_rows(summary, with_findings=False)]  # findings: notes below
    doc.table(Table(["项目", "数值", "说明"], srows, widths=[3, 2, 6]))
    for f in summary.get("findings") or []:
        doc.note(f"{f.get('ref', '')}：{f.get('message', '')}")
    for label, header, data in ledgers:
        doc.h1(f"{label}（{len(data)}条）")
        if not data:
            doc.p("本年度没有记录。")
            continue
        h, rows = _readable(header, data, names)
        widths = [3 if ("名称" in c or c in ("任务", "事项")) else
                  1.8 if c in ("备注", "配合单位", "关联项目", "关联指标") else
                  1.5 if c in ("区划", "类别", "牵头单位", "主管单位", "资金来源", "绩效指标") else 1.1 for c in h]
        doc.table(Table(h, rows, widths=widths))
    return doc
