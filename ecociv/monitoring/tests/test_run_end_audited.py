"""The end of a monitoring run (its state and stored results, or its error) is an action: an
audit row in the run owner's name, which the audit page shows in words."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.monitoring.models import MonitoringRun, RunState
from ecociv.monitoring.tests.test_pages import _files, _upload


@pytest.fixture(autouse=True)
def inline_runs(settings, tmp_path):
    settings.MONITORING_THREADS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_finished_run_leaves_its_audit_row_with_what_it_stored(client, world, tmp_path):
    world.login(client, world.admin)
    _upload(client, tmp_path)
    run = MonitoringRun.objects.get()
    assert run.state == RunState.DONE, run.error
    row = AuditLog.objects.get(action="monitoring.finish")
    assert row.user == world.admin and row.object_id == str(run.pk) and row.region == world.county
    assert row.before == {"state": "running"}
    assert row.after == {"state": "done", "stage": "完成", "rows": len(run.results["rows"]),
                         "bad_rows": run.bad_row_count, "engine": "duckdb"}
    assert run.results["rows"] and run.bad_row_count == 1
    page = client.get("/audit/").content.decode()
    assert page.count("监测评价完成") == 2  # the row, and the filter's choice


def test_a_failed_run_leaves_its_audit_row(client, world, tmp_path):
    world.login(client, world.admin)
    st, _data = _files(tmp_path)
    data = SimpleUploadedFile("data.csv", b"station,time,SO2\nA1,2026-01-01 00:00,5\n")
    client.post(reverse("monitoring:index"), {"kind": "air", "region": "870121", "level": "region",
                                              "engine": "duckdb", "stations": st, "data": data})
    run = MonitoringRun.objects.get()
    assert run.state == RunState.FAILED
    row = AuditLog.objects.get(action="monitoring.fail")
    assert row.user == world.admin and row.after == {"state": "failed", "stage": "失败", "error": run.error}
    assert "缺少列" in row.after["error"]
