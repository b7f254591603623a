"""A run whose server stopped mid-way (simulated: heartbeat in the past) is shown as 已中断,
stops polling, blocks nothing, and is started again with the same stored files."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecociv.audit.models import AuditLog
from ecociv.monitoring.models import MonitoringRun, RunState
from ecociv.monitoring.tests.test_pages import _upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_runs(settings, tmp_path):
    settings.MONITORING_THREADS = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOB_STALE_MINUTES = 10


def _stale_run(client, world, tmp_path, minutes=11) -> MonitoringRun:
    """A real upload, then rewound to how a server restart leaves it: 计算中 at step 2, no end."""
    world.login(client, world.admin)
    _upload(client, tmp_path)
    run = MonitoringRun.objects.get()
    beat = timezone.now() - dt.timedelta(minutes=minutes)
    MonitoringRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, stage="计算逐日 AQI", step=2, results={}, finished_at=None, heartbeat=beat,
        started_at=beat - dt.timedelta(minutes=1))
    run.refresh_from_db()
    return run


def test_a_run_without_heartbeat_for_longer_than_the_limit_is_shown_interrupted(client, world, tmp_path):
    run = _stale_run(client, world, tmp_path)
    assert run.interrupted and run.state == RunState.RUNNING  # derived: the stored state is unchanged
    page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert 'data-state="interrupted">已中断<' in page
    assert "评价已中断：超过 10 分钟没有进展" in page and "计算逐日 AQI" in page
    assert "用原文件和参数重新开始" in page and reverse("monitoring:rerun", args=[run.pk]) in page
    assert "hx-trigger" not in page and "<progress" not in page
    status = client.get(reverse("monitoring:run_status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true" and "hx-trigger" not in status.content.decode()
    assert ">已中断</span>" in client.get(reverse("monitoring:index")).content.decode()


def test_a_run_still_beating_is_not_interrupted_and_cannot_be_rerun(client, world, tmp_path):
    run = _stale_run(client, world, tmp_path, minutes=9)
    page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert "计算中" in page and "已中断" not in page and 'hx-trigger="every 1s"' in page
    resp = client.post(reverse("monitoring:rerun", args=[run.pk]), follow=True)
    assert "只有已中断的评价可以重新开始" in resp.content.decode()
    assert MonitoringRun.objects.count() == 1


def test_an_interrupted_run_is_started_again_with_the_same_files_and_parameters(client, world, tmp_path):
    run = _stale_run(client, world, tmp_path)
    resp = client.post(reverse("monitoring:rerun", args=[run.pk]))
    new = MonitoringRun.objects.exclude(pk=run.pk).get()
    assert resp.status_code == 302 and resp["Location"] == reverse("monitoring:run", args=[new.pk])
    assert new.rerun_of_id == run.pk and new.files == run.files and new.parameters == run.parameters
    assert new.region == run.region and new.created_by == world.admin
    assert new.state == RunState.DONE, new.error
    page = client.get(resp["Location"]).content.decode()
    assert "已用原文件和参数重新开始评价" in page and "优良天数比例" in page
    audit = AuditLog.objects.filter(action="monitoring.run", object_id=str(new.pk)).get()
    assert audit.after["rerun_of"] == run.pk
    # The old run links to its rerun; asking again (second tab, other server) makes no second run.
    old_page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert "已重新开始" in old_page and reverse("monitoring:run", args=[new.pk]) in old_page
    assert "用原文件和参数重新开始" not in old_page
    again = client.post(reverse("monitoring:rerun", args=[run.pk]))
    assert again["Location"] == reverse("monitoring:run", args=[new.pk]) and MonitoringRun.objects.count() == 2
    # The rerun's results are fed like any run's.
    fed = client.post(reverse("monitoring:feed", args=[new.pk]), {"year": "2026"}, follow=True)
    assert "新增 1 条" in fed.content.decode()


def test_only_users_who_may_write_start_it_again(client, world, tmp_path):
    run = _stale_run(client, world, tmp_path)
    client.logout()
    world.login(client, world.viewer)
    page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert "已中断" in page and "重新开始需要本区划的创建办管理员权限" in page
    assert client.post(reverse("monitoring:rerun", args=[run.pk])).status_code == 403
    client.logout()
    world.login(client, world.other_admin)
    assert client.post(reverse("monitoring:rerun", args=[run.pk])).status_code == 404
    assert MonitoringRun.objects.count() == 1


def test_a_rerun_whose_stored_files_are_gone_says_so(client, world, tmp_path):
    from ecociv.monitoring.stored import stored_path

    run = _stale_run(client, world, tmp_path)
    stored_path(run.files[1]).unlink()
    resp = client.post(reverse("monitoring:rerun", args=[run.pk]), follow=True)
    assert "原上传文件已不存在（小时数据.csv），请重新上传" in resp.content.decode()
    assert MonitoringRun.objects.count() == 1


def test_stored_files_follow_the_media_root_a_restore_puts_them_in(client, world, tmp_path, settings):
    """A backup restored on another server has another MEDIA_ROOT: the run's files are stored
    relative to it, and runs recorded with an absolute path are found by their stored name."""
    import shutil

    from ecociv.monitoring.stored import stored_path

    run = _stale_run(client, world, tmp_path)
    assert all(not f["path"].startswith("/") for f in run.files), run.files
    moved = tmp_path / "restored-media"
    shutil.copytree(settings.MEDIA_ROOT, moved)
    shutil.rmtree(settings.MEDIA_ROOT)
    settings.MEDIA_ROOT = moved
    old_style = dict(run.files[1], path=str(tmp_path / "media" / run.files[1]["path"]))
    assert stored_path(old_style) == moved / run.files[1]["path"]
    MonitoringRun.objects.filter(pk=run.pk).update(files=[run.files[0], old_style])
    client.post(reverse("monitoring:rerun", args=[run.pk]))
    new = MonitoringRun.objects.exclude(pk=run.pk).get()
    assert new.state == RunState.DONE, new.error
