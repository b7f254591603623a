"""The page, the jobs, downloads and templates over HTTP, with the scope rules from outside."""
import io
import zipfile

import docx
import pytest

from ecociv.audit.models import AuditLog
from ecociv.reports.builtin import build
from ecociv.reports.models import ReportJob, ReportTemplate
from ecociv.reports.templates import template_for
from ecociv.reports.tests.helpers import fill_values


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.REPORT_JOB_THREADS = False


@pytest.fixture
def filled(world):
    fill_values(world.county, [2024, 2025], by=world.admin)
    return world


def test_admin_makes_a_summary_from_the_page_and_downloads_it(client, filled):
    w = filled
    w.login(client, w.admin)
    page = client.get("/reports/")
    assert page.status_code == 200 and "报告生成" in page.content.decode()
    resp = client.post("/reports/start/", {"region": w.county.code, "year": "2025", "target": "summary|docx"})
    assert resp.status_code == 302
    job = ReportJob.objects.get()
    assert resp["Location"] == f"/reports/jobs/{job.pk}/"
    body = client.get(resp["Location"]).content.decode()
    assert "已完成" in body and "下载" in body
    dl = client.get(f"/reports/jobs/{job.pk}/download/")
    assert dl.status_code == 200
    d = docx.Document(io.BytesIO(dl.content))
    assert d.paragraphs[0].text == "甲县2025年生态文明建设示范区创建工作总结"


def test_a_job_is_nothing_to_another_user(client, filled):
    w = filled
    w.login(client, w.admin)
    client.post("/reports/start/", {"region": w.county.code, "year": "2025", "target": "indicator-table|xlsx"})
    job = ReportJob.objects.get()
    client.logout()
    w.login(client, w.other_admin)
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_out_of_scope_region_gets_404_and_no_job(client, filled):
    w = filled
    w.login(client, w.other_admin)
    resp = client.post("/reports/start/", {"region": w.county.code, "year": "2025", "target": "summary|docx"})
    assert resp.status_code == 404
    assert not ReportJob.objects.exists()


def test_system_roles_see_no_reports(client, filled):
    from ecociv.conftest import make_user
    from ecociv.core.roles import Role

    sysadmin = make_user("sys1", Role.SYSADMIN, filled.county)
    client.force_login(sysadmin)
    assert client.get("/reports/").status_code == 404
    assert client.post("/reports/start/", {"region": filled.county.code, "year": "2025",
                                           "target": "summary|docx"}).status_code == 404


def test_unsupported_format_is_refused_in_chinese(client, filled):
    w = filled
    w.login(client, w.admin)
    resp = client.post("/reports/start/", {"region": w.county.code, "year": "2025", "target": "summary|xlsx"},
                       follow=True)
    assert "工作总结不能生成 xlsx 格式" in resp.content.decode()
    assert not ReportJob.objects.exists()


def test_batch_for_the_children_of_a_city_is_one_zip(client, filled):
    w = filled
    w.login(client, w.city_admin)
    client.post("/reports/start/", {"region": w.city.code, "year": "2025", "target": "indicator-table|xlsx",
                                    "batch": "1"})
    job = ReportJob.objects.get()
    assert job.state == "done" and job.done == job.total == 2
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/reports/jobs/{job.pk}/download/").content))
    assert sorted(z.namelist()) == ["乙县2025年指标达标情况表.xlsx", "甲县2025年指标达标情况表.xlsx"]


def test_batch_covers_only_children_in_scope(client, filled):
    # A county administrator batching the city is refused: the city is not in their scope.
    w = filled
    w.login(client, w.admin)
    assert client.post("/reports/start/", {"region": w.city.code, "year": "2025", "target": "summary|docx",
                                           "batch": "1"}).status_code == 404


def _docx_with(text: str) -> bytes:
    """The shipped template with one placeholder paragraph replaced (as an edit in Word would)."""
    d = docx.Document(io.BytesIO(build("summary")))
    d.paragraphs[0].runs[0].text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_templates_upload_refuse_broken_and_roll_back(client, filled):
    w = filled
    w.login(client, w.admin)
    good = _docx_with("【{{ title }}】")
    resp = client.post("/reports/templates/", {"kind": "summary", "file": _upload("mine.docx", good)}, follow=True)
    assert "已启用新模板" in resp.content.decode()
    assert template_for("summary", w.county).record.file_name == "mine.docx"
    # A report now uses it.
    client.post("/reports/start/", {"region": w.county.code, "year": "2025", "target": "summary|docx"})
    dl = client.get(f"/reports/jobs/{ReportJob.objects.get().pk}/download/")
    assert docx.Document(io.BytesIO(dl.content)).paragraphs[0].text == "【甲县2025年生态文明建设示范区创建工作总结】"
    # Broken: an unclosed placeholder; and a placeholder naming data the platform does not have.
    for data, reason in [(_docx_with("{% if title %}【"), "有开始标记（if/for）没有对应的结束标记"),
                         (_docx_with("{{ title }}{% endfor %}"), "标记“endfor”无法识别"),
                         (_docx_with("{{ mayor_name }}"), "平台不提供的数据项"),
                         (b"not a docx", "必须是 Word 文档")]:
        resp = client.post("/reports/templates/", {"kind": "summary", "file": _upload("bad.docx", data)}, follow=True)
        text = resp.content.decode()
        assert reason in text
        assert "仍沿用原模板" in text or reason == "必须是 Word 文档"
        assert template_for("summary", w.county).record.file_name == "mine.docx"
    # Roll back to the shipped template, then to the upload again.
    client.post("/reports/templates/summary/activate/", {"template": ""})
    assert template_for("summary", w.county).record is None
    mine = ReportTemplate.objects.get(file_name="mine.docx")
    client.post("/reports/templates/summary/activate/", {"template": str(mine.pk)})
    assert template_for("summary", w.county).record == mine
    actions = list(AuditLog.objects.filter(action__startswith="report_template.").values_list("action", flat=True))
    assert actions.count("report_template.upload") == 1 and actions.count("report_template.activate") == 2
    # The other county is unaffected: its own scope still uses the shipped template.
    assert template_for("summary", w.other_county).record is None


def test_template_download_and_page(client, filled):
    w = filled
    w.login(client, w.admin)
    page = client.get("/reports/templates/").content.decode()
    assert "系统内置模板" in page
    dl = client.get("/reports/templates/summary/download/")
    assert dl.status_code == 200
    docx.Document(io.BytesIO(dl.content))


def test_only_administrators_manage_templates(client, filled):
    w = filled
    w.login(client, w.filler)
    assert client.get("/reports/templates/").status_code == 403
    assert client.post("/reports/templates/", {"kind": "summary", "file": _upload("x.docx", build("summary"))}
                       ).status_code == 403
    assert client.post("/reports/templates/summary/activate/", {"template": ""}).status_code == 403
    assert not ReportTemplate.objects.exists()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
