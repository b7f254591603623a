"""The permission rules that used to be written inline in views, now scope functions, tested
from the outside (issue 11 item 5): import jobs are their importer's, the bulk import and the
region import are an administrator's, a run is restarted by its region's administrators."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecociv.audit.models import AuditLog
from ecociv.entry.models import ImportJob

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_import_jobs_are_their_importers_and_audited(client, world):
    client.force_login(world.city_admin)
    data = f"区划代码,年度,指标编码,数值,说明\n870121,{YEAR},11,70,\n".encode()
    client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", data)})
    job = ImportJob.objects.get()
    row = AuditLog.objects.get(action="import.check", object_id=str(job.pk))
    assert row.after["file"] == "v.csv" and row.after["total"] == 1 and len(row.after["sha256"]) == 64
    # Another administrator in scope neither sees nor starts it.
    client.force_login(world.province_admin)
    assert client.get(f"/entry/import/{job.pk}/").status_code == 404
    assert client.post("/entry/import/", {"job": job.pk}).status_code == 404
    assert client.post(f"/entry/import/{job.pk}/rerun/").status_code == 404
    # A filler cannot bulk-import at all.
    client.force_login(world.filler)
    assert client.get("/entry/import/").status_code == 403


def test_only_administrators_import_regions(client, world):
    client.force_login(world.reviewer)
    assert client.get("/regions/import/").status_code == 403
    assert "从 CSV/Excel 导入" not in client.get("/regions/").content.decode()
    from ecociv.regions.actions import import_regions

    with pytest.raises(Exception, match="仅创建办管理员"):
        import_regions("r.csv", by=world.reviewer, data="代码,名称,级别\n".encode(), name="r.csv")
    client.force_login(world.admin)
    assert client.get("/regions/import/").status_code == 200
