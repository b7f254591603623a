"""The ledger pages in a real browser, over the demo ledger built on the fixture world: each
page renders its tables and charts (canvas drawn by the vendored ECharts), at 1366 px."""
import pytest

from ecociv.conftest import browser_login, screenshot
from ecociv.web import pagecheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger_world(world):
    from ecociv.core.system import system_user
    from ecociv.ledger.demo import build_ledger_demo

    build_ledger_demo(world.city, [world.county, world.other_county], by=system_user(), strong={"870121"})
    return world


def _no_wider_than_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    problems = pagecheck.check(page, extra_allowed={"city_admin"})
    assert not problems, problems


def test_ledger_pages_with_charts(page, ledger_world):
    pagecheck.watch(page)
    browser_login(page, "city_admin")
    page.click("nav.sidenav >> text=工作台账")
    assert page.locator("h1").inner_text() == "示例市 · 2025年工作台账"
    page.wait_for_selector("#chart-sources canvas")
    page.wait_for_selector("#chart-execution canvas")
    _no_wider_than_the_screen(page)
    screenshot(page, "ledger-overview")
    for tab, name, title in (("重点项目", "ledger-projects", "重点项目"), ("资金与预算", "ledger-funds", "资金与预算执行"),
                             ("活动与执法", "ledger-activities", "创建活动与执法"),
                             ("任务分解", "ledger-responsibilities", "任务分解与责任书"),
                             ("逾期清单", "ledger-overdue", "逾期任务清单"), ("问题清单", "ledger-findings", "台账问题清单")):
        page.click(f".toolbar >> text={tab}")
        page.wait_for_load_state("networkidle")
        assert title in page.locator("h1").inner_text()
        assert page.title().endswith(title)
        _no_wider_than_the_screen(page)
        screenshot(page, name)
    page.click(".toolbar >> text=考核排名")
    page.wait_for_selector("#chart-ranking canvas")
    assert page.locator("table.ledger tr").nth(1).inner_text().startswith("第1名")
    _no_wider_than_the_screen(page)
    screenshot(page, "ledger-ranking")


def test_import_page_dry_run_then_apply(page, world, tmp_path):
    from ecociv.ledger.models import Project

    from .helpers import HEADERS, project_rows, write_xlsx

    f = write_xlsx(tmp_path / "项目.xlsx", HEADERS, project_rows())
    browser_login(page, "jia_admin")
    page.goto(page.base_url + "/ledger/import/projects/")
    page.set_input_files("input[name=file]", str(f))
    page.click("button:has-text(\"预检\")")
    page.wait_for_load_state("networkidle")
    assert "新增 3 条" in page.content()
    screenshot(page, "ledger-import-dry-run")
    assert Project.objects.count() == 0
    page.click("button:has-text(\"确认导入\")")
    page.wait_for_load_state("networkidle")
    assert "导入完成" in page.content() and Project.objects.count() == 3
