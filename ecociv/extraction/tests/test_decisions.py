from decimal import Decimal

import pytest
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.entry.models import Evidence, IndicatorValue, Task, TaskItem
from ecociv.extraction import actions
from ecociv.extraction.models import FactStatus
from ecociv.extraction.tests.conftest import SUMMARY


@pytest.fixture
def doc(world):
    return actions.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode())


def fact(doc, quote):
    return doc.facts.get(quote=quote)


def accept(client, f, **over):
    data = {"region": f.document.region.code, "year": "2023", "indicator": "7.1 空气质量优良天数比例",
            "value": "94.5", "unit": "%"} | over
    return client.post(reverse("extraction:accept", args=[f.pk]), data, HTTP_HX_REQUEST="true")


def test_accept_creates_a_draft_with_lineage_and_audit(world, client, doc):
    f = fact(doc, "94.5%")
    world.login(client, world.admin)
    resp = accept(client, f)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "已采纳为草稿" in body and f'id="hl-{f.pk}" class="hl accepted' in body
    v = IndicatorValue.objects.get(region=world.county, year=2023, indicator__code="7.1")
    assert v.value == Decimal("94.5") and v.status == "draft" and v.source == "extracted"
    assert v.lineage["document"] == {"id": doc.pk, "name": "甲县总结.txt", "sha256": doc.sha256}
    assert (v.lineage["quote"], v.lineage["start"], v.lineage["end"]) == ("94.5%", f.start, f.end)
    assert SUMMARY[f.start:f.end] == "94.5%"
    assert v.updated_by == world.admin and "edited" not in v.lineage
    f.refresh_from_db()
    assert f.status == FactStatus.ACCEPTED and f.accepted_value == v
    row = AuditLog.objects.get(action="value.extract")
    assert row.object_type == "entry.indicatorvalue" and row.object_id == str(v.pk) and row.before is None
    assert row.after["status"] == "draft" and row.after["lineage"]["quote"] == "94.5%"
    assert AuditLog.objects.filter(action="extraction.accept", object_id=str(f.pk)).exists()


def test_the_quote_is_attached_as_evidence(world, client, doc):
    world.login(client, world.admin)
    accept(client, fact(doc, "94.5%"))
    ev = Evidence.objects.get(value__indicator__code="7.1")
    from docx import Document

    text = "\n".join(p.text for p in Document(ev.file.open("rb")).paragraphs)
    assert "94.5%" in text and doc.sha256 in text and "全县空气质量优良天数比例达到94.5%" in text
    assert AuditLog.objects.filter(action="evidence.add", object_id=str(ev.value_id)).exists()


def test_edit_before_accepting(world, client, doc):
    world.login(client, world.admin)
    accept(client, fact(doc, "63.2%"), indicator="11", value="63.5")
    v = IndicatorValue.objects.get(indicator__code="11")
    assert v.value == Decimal("63.5")
    assert v.lineage["edited"]["from"] == {"value": "63.2", "unit": "%", "indicator": "11"}


def test_masked_figure_needs_a_value(world, client, doc):
    masked = doc.facts.filter(masked=True).first()
    world.login(client, world.admin)
    resp = accept(client, masked, value="", indicator="7.1")
    assert "被遮盖" in resp.content.decode() and not IndicatorValue.objects.exists()
    assert accept(client, masked, value="120", unit="万元", indicator="7.1").status_code == 200
    assert IndicatorValue.objects.get().value == 120


def test_reject_writes_no_value(world, client, doc):
    f = fact(doc, "94.5%")
    world.login(client, world.admin)
    resp = client.post(reverse("extraction:reject", args=[f.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "已驳回" in resp.content.decode()
    f.refresh_from_db()
    assert f.status == FactStatus.REJECTED and not IndicatorValue.objects.exists()
    assert AuditLog.objects.filter(action="extraction.reject", object_id=str(f.pk)).exists()
    # A rejected fact cannot be accepted by a stale page…
    assert "已驳回" in accept(client, f).content.decode() and not IndicatorValue.objects.exists()
    # …until the rejection is undone.
    client.post(reverse("extraction:reopen", args=[f.pk]), HTTP_HX_REQUEST="true")
    accept(client, f)
    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize("status", ["approved", "submitted"])
def test_reviewed_values_are_not_overwritten(world, client, doc, status):
    ind = world.standard.indicators.get(code="7.1")
    v = IndicatorValue.objects.create(region=world.county, year=2023, indicator=ind, value=Decimal(90),
                                      status=status, source="manual")
    f = fact(doc, "94.5%")
    world.login(client, world.admin)
    body = accept(client, f).content.decode()
    assert "不能覆盖" in body or "不能用文档中的数字覆盖" in body
    v.refresh_from_db()
    assert v.value == 90 and v.status == status and v.source == "manual"
    f.refresh_from_db()
    assert f.status == FactStatus.PENDING
    assert not AuditLog.objects.filter(action__in=["value.extract", "extraction.accept"]).exists()


def test_a_draft_is_updated(world, client, doc):
    ind = world.standard.indicators.get(code="7.1")
    IndicatorValue.objects.create(region=world.county, year=2023, indicator=ind, value=Decimal(90),
                                  status="draft", note="手工填写的说明")
    world.login(client, world.admin)
    accept(client, fact(doc, "94.5%"))
    v = IndicatorValue.objects.get()
    assert v.value == Decimal("94.5") and v.note == "手工填写的说明"  # the filler's note is kept
    assert AuditLog.objects.get(action="value.extract").before["value"] == "90"


@pytest.mark.parametrize("year,indicator,message", [
    ("23", "7.1", "年度"), ("2023", "", "请选择指标"), ("2023", "99", "没有序号为 99"), ("2023", "7", "分项"),
])
def test_bad_choices_are_refused(world, client, doc, year, indicator, message):
    world.login(client, world.admin)
    body = accept(client, fact(doc, "94.5%"), year=year, indicator=indicator).content.decode()
    assert message in body and not IndicatorValue.objects.exists()
    assert f'value="{year}"' in body  # what the user typed stays in the form


def test_without_htmx_the_form_posts_and_returns(world, client, doc):
    f = fact(doc, "94.5%")
    world.login(client, world.admin)
    resp = client.post(reverse("extraction:accept", args=[f.pk]), {
        "region": world.county.code, "year": "2023", "indicator": "7.1", "value": "94.5", "unit": "%"})
    assert resp.status_code == 302 and resp.url.endswith(f"#fact-{f.pk}")
    assert IndicatorValue.objects.count() == 1


def test_a_task_value_is_written_through_the_entry_workflow(world, client, doc):
    task = Task.objects.create(region=world.county, year=2023, department=world.env_dept, title="2023年度填报")
    TaskItem.objects.create(task=task, indicator=world.standard.indicators.get(code="7.1"))
    world.login(client, world.admin)
    accept(client, fact(doc, "94.5%"))
    v = IndicatorValue.objects.get()
    assert v.status == "draft" and v.source == "extracted" and v.lineage["document"]["id"] == doc.pk
    # entry's one writer wrote it (one audit row, with the lineage), the quote added as its evidence
    assert AuditLog.objects.get(action="value.extract", object_id=str(v.pk)).after["lineage"]["fact"]
    assert AuditLog.objects.filter(action="evidence.add", object_id=str(v.pk)).exists()
    assert v.evidence.count() == 1
    task.refresh_from_db()
    assert task.status == "open"  # the task's status followed the value (a draft keeps it 填报中)
