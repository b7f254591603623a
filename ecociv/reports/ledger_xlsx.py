"""The `ledger` kind: every ledger of a region-year (and its subtree) in one .xlsx — a 汇总 sheet
with the figures `ledger_summary` gives (the ones the 工作总结 quotes), then one sheet per ledger
with the columns its import reads, so a sheet saved on its own imports back unchanged."""
from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from openpyxl import Workbook

from ecociv.reports.generate import ReportError
from ecociv.reports.xlsx import to_bytes, write_sheet

MONEY = "#,##0.00"  # the headers say (万元)
LEDGERS = [("projects", "Project"), ("funds", "Fund"), ("activities", "Activity"),
           ("responsibilities", "Responsibility")]


def _num(x):
    return float(Decimal(str(x))) if x not in (None, "") else None


def ledger_workbook(region, year: int, *, user=None, today=None) -> bytes:
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
    wb = Workbook()
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
    for f in summary.get("findings") or []:
        rows.append(["数据不一致", None, f"{f.get('ref', '')}：{f.get('message', '')}"])
    ws, first = write_sheet(wb, "汇总", f"{region.name}{year}年工作台账汇总（含下级区划）", ["项目", "数值", "说明"], rows)
    for i, row in enumerate(rows, start=first):
        if "万元" in row[0]:
            ws.cell(i, 2).number_format = MONEY
    for kind, model_name in LEDGERS:
        model = getattr(lm, model_name)
        qs = (lscope.visible(user, model) if user is not None else model.objects.all()).filter(
            year=year, region__path__startswith=region.path)
        spec = SPECS[kind]
        header = [c.header for c in spec.columns]
        data = excel.export_rows(kind, qs)
        formats = {j: MONEY for j, h in enumerate(header, start=1) if "万元" in h}
        write_sheet(wb, spec.label, f"{region.name}{year}年{spec.label}（{len(data)}条）", header, data, formats=formats)
    return to_bytes(wb)
