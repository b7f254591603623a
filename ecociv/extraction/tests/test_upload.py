import io

import pytest
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.extraction import actions
from ecociv.extraction.models import DocumentStatus, Fact, FactStatus, SourceDocument
from ecociv.extraction.tests.conftest import SUMMARY


def upload(client, name, data, **fields):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("extraction:index"), {"file": f, **fields})


def test_upload_stores_document_and_facts(world, client):
    world.login(client, world.admin)
    resp = upload(client, "甲县总结.txt", SUMMARY.encode("gb18030"))
    doc = SourceDocument.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("extraction:document", args=[doc.pk])
    assert doc.status == DocumentStatus.DONE
    assert doc.text == SUMMARY  # GB18030 read back exactly: offsets point into this
    assert len(doc.sha256) == 64 and doc.file.read() == SUMMARY.encode("gb18030")
    # Proposed from the document: the region it names (in scope) and its year.
    assert doc.region == world.county and doc.year == 2023 and doc.found_region == "甲县"
    facts = list(doc.facts.all())
    assert all(doc.text[f.start:f.end] == f.quote for f in facts)
    by_quote = {f.quote: f for f in facts}
    assert by_quote["94.5%"].indicator_code == "7.1" and by_quote["94.5%"].status == FactStatus.PENDING
    assert by_quote["2.1个百分点"].comparator == "up"
    assert any(f.masked and f.value is None for f in facts)
    assert AuditLog.objects.filter(action="extraction.upload", object_id=str(doc.pk)).exists()
    page = client.get(resp.url).content.decode()
    assert f'id="hl-{by_quote["94.5%"].pk}"' in page and "hl pending masked" in page
    assert "工作台账模块尚未上线" in page


def test_upload_keeps_the_chosen_region_and_year(world, client):
    world.login(client, world.city_admin)
    upload(client, "a.txt", SUMMARY.encode(), region=world.city.code, year="2021")
    doc = SourceDocument.objects.get()
    assert doc.region == world.city and doc.year == 2021 and doc.found_year == "2023"


def test_docx_is_read(world, client):
    from docx import Document

    d = Document()
    for line in SUMMARY.splitlines():
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    world.login(client, world.admin)
    upload(client, "总结.docx", out.getvalue())
    doc = SourceDocument.objects.get()
    assert doc.extension == ".docx" and doc.facts.filter(quote="63.2%").exists()


@pytest.mark.parametrize("name,data,message", [
    ("x.txt", b"", "空文件"),
    ("x.pdf", b"%PDF-1.4 ...", "PDF 文件已损坏"),
    ("x.xls", b"\xd0\xcf\x11\xe0", "只支持"),
    ("x.docx", "不是压缩包".encode(), "不是 Word"),
    ("x.txt", b"PK\x03\x04" + b"\x00" * 50, "不是文本"),
    ("x.txt", b"MZ\x90\x00\x03\x00\x00\x00", "不是文本"),
])
def test_files_are_checked_by_content(world, client, name, data, message):
    world.login(client, world.admin)
    resp = upload(client, name, data)
    assert resp.status_code == 200 and message in resp.content.decode()
    assert not SourceDocument.objects.exists()


def test_size_limit(world, client, settings):
    settings.UPLOAD_MAX_MB = 1
    world.login(client, world.admin)
    resp = upload(client, "big.txt", ("森林覆盖率达到63.2%。" * 90000).encode())
    assert "超过 1 MB" in resp.content.decode() and not SourceDocument.objects.exists()


def test_viewer_cannot_upload(world, client):
    world.login(client, world.viewer)
    assert "只能查看" in client.get(reverse("extraction:index")).content.decode()
    assert upload(client, "a.txt", SUMMARY.encode()).status_code == 403
    assert not SourceDocument.objects.exists()


def test_long_document_shows_a_status_until_processed(world, client):
    doc = actions.upload_document(by=world.admin, name="long.txt", data=SUMMARY.encode(), run="none")
    world.login(client, world.admin)
    page = client.get(reverse("extraction:document", args=[doc.pk])).content.decode()
    assert "正在识别" in page and 'hx-trigger="every 1s"' in page
    status = client.get(reverse("extraction:status", args=[doc.pk]), HTTP_HX_REQUEST="true")
    assert "正在识别" in status.content.decode()
    actions.process_document(doc)
    status = client.get(reverse("extraction:status", args=[doc.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    assert Fact.objects.filter(document=doc).count() > 3


@pytest.mark.django_db(transaction=True)
def test_long_document_is_processed_in_a_thread(world):
    import time

    doc = actions.upload_document(by=world.admin, name="long.txt", data=SUMMARY.encode(), run="thread")
    for _ in range(100):
        doc.refresh_from_db()
        if doc.status != DocumentStatus.PROCESSING:
            break
        time.sleep(0.1)
    assert doc.status == DocumentStatus.DONE and doc.facts.exists()
