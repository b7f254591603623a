"""One lock rule for indicator values, whatever the path (issue 11, "four lock rules").

A value that is 已提交 (under review) or 已审核 (locked) keeps what it says until a reviewer
returns it or a higher level reopens it. Every path that writes values — the entry page, the
API, the Excel/CLI import, the monitoring feed, accepting a figure from an old summary — is
run here against a submitted and an approved value, from the outside; and the model refuses
the change too, so a path written tomorrow cannot forget the rule.
"""
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.entry.writer import ValueLocked

from .conftest import YEAR, item

pytestmark = pytest.mark.django_db

LOCKED = [ValueStatus.SUBMITTED, ValueStatus.APPROVED]


def _seed(world, code, status, *, year=YEAR, region=None, achieved=None):
    ind = world.standard.indicators.get(code=code)
    return IndicatorValue.objects.create(region=region or world.county, year=year, indicator=ind,
                                         value=Decimal("80.5"), achieved=achieved, note="部门填报",
                                         status=status, source=ValueSource.MANUAL, updated_by=world.filler)


def _unchanged(v):
    fresh = IndicatorValue.objects.get(pk=v.pk)
    assert (fresh.value, fresh.achieved, fresh.note, fresh.status, fresh.source) == (
        v.value, v.achieved, v.note, v.status, v.source)


@pytest.mark.parametrize("status", LOCKED)
def test_the_entry_page_refuses(client, world, env_task, status):
    v = _seed(world, "27", status)
    client.force_login(world.filler)
    it = item(env_task, "27")
    resp = client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "99", "note": "改"})
    assert resp.status_code == 302
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_the_api_refuses(client, world, env_task, status):
    v = _seed(world, "27", status)
    client.force_login(world.filler)
    resp = client.post(f"/api/v1/entry/tasks/{env_task.pk}/values/27", {"value": "99", "version": v.version},
                       content_type="application/json")
    assert resp.status_code in (400, 409), resp.content
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_the_cli_import_refuses(world, tmp_path, status):
    v = _seed(world, "27", status)
    f = tmp_path / "values.csv"
    f.write_text(f"区划代码,年度,指标编码,数值,说明\n870121,{YEAR},27,99,导入\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_values", str(f), stdout=out)
    assert "第 2 行" in out.getvalue() and "“数值”列" in out.getvalue()
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_the_excel_upload_refuses(client, world, env_task, status):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    v = _seed(world, "27", status)
    client.force_login(world.filler)
    wb = load_workbook(io.BytesIO(client.get(f"/entry/tasks/{env_task.pk}/template.xlsx").content))
    ws = wb["填报"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == "27")
    ws.cell(row, [c.value for c in ws[1]].index("数值") + 1).value = 99
    buf = io.BytesIO()
    wb.save(buf)
    up = SimpleUploadedFile("填报.xlsx", buf.getvalue())
    resp = client.post(f"/entry/tasks/{env_task.pk}/upload/", {"file": up})
    body = resp.content.decode()
    assert f"第 {row} 行，“数值”列" in body
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_the_monitoring_feed_refuses(client, world, status):
    from ecociv.monitoring.actions import create_run
    from ecociv.monitoring.models import MonitoringRun, RunState

    v = _seed(world, "7.1", status, year=2026, achieved=True)
    run = create_run(by=world.city_admin, region=world.city, kind="air", files=[], parameters={"level": "region"},
                     state=RunState.DONE)
    MonitoringRun.objects.filter(pk=run.pk).update(results={"rows": [
        {"id": "870121", "year": 2026, "good_rate": 91.2, "valid_days": 365, "good_days": 333, "PM2.5_mean": 30, "days_by_level": {"1": 200, "2": 133},
         "standard": ["HJ 663-2013"]}], "engine": "duckdb", "engine_version": "duckdb test", "rulesets": []})
    client.force_login(world.city_admin)
    resp = client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}, follow=True)
    body = resp.content.decode()
    assert "甲县 2026年 7.1" in body
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_extraction_accept_refuses(client, world, status, settings, tmp_path):
    from ecociv.extraction import actions as x
    from ecociv.extraction.tests.conftest import SUMMARY

    settings.MEDIA_ROOT = tmp_path / "media"
    v = _seed(world, "7.1", status, year=2023)
    doc = x.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode())
    f = doc.facts.get(quote="94.5%")
    client.force_login(world.admin)
    client.post(reverse("extraction:accept", args=[f.pk]), {
        "region": "870121", "year": "2023", "indicator": "7.1", "value": "94.5", "unit": "%"}, HTTP_HX_REQUEST="true")
    _unchanged(v)


@pytest.mark.parametrize("status", LOCKED)
def test_the_model_refuses_a_write_that_skips_the_actions(world, status):
    v = _seed(world, "27", status)
    stored = IndicatorValue.objects.get(pk=v.pk)
    v.value = Decimal(1)
    with pytest.raises(ValueLocked):
        v.save()
    with pytest.raises(ValueLocked):
        IndicatorValue.objects.filter(pk=v.pk).update(note="改")
    v.note = "改"
    with pytest.raises(ValueLocked):
        IndicatorValue.objects.bulk_update([v], ["note"])
    _unchanged(stored)
    # A change of status alone (submit, approve, return, reopen) is what the workflow does.
    IndicatorValue.objects.filter(pk=v.pk).update(status=ValueStatus.RETURNED)
    assert IndicatorValue.objects.get(pk=v.pk).status == ValueStatus.RETURNED
