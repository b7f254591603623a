"""A document with a very large number of proposed figures (read before DOCUMENT_MAX_FACTS, or
any other way) renders one page of cards and the stretch of text around them, not all of them;
the counts come from the database; the documents list is paginated too."""
import re

import pytest
from django.urls import reverse

from ecociv.extraction import actions
from ecociv.extraction.models import DocumentStatus, Fact, FactStatus, SourceDocument
from ecociv.extraction.tests.conftest import SUMMARY
from ecociv.extraction.views import DOCS_PER_PAGE, FACTS_PER_PAGE

N = 30_000


@pytest.fixture
def big(world, settings):
    settings.DOCUMENT_MAX_CHARS = 1_000_000  # a document stored before today's limits
    text = "".join(f"第{i}项指标达到{i % 97}.5%。" for i in range(N))
    doc = actions.upload_document(by=world.admin, name="大文档.txt", data=text.encode(), run="none")
    facts, pos = [], 0
    for i in range(N):
        quote = f"{i % 97}.5%"
        start = text.index(quote, text.index(f"第{i}项", pos))
        pos = start + len(quote)
        facts.append(Fact(document=doc, start=start, end=pos, quote=quote, value=i % 97 + 0.5, unit="%",
                          indicator_code="7.1" if i % 3 == 0 else "",
                          status=FactStatus.REJECTED if i % 10 == 0 else FactStatus.PENDING))
    Fact.objects.bulk_create(facts, batch_size=2000)
    SourceDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.DONE)
    return doc


def test_a_document_with_many_figures_renders_one_page_of_them(client, world, big):
    world.login(client, world.admin)
    resp = client.get(reverse("extraction:document", args=[big.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert len(re.findall(r'id="fact-\d+"', html)) == FACTS_PER_PAGE
    assert len(re.findall(r'id="hl-\d+"', html)) == FACTS_PER_PAGE
    assert f"共识别 <b>{N}</b> 个数字" in html and f"待确认 <b id=\"pending-count\">{N - N // 10}</b>" in html
    assert f"第 1 / {N // FACTS_PER_PAGE} 页" in html and "?show=all&page=2" in html and "只标出本页的数字" in html
    assert len(html) < 1_500_000

    resp = client.get(reverse("extraction:document", args=[big.pk]), {"show": "proposed", "page": "3"})
    html = resp.content.decode()
    assert f"第 3 / {N // 3 // FACTS_PER_PAGE} 页" in html
    first = Fact.objects.filter(document=big).exclude(indicator_code="").order_by("start", "id")[2 * FACTS_PER_PAGE]
    assert f'id="fact-{first.pk}"' in html and f'id="hl-{first.pk}"' in html


def test_an_ordinary_document_is_one_page_with_every_figure_marked(client, world):
    doc = actions.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode())
    world.login(client, world.admin)
    html = client.get(reverse("extraction:document", args=[doc.pk])).content.decode()
    n = doc.facts.count()
    assert n > 0 and len(re.findall(r'id="hl-\d+"', html)) == n and "pager" not in html
    assert "只标出本页的数字" not in html


def test_the_documents_list_is_paginated(client, world):
    for i in range(DOCS_PER_PAGE + 5):
        actions.upload_document(by=world.admin, name=f"总结{i}.txt", data=f"{SUMMARY}{i}".encode(), run="none")
    world.login(client, world.admin)
    html = client.get(reverse("extraction:index")).content.decode()
    assert html.count('href="/extraction/documents/') == DOCS_PER_PAGE
    assert f"共 {DOCS_PER_PAGE + 5} 个文档" in html
    html = client.get(reverse("extraction:index"), {"page": "2"}).content.decode()
    assert html.count('href="/extraction/documents/') == 5
