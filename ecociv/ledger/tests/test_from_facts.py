"""Item 9: a figure of an old summary accepted into the ledger by a person, from the
extraction review page's "记入台账" link."""
import pytest
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.extraction import actions as extraction
from ecociv.extraction.models import FactStatus
from ecociv.ledger.models import Activity, Fund

SUMMARY = ("甲县2025年生态文明建设工作总结\n\n"
           "全年争取生态环保专项资金1.35亿元，县财政安排创建经费206万元。\n"
           "全年累计在县电视台播放生态创建新闻85条，编印简报9期。\n")


@pytest.fixture
def doc(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return extraction.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode())


def test_money_becomes_a_fund_budget_in_wanyuan_with_its_sentence(world, client, doc):
    f = doc.facts.get(quote="1.35亿元")
    world.login(client, world.admin)
    page = client.get(reverse("ledger:from_fact", args=[f.pk]))
    assert page.status_code == 200 and "全年争取生态环保专项资金1.35亿元" in page.content.decode()
    r = client.post(reverse("ledger:from_fact", args=[f.pk]), {
        "target": "fund", "region": "870121", "year": "2025", "name": "生态环保专项资金", "value": "1.35",
        "unit": "亿元", "source": "中央"})
    assert r.status_code == 302
    fund = Fund.objects.get(name="生态环保专项资金")
    assert str(fund.budget) == "13500.0000" and "1.35亿元" in fund.note
    f.refresh_from_db()
    assert f.status == FactStatus.ACCEPTED and f.accepted["ledger"] == "资金（预算）"
    assert AuditLog.objects.filter(action="ledger.from_fact", object_id=str(fund.pk)).exists()
    doc_page = client.get(reverse("extraction:document", args=[doc.pk])).content.decode()
    assert "记入台账：甲县 2025年 资金（预算）“生态环保专项资金”" in doc_page


def test_a_count_becomes_an_activity_and_nothing_enters_twice(world, client, doc):
    f = doc.facts.get(quote="85条")
    world.login(client, world.admin)
    data = {"target": "activity", "region": "870121", "year": "2025", "name": "县电视台生态创建新闻", "value": "85",
            "unit": "条", "activity_kind": "新闻报道"}
    client.post(reverse("ledger:from_fact", args=[f.pk]), data)
    assert Activity.objects.get().count == 85
    r = client.post(reverse("ledger:from_fact", args=[f.pk]), data)
    assert "已采纳" in r.content.decode() and Activity.objects.count() == 1


def test_scope_and_read_only(world, client, doc):
    f = doc.facts.get(quote="85条")
    world.login(client, world.other_admin)
    assert client.get(reverse("ledger:from_fact", args=[f.pk])).status_code == 404
    world.login(client, world.viewer)
    assert client.get(reverse("ledger:from_fact", args=[f.pk])).status_code == 403
