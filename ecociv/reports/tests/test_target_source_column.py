"""The reports' indicator table says where each target came from (目标来源), like the entry page,
the template, the assessment and the dashboard: the catalogue for most rows, the local override
with its document where the region-year has one. Checked in the opened .docx and .xlsx."""
import io

import docx
import openpyxl
import pytest

from ecociv.reports.generate import generate
from ecociv.reports.tests.helpers import TODAY, fill_values
from ecociv.standards.actions import set_region_target

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def overridden(world):
    fill_values(world.county, [2024, YEAR], by=world.admin)
    ind = world.standard.indicators.get(code="29")  # 城镇污水处理率: county ≥85
    set_region_target(world.county, YEAR, ind, kind="override", op=">=", value="99", text="",
                      source_document="省生态环境厅〔2025〕12号", by=world.admin)
    return world


def _by_code(rows, header):
    code, source, target = header.index("序号"), header.index("目标来源"), header.index("目标值")
    return {r[code]: (r[target], r[source]) for r in rows if r[code]}


def test_the_docx_indicator_table_names_the_target_source(overridden):
    w = overridden
    out = generate(w.county, YEAR, "indicator-table", "docx", user=w.admin, today=TODAY)
    table = docx.Document(io.BytesIO(out.data)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    got = _by_code(rows[1:], rows[0])
    target, source = got["29"]
    assert target.startswith("≥99") and "本地从严" in source and "省生态环境厅〔2025〕12号" in source
    assert "标准值≥85" in source
    target, source = got["1"]
    assert source.startswith("国家标准（2019年版")


def test_the_xlsx_indicator_table_names_the_target_source(overridden):
    w = overridden
    out = generate(w.county, YEAR, "indicator-table", "xlsx", user=w.admin, today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(out.data))["指标达标情况"]
    rows = [[("" if c is None else str(c)) for c in r] for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if "目标来源" in r)
    got = _by_code(rows[head + 1:], rows[head])
    assert got["29"][0] == "≥99" and "本地从严" in got["29"][1] and "省生态环境厅〔2025〕12号" in got["29"][1]
    assert got["1"][1].startswith("国家标准（2019年版")
    # 数值 and 差距 keep their number format after the new column
    col = rows[head].index("数值") + 1
    numbers = [c for c in ws.iter_cols(min_col=col, max_col=col, min_row=head + 2).__next__()
               if isinstance(c.value, float | int)]
    assert numbers and all(c.number_format == "0.00##" for c in numbers)
