"""Excel exports of the matrix and the lists: the same rows the pages show, coloured like them."""
from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecociv.core.targets import Status

FILLS = {Status.MET: "C8E6C9", Status.NOT_MET: "FFCDD2", Status.PENDING: "FFE0B2", Status.MISSING: "CFD8DC",
         Status.NOT_APPLICABLE: "F5F5F5"}
HEAD = PatternFill("solid", fgColor="E8F5E9")


def status_fill(status) -> PatternFill | None:
    color = FILLS.get(Status(status)) if status else None
    return PatternFill("solid", fgColor=color) if color else None


def add_sheet(wb: Workbook, title: str, header: list[str], rows: list[list], *, caption: str = "",
              status_col: int | None = None, widths: dict[int, int] | None = None):
    ws = wb.create_sheet(title[:31])
    r0 = 1
    if caption:
        ws.cell(1, 1, caption).font = Font(bold=True, size=13)
        r0 = 3
    for j, h in enumerate(header, start=1):
        c = ws.cell(r0, j, h)
        c.font, c.fill, c.alignment = Font(bold=True), HEAD, Alignment(wrap_text=True, vertical="center")
    for i, row in enumerate(rows, start=r0 + 1):
        for j, v in enumerate(row, start=1):
            ws.cell(i, j, v)
    ws.freeze_panes = ws.cell(r0 + 1, 1)
    for j, h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, max(8, min(40, len(str(h)) * 2 + 2)))
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
