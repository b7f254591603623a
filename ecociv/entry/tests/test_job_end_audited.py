"""The end of an import job (the worker's, and a task upload's in the request) is an action: an
audit row in the job owner's name, which the audit page shows in words."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecociv.audit.models import AuditLog
from ecociv.entry.models import ImportJob, IndicatorValue

from .conftest import YEAR

pytestmark = pytest.mark.django_db

DATA = f"区划代码,年度,指标编码,数值,说明\n870121,{YEAR},11,100,\n870122,{YEAR},11,99,\n".encode()


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ENTRY_IMPORT_THREADS = False


def test_a_finished_import_leaves_its_audit_row(client, world):
    client.force_login(world.city_admin)
    client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", DATA)})
    job = ImportJob.objects.get()
    resp = client.post("/entry/import/", {"job": job.pk})
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    row = AuditLog.objects.get(action="import.finish")
    assert row.user == world.city_admin and row.object_id == str(job.pk)
    assert row.before == {"state": "running"} and row.after["state"] == "done" and row.after["created"] == 2
    assert IndicatorValue.objects.filter(year=YEAR, indicator__code="11").count() == 2
    page = client.get("/audit/").content.decode()
    assert page.count("导入完成") == 2  # the row, and the filter's choice


def test_a_failed_import_leaves_its_audit_row(client, world):
    client.force_login(world.city_admin)
    client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", DATA)})
    job = ImportJob.objects.get()
    # Between the dry run and the start the file's region is no longer the user's to write:
    # the job ends as 失败, audited in the owner's name.
    world.city_admin.region = world.other_county
    world.city_admin.save()
    client.post("/entry/import/", {"job": job.pk})
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    row = AuditLog.objects.get(action="import.fail")
    assert row.user == world.city_admin and row.after == {"state": "failed", "file": "v.csv", "error": job.error}
    assert not IndicatorValue.objects.filter(year=YEAR, indicator__code="11").exists()
