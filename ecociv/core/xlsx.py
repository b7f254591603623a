"""The one way every .xlsx export is written (issue 12, must-hold 7): numbers stored as numbers
with a number format (so a user can sum them), 是/否 for booleans, dates as dates, a frozen
bold header row with a filter, and column widths that fit their contents (CJK counted double).

`add_sheet` writes a sheet; `put` writes one cell the same way for code that fills its own."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecociv.core.targets import Status

FILLS = {Status.MET: "C8E6C9", Status.NOT_MET: "FFCDD2", Status.PENDING: "FFE0B2", Status.MISSING: "CFD8DC",
         Status.NOT_APPLICABLE: "F5F5F5"}
HEAD = PatternFill("solid", fgColor="E8F5E9")
MAX_WIDTH = 60
PERCENT_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")
NUMBER_TEXT_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234.5 — a formatted number, never a code


def status_fill(status) -> PatternFill | None:
    color = FILLS.get(Status(status)) if status else None
    return PatternFill("solid", fgColor=color) if color else None


def _decimal_format(d: Decimal) -> str:
    exp = d.normalize().as_tuple().exponent
    places = min(6, max(0, -exp)) if isinstance(exp, int) else 0
    return "#,##0" + ("." + "0" * places if places else "")


def cell_value(v):
    """(value, number_format) as stored: the conversion every export shares."""
    if v is None:
        return None, None
    if isinstance(v, bool):
        return ("是" if v else "否"), None
    if isinstance(v, Decimal):
        if not v.is_finite():
            return None, None
        return v, _decimal_format(v)
    if isinstance(v, int):
        return v, "0"
    if isinstance(v, float):
        return v, "#,##0.######" if v != int(v) else "#,##0"
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            from django.utils import timezone

            v = timezone.localtime(v).replace(tzinfo=None)
        return v, "yyyy-mm-dd hh:mm"
    if isinstance(v, dt.date):
        return v, "yyyy-mm-dd"
    if isinstance(v, str):
        m = PERCENT_RE.match(v)
        if m:
            d = Decimal(m.group(1))
            places = max(0, -d.as_tuple().exponent)
            return d / 100, "0" + ("." + "0" * places if places else "") + "%"
        if NUMBER_TEXT_RE.match(v.strip()):
            d = Decimal(v.strip().replace(",", ""))
            return d, _decimal_format(d)
        if v in ("True", "False"):
            return ("是" if v == "True" else "否"), None
        return v, None
    if isinstance(v, list | tuple | set):
        return "、".join(str(cell_value(x)[0]) for x in v), None
    return str(v), None


def put(ws, row: int, col: int, v):
    value, fmt = cell_value(v)
    c = ws.cell(row, col, value)
    if fmt:
        c.number_format = fmt
    return c


def display_width(v) -> int:
    if v is None:
        return 0
    if isinstance(v, Decimal | int | float):
        text = f"{v:,}"
    elif isinstance(v, dt.datetime):
        text = "2026-01-01 00:00"
    elif isinstance(v, dt.date):
        text = "2026-01-01"
    else:
        text = max(str(v).split("\n"), key=len) if v != "" else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def add_sheet(wb: Workbook, title: str, header: list[str], rows: list[list], *, caption: str = "",
              status_col: int | None = None, widths: dict[int, int] | None = None):
    """A sheet with `header` and `rows`. `widths` caps a column's width (long text wraps);
    every other column is as wide as its longest cell, up to MAX_WIDTH."""
    ws = wb.create_sheet(title[:31])
    r0 = 1
    if caption:
        ws.cell(1, 1, caption).font = Font(bold=True, size=13)
        r0 = 3
    for j, h in enumerate(header, start=1):
        c = ws.cell(r0, j, h)
        c.font, c.fill, c.alignment = Font(bold=True), HEAD, Alignment(wrap_text=True, vertical="center")
    fit = {j: display_width(h) for j, h in enumerate(header, start=1)}
    for i, row in enumerate(rows, start=r0 + 1):
        for j, v in enumerate(row, start=1):
            c = put(ws, i, j, v)
            fit[j] = max(fit.get(j, 0), display_width(c.value if not isinstance(v, str) else v))
    ws.freeze_panes = ws.cell(r0 + 1, 1)
    if rows and header:
        ws.auto_filter.ref = f"A{r0}:{get_column_letter(len(header))}{r0 + len(rows)}"
    for j, need in fit.items():
        cap = (widths or {}).get(j, MAX_WIDTH)
        width = max(6, min(cap, need + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
        if need + 2 > width:
            for i in range(r0 + 1, r0 + 1 + len(rows)):
                ws.cell(i, j).alignment = Alignment(wrap_text=True, vertical="top")
    return ws, r0


def response(wb: Workbook, filename: str) -> HttpResponse:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
