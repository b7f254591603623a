"""Dashboard pages and exports over the shared world, read as a user would (HTTP)."""
import datetime as dt
import io
import json
import re

import openpyxl
import pytest

from ecociv.assessment.tests.helpers import put
from ecociv.entry.models import Task, TaskItem

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def data(world):
    for y, v in [(2023, 80), (2024, 83), (2025, 86)]:
        put(world, world.county, y, "29", v)
        put(world, world.other_county, y, "29", v - 10)
    put(world, world.county, Y, "30", 79)
    put(world, world.county, Y, "1", achieved=True)
    put(world, world.other_county, Y, "1", achieved=True, status="submitted")
    put(world, world.county, Y, "37", 90, status="draft")
    late = Task.objects.create(region=world.county, year=Y, department=world.housing_dept, title="住建指标填报",
                               deadline=dt.date(2025, 3, 31), status="open")
    TaskItem.objects.create(task=late, indicator=world.standard.indicators.get(code="29"))
    Task.objects.create(region=world.county, year=Y, department=world.env_dept, title="已审核的任务",
                        deadline=dt.date(2025, 3, 31), status="approved")
    return world


def chart(html, id_):
    return json.loads(re.search(rf'<script id="{id_}" type="application/json">(.*?)</script>', html, re.DOTALL).group(1))


def test_matrix_colours_every_region_and_indicator(client, data):
    client.force_login(data.city_admin)
    resp = client.get(f"/dashboard/matrix/870100/{Y}/")
    html = resp.content.decode()
    m = chart(html, "matrix-data")
    assert m["regions"] == ["示例市", "甲县", "乙县"] and len(m["columns"]) == 40
    assert [a["name"] for a in m["areas"]] == ["生态制度", "生态安全", "生态空间", "生态经济", "生态生活", "生态文化"]
    statuses = [s[0] for s in m["statuses"]]
    cell = {(c[0], c[1]): statuses[c[2]] for c in m["cells"]}
    col = {c[0]: i for i, c in enumerate(m["columns"])}
    assert cell[(col["29"], 1)] == "met" and cell[(col["30"], 1)] == "not_met"
    assert cell[(col["1"], 2)] == "pending" and cell[(col["23"], 1)] == "not_applicable"
    tip = next(c for c in m["cells"] if c[:2] == [col["29"], 1])
    assert [tip[3], m["texts"][tip[4]], tip[5]] == ["86%", "≥85", "1"] and m["texts"][tip[6]] == "达到目标"
    assert "vendor/echarts.min.js" in html and "暂不具备申报条件" in html


def test_matrix_export_is_the_same_matrix(client, data):
    client.force_login(data.city_admin)
    resp = client.get(f"/dashboard/matrix/870100/{Y}/export.xlsx")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(resp.content))["达标矩阵"]
    header = [c.value for c in ws[3]]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["甲县"][header.index("29 城镇污水处理率")] == "达标"
    assert rows["甲县"][header.index("30 城镇生活垃圾无害化处理率")] == "未达标"
    assert rows["乙县"][header.index("1 生态文明建设规划")] == "待核实"


def test_county_user_sees_only_their_county_in_the_matrix(client, data):
    client.force_login(data.admin)
    assert client.get(f"/dashboard/matrix/870100/{Y}/").status_code == 404
    m = chart(client.get(f"/dashboard/matrix/870121/{Y}/").content.decode(), "matrix-data")
    assert m["regions"] == ["甲县"]
    assert client.get("/dashboard/").url == f"/dashboard/region/870121/{Y}/"


def test_region_page_lists_failures_with_lead_departments(client, data):
    client.force_login(data.admin)
    html = client.get(f"/dashboard/region/870121/{Y}/").content.decode()
    o = chart(html, "region-data")
    assert o["areas"][0] == "生态制度" and len(o["radar"]) == 6
    assert "城镇生活垃圾无害化处理率" in html and "住房和城乡建设局" in html and "暂不具备申报条件" in html
    ws = openpyxl.load_workbook(io.BytesIO(client.get(f"/dashboard/region/870121/{Y}/export.xlsx").content)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert ("30", "城镇生活垃圾无害化处理率") in {(r[0], r[1]) for r in rows}
    assert next(r for r in rows if r[0] == "30")[9] == "住房和城乡建设局"


def test_indicator_page_has_history_target_and_siblings(client, data):
    client.force_login(data.city_admin)
    html = client.get(f"/dashboard/region/870121/{Y}/indicator/29/").content.decode()
    d = chart(html, "indicator-data")
    assert d["values"][-3:] == [80, 83, 86] and d["targets"][-1] == 85
    assert [p[0] for p in d["peers"]] == ["甲县", "乙县"] and d["peers"][1][1] == 76
    assert d["peers"][0][4] is True


def test_completeness_counts_approved_values_and_late_tasks(client, data):
    client.force_login(data.admin)
    html = client.get(f"/dashboard/completeness/870121/{Y}/").content.decode()
    d = chart(html, "completeness-data")
    name, counts, _share = d["regions"][0]
    assert name == "甲县" and counts[0] == 3 and counts[2] == 1  # approved 29, 30, 1; draft 37
    depts = {row[0]: row for row in d["departments"]}
    assert "住房和城乡建设局" in depts  # from the task
    assert "住建指标填报" in html and "已审核的任务" not in html
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/dashboard/completeness/870121/{Y}/export.xlsx").content))
    late = list(wb["逾期任务"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in late] == ["住建指标填报"] and late[0][3].date() == dt.date(2025, 3, 31)


def test_assessment_index_lists_verdicts_in_scope(client, data):
    client.force_login(data.city_admin)
    html = client.get(f"/assessment/?year={Y}").content.decode()
    assert "甲县" in html and "乙县" in html and "示例市" in html
    client.force_login(data.other_admin)
    html = client.get(f"/assessment/?year={Y}").content.decode()
    assert "乙县" in html and "甲县" not in html
