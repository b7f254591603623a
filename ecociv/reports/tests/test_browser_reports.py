"""Real Chromium: an administrator makes the 工作总结 on the page, watches it finish and
downloads it; the template page shows what is in use."""
import io

import docx
import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.reports.tests.helpers import fill_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_and_download_a_summary(page, world, settings):
    # On main at 04:30 the test settings send jobs to the database queue with no worker running
    # (core.background.inline() is False under pytest-django), so the job runs in the request.
    settings.REPORT_JOB_THREADS = False
    fill_values(world.county, [2024, 2025], by=world.admin)
    browser_login(page, "jia_admin")
    page.click("nav.sidenav >> text=报告生成")
    expect(page.locator("h1")).to_have_text("报告生成")
    page.select_option("select[name=year]", "2025")
    screenshot(page, "reports-index")
    page.click("tr:has-text('工作总结') >> button:has-text('Word')")
    link = page.locator("#job a.download")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator(".job-state")).to_have_text("已完成")
    screenshot(page, "reports-job-done")
    with page.expect_download() as dl:
        link.click()
    data = dl.value.path().read_bytes()
    d = docx.Document(io.BytesIO(data))
    assert d.paragraphs[0].text == "甲县2025年生态文明建设示范区创建工作总结"
    page.click("text=返回报告生成")
    expect(page.locator("table.grid").last).to_contain_text("已完成")
    page.click("text=管理 Word 模板")
    expect(page.locator(".in-use").first).to_have_text("系统内置模板")
    screenshot(page, "reports-templates")
