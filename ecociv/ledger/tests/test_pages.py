import io

import openpyxl
import pytest

from ecociv.audit.models import AuditLog
from ecociv.ledger.models import Project, Responsibility

from .helpers import HEADERS, project_rows, write_csv

PAGES = ["", "projects/", "funds/", "activities/", "responsibilities/", "responsibilities/?overdue=1", "findings/",
         "ranking/"]


@pytest.fixture
def data(world):
    Project.objects.create(region=world.county, year=2026, name="污水厂", category="污水处理", planned=100,
                           lead_department="住房和城乡建设局",
                           central=60, county=30, completed=50, status="in_progress")
    Responsibility.objects.create(region=world.county, year=2026, title="规划编制", lead_department="生态环境局")
    return world


@pytest.mark.parametrize("page", PAGES)
def test_every_page_follows_the_scope(client, data, page):
    data.login(client, data.admin)
    r = client.get(f"/ledger/870121/2026/{page}")
    assert r.status_code == 200
    assert client.get(f"/ledger/870122/2026/{page}").status_code == 404
    data.login(client, data.city_admin)
    assert client.get(f"/ledger/870100/2026/{page}").status_code == 200


def test_projects_page_flags_the_split_and_exports_what_it_shows(client, data):
    data.login(client, data.viewer)
    r = client.get("/ledger/870121/2026/projects/")
    assert "污水厂" in r.content.decode() and "各来源合计 90 万元" in r.content.decode()
    r = client.get("/ledger/870121/2026/projects/export/")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("区划代码", "年度", "项目名称") and rows[1][2] == "污水厂" and rows[1][6] == 100


def test_exported_file_imports_back_unchanged(client, data, tmp_path):
    f = write_csv(tmp_path / "p.csv", HEADERS, project_rows())
    data.login(client, data.admin)
    with open(f, "rb") as fh:
        r = client.post("/ledger/import/projects/", {"file": fh})
    assert "新增 3 条" in r.content.decode() and Project.objects.count() == 1
    r = client.post("/ledger/import/projects/", {"apply": "1", "sha256": r.context["sha256"]})
    assert "导入完成" in r.content.decode() and Project.objects.count() == 4
    exported = client.get("/ledger/870121/2026/projects/export/").content
    exported_file = tmp_path / "e.xlsx"
    exported_file.write_bytes(exported)
    with open(exported_file, "rb") as fh:
        r = client.post("/ledger/import/projects/", {"file": fh})
    plan = r.context["plan"]
    assert plan.counts()["unchanged"] == 4, [(p.row, p.outcome, p.errors, {k: (v, getattr(p.existing, k, None)) for k, v in p.values.items() if p.existing is not None and getattr(p.existing, k) != v}) for p in plan.rows]


def test_read_only_users_cannot_import_or_publish(client, data):
    data.login(client, data.viewer)
    assert client.get("/ledger/import/projects/").status_code == 403
    assert client.post("/ledger/870121/2026/ranking/publish/").status_code == 403
    data.login(client, data.other_admin)
    assert client.post("/ledger/870121/2026/ranking/publish/").status_code == 404


def test_progress_update_by_the_lead_department_only(client, data):
    item = Responsibility.objects.get()
    data.login(client, data.filler)  # 生态环境局, the lead
    client.post(f"/ledger/responsibility/{item.pk}/progress/", {"progress": "40"})
    item.refresh_from_db()
    assert item.progress == 40 and AuditLog.objects.filter(action="ledger.responsibility.progress").exists()
    data.login(client, data.other_admin)
    assert client.post(f"/ledger/responsibility/{item.pk}/progress/", {"progress": "90"}).status_code == 404


def _docx(text: str) -> bytes:
    from docx import Document

    d = Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_evidence_and_letter_scan_download_within_scope_only(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecociv.ledger.models import Letter

    item = Responsibility.objects.get()
    body = _docx("规划编制佐证")
    data.login(client, data.filler)
    client.post(f"/ledger/responsibility/{item.pk}/progress/",
                {"progress": "60", "version": "0", "evidence": SimpleUploadedFile("规划批复.docx", body)})
    item.refresh_from_db()
    assert item.progress == 60 and item.evidence_name == "规划批复.docx"
    data.login(client, data.admin)
    page = client.get("/ledger/870121/2026/responsibilities/").content.decode()
    assert f"/ledger/responsibility/{item.pk}/evidence/" in page
    r = client.get(f"/ledger/responsibility/{item.pk}/evidence/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == body
    assert "attachment" in r["Content-Disposition"] and r["X-Content-SHA256"] == item.evidence_sha256

    scan = _docx("责任书扫描件")
    client.post("/ledger/870121/2026/letters/", {"title": "目标责任书", "parties": "县政府—生态环境局",
                                                 "signed_on": "2026-03-01",
                                                 "file": SimpleUploadedFile("责任书.docx", scan)})
    letter = Letter.objects.get()
    assert letter.file_name == "责任书.docx"
    page = client.get("/ledger/870121/2026/responsibilities/").content.decode()
    assert f"/ledger/letter/{letter.pk}/file/" in page and "下载" in page
    r = client.get(f"/ledger/letter/{letter.pk}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == scan

    data.login(client, data.other_admin)  # another county: neither file exists for them
    assert client.get(f"/ledger/responsibility/{item.pk}/evidence/").status_code == 404
    assert client.get(f"/ledger/letter/{letter.pk}/file/").status_code == 404
    data.login(client, data.city_admin)  # the city above sees both
    assert client.get(f"/ledger/letter/{letter.pk}/file/").status_code == 200


def test_a_renamed_program_is_refused_as_evidence_and_as_a_scan(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecociv.ledger.models import Letter

    item = Responsibility.objects.get()
    data.login(client, data.admin)
    r = client.post(f"/ledger/responsibility/{item.pk}/progress/",
                    {"progress": "50", "evidence": SimpleUploadedFile("批复.pdf", b"MZ\x90\x00" + b"\x00" * 200)},
                    follow=True)
    assert "不是允许的类型" in r.content.decode()
    item.refresh_from_db()
    assert item.progress == 0 and not item.evidence  # nothing written, not even the progress
    r = client.post("/ledger/870121/2026/letters/", {"title": "责任书", "parties": "甲—乙",
                                                     "file": SimpleUploadedFile("扫描.pdf", _docx("x"))}, follow=True)
    assert "扩展名与文件内容（DOCX）不符" in r.content.decode() and not Letter.objects.exists()


def test_a_stale_progress_form_overwrites_nothing_and_says_who_changed_it(client, data):
    item = Responsibility.objects.get()
    data.login(client, data.filler)
    client.post(f"/ledger/responsibility/{item.pk}/progress/", {"progress": "40", "version": "0"})
    data.login(client, data.admin)  # this form was shown before the filler's save
    r = client.post(f"/ledger/responsibility/{item.pk}/progress/", {"progress": "10", "version": "0"}, follow=True)
    item.refresh_from_db()
    assert item.progress == 40 and item.version == 1
    text = r.content.decode()
    assert "进度 40%" in text and "未保存" in text and str(data.filler) in text
