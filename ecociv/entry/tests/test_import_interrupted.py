"""A page import whose server stopped mid-way (simulated: heartbeat in the past) is shown as
已中断 and started again with the same file; any failure, the first read included, ends a job."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from ecociv.core.background import get_progress
from ecociv.entry import views_files
from ecociv.entry.models import ImportJob, IndicatorValue, ValueStatus

from .conftest import YEAR

pytestmark = pytest.mark.django_db

# Indicator 11 is a reference indicator: an import as 已提交 needs no evidence for it.
DATA = f"区划代码,年度,指标编码,数值,说明\n870121,{YEAR},11,100,\n870122,{YEAR},11,99,\n".encode()


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ENTRY_IMPORT_THREADS = False
    settings.JOB_STALE_MINUTES = 10


def _running_job(client, world, minutes=11) -> ImportJob:
    """Checked and confirmed, then the server died before the thread wrote anything."""
    client.force_login(world.city_admin)
    client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", DATA)})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING,
                                               heartbeat=timezone.now() - dt.timedelta(minutes=minutes))
    job.refresh_from_db()
    return job


def test_a_stale_import_is_shown_interrupted_and_started_again(client, world):
    job = _running_job(client, world)
    html = client.get(f"/entry/import/{job.pk}/").content.decode()
    assert "已中断" in html and "导入已中断：超过 10 分钟没有进展" in html
    assert "用原文件重新开始导入" in html and "hx-trigger" not in html and "<progress" not in html
    assert "<td>已中断</td>" in client.get("/entry/import/").content.decode()
    resp = client.post(f"/entry/import/{job.pk}/rerun/")
    new = ImportJob.objects.exclude(pk=job.pk).get()
    assert resp.status_code == 302 and resp["Location"] == f"/entry/import/{new.pk}/"
    assert new.rerun_of_id == job.pk and bytes(new.data) == DATA and new.created_by == world.city_admin
    assert new.state == ImportJob.State.DONE, new.error
    html = client.get(resp["Location"]).content.decode()
    assert "已完成" in html and "新增 2 条" in html
    assert IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED).count() == 2
    old = client.get(f"/entry/import/{job.pk}/").content.decode()
    assert f"/entry/import/{new.pk}/" in old and "用原文件重新开始导入" not in old
    assert client.post(f"/entry/import/{job.pk}/rerun/")["Location"] == f"/entry/import/{new.pk}/"
    assert ImportJob.objects.count() == 2


def test_a_running_import_still_beating_is_not_interrupted(client, world):
    job = _running_job(client, world, minutes=2)
    html = client.get(f"/entry/import/{job.pk}/").content.decode()
    assert "导入中" in html and "已中断" not in html and 'hx-trigger="every 1s"' in html
    resp = client.post(f"/entry/import/{job.pk}/rerun/", follow=True)
    assert "只有已中断的导入可以重新开始" in resp.content.decode() and ImportJob.objects.count() == 1


def test_only_the_importer_starts_it_again(client, world):
    job = _running_job(client, world)
    client.force_login(world.province_admin)
    assert client.post(f"/entry/import/{job.pk}/rerun/").status_code == 404
    client.force_login(world.filler)
    assert client.post(f"/entry/import/{job.pk}/rerun/").status_code == 403
    assert ImportJob.objects.count() == 1


def test_a_job_whose_first_database_access_fails_ends_as_failed(client, world, monkeypatch):
    job = _running_job(client, world, minutes=0)

    def locked(*a, **kw):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ImportJob.objects, "select_related", locked)
    views_files.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "database is locked" in job.error
    assert get_progress("import", job.pk) is None and not IndicatorValue.objects.exists()
