"""Real Chromium: a run whose server stopped (its heartbeat runs out while the page is open)
turns from 计算中 into 已中断 without a reload by hand, and is started again from the page."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.monitoring import runs
from ecociv.monitoring.actions import create_run
from ecociv.monitoring.models import MonitoringRun, RunState
from ecociv.monitoring.tests.conftest import random_world, write_air, write_stations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_run_left_running_by_a_stopped_server_is_shown_interrupted_and_restarted(page, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOB_STALE_MINUTES = 10
    _s, rows = random_world()
    st = write_stations(tmp_path / "站点.csv", {"A1": "870121", "A2": "870121", "B1": "870121", "B2": "870121"})
    air = write_air(tmp_path / "小时数据.csv", rows)
    files = [runs.store_upload(role, SimpleUploadedFile(p.name, p.read_bytes()), ".csv")
             for role, p in (("stations", st), ("data", air))]
    run = create_run(by=world.admin, region=world.county, kind="air", files=files,
                     parameters={"level": "region", "engine": "duckdb", "standard": ""})
    browser_login(page, "jia_admin")
    # Its server stopped during step 3; the last beat will be older than the limit in 4 s.
    beat = timezone.now() - dt.timedelta(minutes=10) + dt.timedelta(seconds=4)
    MonitoringRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, stage="计算日最大8小时滑动平均", step=3,
                                                   started_at=beat, heartbeat=beat)
    page.goto(f"{page.base_url}/monitoring/runs/{run.pk}/")
    expect(page.locator(".run-state")).to_have_text("计算中")
    expect(page.locator(".run-state")).to_have_text("已中断", timeout=15_000)
    expect(page.locator("#run-status")).to_contain_text("评价已中断：超过 10 分钟没有进展")
    screenshot(page, "monitoring-run-interrupted")

    with page.expect_navigation():
        page.click("text=用原文件和参数重新开始")
    expect(page.locator(".run-state")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("table.mon-results")).to_contain_text("甲县")
    new = MonitoringRun.objects.get(rerun_of=run)
    assert new.state == RunState.DONE and new.files == run.files
    page.goto(f"{page.base_url}/monitoring/")
    expect(page.locator(f"tr:has(a[href='/monitoring/runs/{run.pk}/']) .badge")).to_have_text("已中断")
