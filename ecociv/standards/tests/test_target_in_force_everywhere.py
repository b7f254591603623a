"""A local override (≥99 where the catalogue says ≥85 for a county) is the target every path
shows and uses: the entry page, the checks run on save, the Excel template, the API, the
assessment and the dashboard — each naming where the target came from."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from ecociv.assessment.engine import assess
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.actions.values import save_value
from ecociv.entry.checks import findings_for
from ecociv.entry.models import Task
from ecociv.standards.actions import set_region_target

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def overridden(world):
    assign_by_lead_department(world.county, YEAR, by=world.admin, deadline=dt.date(2026, 3, 31))
    ind = world.standard.indicators.get(code="29")  # 城镇污水处理率: county ≥85
    set_region_target(world.county, YEAR, ind, kind="override", op=">=", value="99", text="",
                      source_document="省生态环境厅〔2025〕12号", by=world.admin)
    task = Task.objects.get(region=world.county, year=YEAR, items__indicator=ind)
    item = task.items.get(indicator=ind)
    filler = world.filler
    if task.department_id != world.env_dept.pk:
        from ecociv.conftest import make_user
        from ecociv.core.roles import Role

        filler = make_user("jia_filler_29", Role.FILLER, world.county, task.department)
    return task, item, ind, filler


def _row(html: str, code: str) -> str:
    row = html[html.index(f'data-code="{code}"'):]
    return row[:row.index("</tr>")]


def test_the_entry_page_shows_the_override_and_where_it_came_from(client, world, overridden):
    task, _item, _ind, filler = overridden
    client.force_login(filler)
    row = _row(client.get(f"/entry/tasks/{task.pk}/").content.decode(), "29")
    assert "≥99" in row and "本地从严" in row and "省生态环境厅〔2025〕12号" in row
    assert "≥85" in row  # the catalogue's own figure is still named beside it, as the standard value


def test_saving_90_warns_that_the_target_in_force_is_not_met(client, world, overridden):
    task, item, ind, filler = overridden
    client.force_login(filler)
    html = client.post(f"/entry/tasks/{task.pk}/items/{item.pk}/", {"value": "90", "note": "年报"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "未达到目标" in html and "≥99" in html
    findings = findings_for(None, indicator=ind, region=world.county, year=YEAR)
    assert findings == [] or all(f.code != "target" for f in findings)  # nothing entered: nothing to judge
    # The same figure against the catalogue target alone (another county, no override) raises nothing.
    plain = findings_for(None, indicator=ind, region=world.other_county, year=YEAR)
    assert all(f.code != "target" for f in plain)


def test_the_excel_template_carries_the_override(client, world, overridden):
    task, _item, _ind, filler = overridden
    client.force_login(filler)
    resp = client.get(f"/entry/tasks/{task.pk}/template.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(resp.content))["填报"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[headers.index("指标编码")] == "29")
    assert row[headers.index("目标值")] == "≥99"
    assert "本地从严" in row[headers.index("目标来源")]


def test_the_api_gives_the_override_and_its_source(client, world, overridden):
    task, _item, _ind, filler = overridden
    client.force_login(filler)
    doc = client.get(f"/api/v1/entry/tasks/{task.pk}").json()
    it = next(i for i in doc["items"] if i.get("indicator") == "29")
    assert it["target"] == "≥99" and it["target_source"].startswith("本地从严")


def test_the_assessment_and_the_dashboard_agree_with_the_page(client, world, overridden):
    task, _item, ind, filler = overridden
    save_value(task, ind, by=filler, raw="90")
    from ecociv.entry.models import IndicatorValue, ValueStatus

    IndicatorValue.objects.filter(indicator=ind, region=world.county).update(status=ValueStatus.APPROVED,
                                                                              value=Decimal("90"))
    r = next(x for x in assess(world.county, YEAR).rows() if x.code == "29")
    assert r.status == "not_met" and r.target_display == "≥99" and r.target_label.startswith("本地从严")
    client.force_login(world.admin)
    page = client.get(f"/assessment/{world.county.code}/{YEAR}/").content.decode()
    assert "本地从严" in page
    other = next(x for x in assess(world.other_county, YEAR).rows() if x.code == "29")
    assert other.target_display == "≥85" and other.target_label == "国家标准（2019年版·县）"
