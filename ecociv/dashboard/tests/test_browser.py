"""Every assessment and dashboard page in a real Chromium at 1366×768, on the demo world."""
import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, ensure_standards, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from ecociv.core.system import system_user
    from ecociv.web.demo import DEMO_PASSWORD, build_demo

    ensure_standards()
    build_demo(by=system_user())
    return DEMO_PASSWORD


def shows_chart(page, selector):
    # ECharts draws into a canvas inside the container; an empty container means the script failed.
    page.wait_for_selector(f"{selector} canvas")
    box = page.locator(selector).bounding_box()
    assert box["width"] > 300 and box["height"] > 150


def test_dashboard_pages_render_their_charts(page, demo):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, "yunxi_leader", demo)
    page.click("nav.sidenav >> text=驾驶舱")
    page.wait_for_load_state("networkidle")
    assert "达标矩阵" in page.locator("h1").inner_text()
    shows_chart(page, "#matrix")
    screenshot(page, "dashboard-matrix")
    box = page.locator("#matrix").bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 120)
    page.wait_for_timeout(300)
    # The tooltip reads the cell's own data (value, target and reason through the shared texts).
    expect(page.locator("#matrix")).to_contain_text("数值：")
    tip = page.locator("#matrix").inner_text()
    assert "目标：" in tip and "undefined" not in tip, tip
    screenshot(page, "dashboard-matrix-hover")
    page.click("table.grid >> text=石岭县")
    page.wait_for_load_state("networkidle")
    assert "石岭县" in page.locator("h1").inner_text()
    shows_chart(page, "#areas")
    shows_chart(page, "#radar")
    shows_chart(page, "#trends")
    screenshot(page, "dashboard-region")
    page.click("table.grid a >> nth=0")
    page.wait_for_load_state("networkidle")
    screenshot(page, "dashboard-indicator")
    page.goto(page.base_url + "/dashboard/region/880121/2025/indicator/29/")
    shows_chart(page, "#line")
    shows_chart(page, "#peers")
    screenshot(page, "dashboard-indicator-29")
    page.goto(page.base_url + "/dashboard/completeness/880100/2025/")
    shows_chart(page, "#regions")
    shows_chart(page, "#depts")
    screenshot(page, "dashboard-completeness")
    page.click("nav.sidenav >> text=达标评估")
    page.wait_for_load_state("networkidle")
    screenshot(page, "assessment-index")
    page.click("text=临江区")
    page.wait_for_load_state("networkidle")
    assert "达标评估" in page.locator("h1").inner_text()
    screenshot(page, "assessment-detail")
    assert errors == []


def test_admin_records_the_plan_precondition_in_the_page(page, demo):
    browser_login(page, "shiling_admin", demo)
    page.goto(page.base_url + "/assessment/880121/2025/")
    row = page.locator("tr", has_text="生态文明建设规划经同级人大")
    row.locator("select[name=state]").select_option("satisfied")
    row.locator("input[name=source_document]").fill("石政发〔2022〕8号")
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "已记录并留痕" in page.content()
    assert page.locator("tr", has_text="生态文明建设规划经同级人大").locator(".badge").inner_text() == "满足"
