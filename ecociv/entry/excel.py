"""The per-task .xlsx template: the long import format (区划代码, 年度, 指标编码, 数值, 说明)
plus read-only columns that help the filler (name, unit, target, last year). Only 数值,
是否完成 and 说明 are unlocked; the sheet is protected so the keys cannot be edited by
mistake, and data validation refuses text in 数值 and anything but 是/否 in 是否完成."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ecociv.core.targets import format_decimal
from ecociv.entry.models import IndicatorValue
from ecociv.standards import resolve

COLUMNS = [  # (header, width, input?)
    ("区划代码", 12, False), ("年度", 8, False), ("指标编码", 9, False), ("标准", 14, False),
    ("指标名称", 36, False), ("单位", 12, False), ("目标值", 22, False), ("目标来源", 24, False),
    ("上年数值", 12, False), ("数值", 14, True), ("是否完成", 10, True), ("说明", 48, True),
]
SHEET = "填报"


def _col(header: str) -> int:
    return next(i for i, (h, _w, _in) in enumerate(COLUMNS, start=1) if h == header)


WRAPPED = {_col(h) for h in ("指标名称", "目标值", "目标来源", "说明")}


def task_template(task) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    head_fill = PatternFill("solid", fgColor="E8F5E9")
    input_fill = PatternFill("solid", fgColor="FFFDE7")
    for col, (header, width, _) in enumerate(COLUMNS, start=1):
        c = ws.cell(row=1, column=col, value=header)
        c.font = Font(bold=True)
        c.fill = head_fill
        ws.column_dimensions[c.column_letter].width = width
    ws.freeze_panes = "A2"
    items = list(task.items.select_related("indicator", "indicator__standard").prefetch_related(
        "indicator__targets").filter(indicator__isnull=False))
    ind_ids = [it.indicator_id for it in items]
    current = {v.indicator_id: v for v in IndicatorValue.objects.filter(region=task.region, year=task.year,
                                                                         indicator_id__in=ind_ids)}
    last = dict(IndicatorValue.objects.filter(region=task.region, year=task.year - 1, indicator_id__in=ind_ids)
                .values_list("indicator_id", "value"))
    applied = resolve.applied_many(task.region, task.year, [it.indicator for it in items])
    for n, it in enumerate(items, start=2):
        ind = it.indicator
        a = applied[ind.pk]
        v = current.get(ind.pk)
        row = [task.region.code, task.year, ind.code, ind.standard.code, ind.full_name, ind.unit,
               a.display, a.source_text, format_decimal(last.get(ind.pk)) if last.get(ind.pk) is not None else "",
               v.value if v and v.value is not None else None,
               ("是" if v.achieved else "否") if v and v.achieved is not None else None, v.note if v else None]
        for col, val in enumerate(row, start=1):
            c = ws.cell(row=n, column=col, value=val)
            if col in (1, 3, 4):
                c.number_format = "@"  # codes are text: 7.1 must not become a number
            if COLUMNS[col - 1][2]:
                c.protection = Protection(locked=False)
                c.fill = input_fill
            if col in WRAPPED:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=n, column=_col("数值")).number_format = "0.######"
    last_row = max(2, len(items) + 1)
    number = DataValidation(type="decimal", operator="between", formula1="-1E+17", formula2="1E+17",
                            allow_blank=True, showErrorMessage=True, errorTitle="数值格式",
                            error="请只填写数字，不带单位或文字")
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                            errorTitle="是否完成", error="请选择“是”或“否”")
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000", allow_blank=True,
                          showErrorMessage=True, error="说明不超过 2000 字")
    for dv, header in ((number, "数值"), (yes_no, "是否完成"), (note, "说明")):
        col = get_column_letter(_col(header))
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last_row}")
    # Without a password the protection is a guard against slips, not a secret: the upload
    # re-checks every key anyway.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    info = wb.create_sheet("说明")
    for line in [
        f"任务：{task}", f"部门：{task.department.name}",
        f"截止日期：{task.deadline:%Y年%m月%d日}" if task.deadline else "截止日期：未设定",
        "只需填写黄色单元格：数值（只填数字，单位见“单位”列）、是否完成（定性指标选“是/否”）、说明（情况说明）。",
        "填好后在任务页面“上传 Excel”，先预检，确认无误后再导入；导入的数值为草稿，仍需在页面提交。",
    ]:
        info.append([line])
    info.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
