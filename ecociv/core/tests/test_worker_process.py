"""Jobs go through the database queue and a separate worker process (`ecociv db_worker`), as in
production: the page only queues the job; nothing runs until the worker takes it, also after the
web side that queued it is gone."""
from __future__ import annotations

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecociv.entry.models import ImportJob, IndicatorValue, ValueStatus

from .procs import child_env, ecociv

YEAR = 2025
HEAD = "区划代码,年度,指标编码,数值,说明\n"


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_page_import_waits_in_the_queue_and_the_worker_process_runs_it(client, world, queue):
    from django_tasks_db.models import DBTaskResult

    client.force_login(world.city_admin)
    data = (HEAD + f"870121,{YEAR},11,100,\n870122,{YEAR},11,99,\n").encode()
    html = client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", data)}).content.decode()
    assert "新增 2 条" in html
    job = ImportJob.objects.get()
    assert client.post("/entry/import/", {"job": job.pk}).status_code == 302
    # Queued, not run: the web side wrote a queue row and returned.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not IndicatorValue.objects.exists()
    html = client.get(f"/entry/import/{job.pk}/").content.decode()
    assert "导入中" in html

    done = subprocess.run(ecociv("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                                 "--no-reload"),
                          env=child_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    assert IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED).count() == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    html = client.get(f"/entry/import/{job.pk}/").content.decode()
    assert "已完成" in html and "新增 2 条" in html


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_recorded_failed_by_the_worker(world, queue):
    from django_tasks_db.models import DBTaskResult

    from ecociv.core.background import start_thread
    from ecociv.entry.views_files import run_job

    job = ImportJob.objects.create(created_by=world.city_admin, file_name="gone.csv", data=b"\xff\xfe",
                                   total=1, state=ImportJob.State.RUNNING)
    start_thread(run_job, job.pk, beat=(ImportJob, job.pk))
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["args"][1:] == [[job.pk], "entry.ImportJob", job.pk]
    done = subprocess.run(ecociv("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                                 "--no-reload"),
                          env=child_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    job.refresh_from_db()
    # The job's own error handling ends it as 失败 with a Chinese reason, not 导入中 for ever.
    assert job.state == ImportJob.State.FAILED and job.error


def test_a_lambda_cannot_be_queued(queue):
    from ecociv.core.background import start_thread

    with pytest.raises(ValueError, match="module-level"):
        start_thread(lambda: None)
