"""The indicator achievement table and the ledgers as .xlsx: frozen header, number formats
(万元 with 2 decimals, percentages), widths that fit the content, A4 landscape print setup."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ecociv.assessment.engine import Assessment
from ecociv.core.targets import Status
from ecociv.core.xlsx import cell_value
from ecociv.reports.prose import TYPE_LABELS, unit_of, value_text

WAN = '#,##0.00"万元"'
PCT = "0.0%"
HEAD_FILL = PatternFill("solid", fgColor="E8F5E9")
FILLS = {Status.MET: "C8E6C9", Status.NOT_MET: "FFCDD2", Status.PENDING: "FFE0B2", Status.MISSING: "CFD8DC",
         Status.NOT_APPLICABLE: "F5F5F5"}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _width(value) -> float:
    text = str(value if value is not None else "")
    # A CJK character is about two Latin ones wide in Excel's unit.
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def write_sheet(wb: Workbook, title: str, caption: str, header: list[str], rows: list[list],
                formats: dict[int, str] | None = None, max_width: int = 46):
    """One table: caption on row 1, header on row 3 (frozen), rows below; column j gets
    `formats[j]` (1-based). Returns the sheet and the first data row."""
    ws = wb.create_sheet(title[:31])
    ws.cell(1, 1, caption).font = Font(bold=True, size=14)
    r0 = 3
    for j, h in enumerate(header, start=1):
        c = ws.cell(r0, j, h)
        c.font, c.fill, c.border = Font(bold=True), HEAD_FILL, BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [_width(h) for h in header]
    for i, row in enumerate(rows, start=r0 + 1):
        for j, v in enumerate(row, start=1):
            value, fmt = cell_value(v)  # the conversion every export shares (numbers, 是/否, dates)
            c = ws.cell(i, j, value)
            c.border = BORDER
            if formats and j in formats and isinstance(v, (int, float, Decimal)):
                c.number_format = formats[j]
                shown = f"{v:,.2f}万元" if formats[j] == WAN else f"{float(v) * 100:.1f}%" if formats[j] == PCT else v
            else:
                shown = value
                if fmt:
                    c.number_format = fmt
                else:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j - 1] = max(widths[j - 1], _width(shown))
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max_width, max(6, w + 2))
    ws.freeze_panes = ws.cell(r0 + 1, 1)
    ws.print_title_rows = f"{r0}:{r0}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws, r0 + 1


def to_bytes(wb: Workbook) -> bytes:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


INDICATOR_HEADER = ["序号", "指标名称", "领域", "属性", "单位", "目标值", "目标来源", "现状值", "数值", "差距", "达标情况",
                    "趋势", "牵头部门", "判定依据"]


def indicator_workbook(a: Assessment) -> bytes:
    """One row per indicator of the assessment (sub-items included, as `ecociv assess --json`
    lists them). 数值 is the number itself (a real number cell), 现状值 its written form."""
    wb = Workbook()
    s = a.summary
    caption = (f"{a.region.name}{a.year}年生态文明建设示范区建设指标达标情况表（{a.verdict_label}；约束性达标"
               f"{s['binding_met']}/{s['binding_total']}，参考性达标{s['reference_met']}/{s['reference_total']}）")
    rows, statuses = [], []
    for r in a.rows():
        number = float(r.value) if r.value is not None and not r.sub_items else None
        gap = float(r.gap) if r.gap is not None else None
        rows.append([r.code, r.name, r.area, TYPE_LABELS.get(r.type, "") if not r.indicator.parent_id else "分项",
                     unit_of(r), r.target_display, r.target_label, value_text(r), number, gap, r.status.label,
                     r.trend.label if r.trend else "", r.lead_department, r.reason])
        statuses.append(r.status)
    ws, first = write_sheet(wb, "指标达标情况", caption, INDICATOR_HEADER, rows,
                            formats={9: "0.00##", 10: "0.00##"}, max_width=40)
    for i, st in enumerate(statuses, start=first):
        color = FILLS.get(st)
        if color:
            ws.cell(i, 11).fill = PatternFill("solid", fgColor=color)
    return to_bytes(wb)
