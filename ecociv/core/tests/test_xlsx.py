"""Every export is written by core.xlsx (issue 12, must-hold 7): numbers as numbers with a
number format, 是/否 for booleans, dates as dates, a frozen header, widths that fit."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
from openpyxl import Workbook

from ecociv.core.xlsx import add_sheet, display_width


def _roundtrip(header, rows, **kw):
    wb = Workbook()
    add_sheet(wb, "表", header, rows, **kw)
    del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["表"]


def test_numbers_booleans_dates_are_typed_and_formatted():
    ws = _roundtrip(["区划代码", "指标", "数值", "比例", "是否完成", "截止日期", "条数", "金额"],
                    [["880102", "7.1", Decimal("24.04"), "24.04%", True, dt.date(2026, 3, 31), 12, "1,234.5"],
                     ["880121", "8.2", Decimal("3"), "5%", False, None, 0, None]])
    r2 = list(ws[2])
    assert r2[0].value == "880102" and r2[1].value == "7.1"  # codes stay text
    assert isinstance(r2[2].value, (int, float)) and r2[2].value == 24.04 and r2[2].number_format == "#,##0.00"
    assert abs(r2[3].value - 0.2404) < 1e-12 and r2[3].number_format == "0.00%"
    assert r2[4].value == "是" and ws.cell(3, 5).value == "否"
    assert isinstance(r2[5].value, dt.datetime) and r2[5].number_format == "yyyy-mm-dd"
    assert r2[6].value == 12 and r2[7].value == 1234.5
    assert ws.cell(3, 3).number_format == "#,##0"


def test_header_frozen_with_filter_and_widths_fit_the_content():
    long = "对重、特大突发环境事件或生态破坏事件负有责任" * 4
    ws = _roundtrip(["序号", "原因"], [["1", long], ["2", "短"]], caption="标题")
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:B5"
    assert ws.column_dimensions["A"].width < 10  # a short column stays narrow
    assert ws.column_dimensions["B"].width == 60 and ws.cell(4, 2).alignment.wrap_text  # capped, wraps
    assert display_width("生态") == 4 and display_width("ab") == 2


def test_every_export_stores_values_as_numbers(client, world):
    """From outside: the assessment export of a region-year holds its values as numbers."""
    from ecociv.assessment.tests.helpers import fill_passing, satisfy_preconditions

    fill_passing(world, world.county, 2025)
    satisfy_preconditions(world, world.county, 2025)
    client.force_login(world.admin)
    resp = client.get("/assessment/870121/2025/export.xlsx")
    assert resp.status_code == 200, resp.status_code
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).worksheets[0]
    header = [c.value for c in ws[3]]
    col = header.index("数值") + 1
    values = [ws.cell(r, col).value for r in range(4, ws.max_row + 1)]
    numbers = [v for v in values if isinstance(v, (int, float))]
    assert numbers, values
    assert not [v for v in values if isinstance(v, str) and v.rstrip("%").replace(".", "", 1).isdigit()]
    assert ws.freeze_panes == "A4"
