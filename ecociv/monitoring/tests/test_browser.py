"""Real Chromium: an administrator uploads a small air file, watches the run finish in the
background thread, sees the results and the chart, and feeds 7.1 into the indicators."""
import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.entry.models import IndicatorValue, ValueSource
from ecociv.monitoring.tests.conftest import random_world, write_air, write_stations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_evaluate_and_feed(page, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _s, rows = random_world()
    st = write_stations(tmp_path / "站点.csv", {"A1": "870121", "A2": "870121", "B1": "870121", "B2": "870121"})
    rows.append(["A1", "2026-02-30 00:00", "5", "20", "0.5", "60", "40", "abc"])
    air = write_air(tmp_path / "小时数据.csv", rows)

    browser_login(page, "jia_admin")
    page.click("nav.sidenav >> text=监测数据")
    expect(page.locator("h1")).to_have_text("监测数据")
    screenshot(page, "monitoring-index")
    form = page.locator("#air-form")
    form.locator("input[name=stations]").set_input_files(str(st))
    form.locator("input[name=data]").set_input_files(str(air))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    # The status card polls every second and the page reloads itself once the run has ended.
    expect(page.locator(".run-state")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("table.mon-results")).to_contain_text("甲县")
    expect(page.locator("#levels-chart canvas")).to_have_count(1)
    expect(page.locator("table.mon-bad")).to_contain_text(f"{len(rows) + 1}")
    expect(page.locator("a", has_text="下载逐日结果")).to_be_visible()
    screenshot(page, "monitoring-run")

    page.select_option("#feed-form select[name=year]", "2026")
    with page.expect_navigation():
        page.click("#feed-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("新增 1 条")
    screenshot(page, "monitoring-fed")
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.1")
    assert v.source == ValueSource.COMPUTED and v.lineage["inputs"][0]["name"] == "站点.csv"
