"""A report job is audited at its start and at its end (the worker's write of the file or of the
error), in the job owner's name, with the labels the audit page shows."""
import hashlib

import pytest

from ecociv.audit.models import AuditLog
from ecociv.reports.models import ReportJob
from ecociv.reports.tests.helpers import fill_values


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.REPORT_JOB_THREADS = False


def test_a_finished_report_job_leaves_its_audit_rows(client, world):
    fill_values(world.county, [2024, 2025], by=world.admin)
    world.login(client, world.admin)
    client.post("/reports/start/", {"region": world.county.code, "year": "2025", "target": "indicator-table|xlsx"})
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE, job.error
    start, end = AuditLog.objects.filter(action__startswith="report.", object_id=str(job.pk)).order_by("pk")
    assert (start.action, end.action) == ("report.start", "report.finish")
    assert start.user == end.user == world.admin and end.region == world.county
    assert end.after == {"state": "done", "file": job.file_name, "size": len(job.result),
                         "sha256": hashlib.sha256(bytes(job.result)).hexdigest()}
    page = client.get("/audit/").content.decode()
    assert page.count("报告生成完成") == 2 and page.count("开始生成报告") == 2  # rows, and the filter's choices


def test_a_failed_report_job_leaves_its_audit_row(client, world, monkeypatch):
    from ecociv.reports import actions

    def broken(*a, **k):
        raise actions.ReportError("模板缺少占位符")

    monkeypatch.setattr(actions, "generate", broken)
    world.login(client, world.admin)
    client.post("/reports/start/", {"region": world.county.code, "year": "2025", "target": "summary|docx"})
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.FAILED and job.error == "模板缺少占位符"
    row = AuditLog.objects.get(action="report.fail")
    assert row.user == world.admin and row.after == {"state": "failed", "error": "模板缺少占位符"}
