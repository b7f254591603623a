"""Real Chromium: a filler of a county with a local override sees the target in force and where it
came from beside the value, and is warned on save when the value misses it; the assessment page
shows the same target and source."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.entry.actions.tasks import create_task
from ecociv.standards.actions import set_region_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2025


def test_override_is_shown_with_its_source_on_the_page_and_in_the_assessment(page, world):
    ind = world.standard.indicators.get(code="29")  # 城镇污水处理率: county ≥85
    task = create_task(world.county, YEAR, world.env_dept, by=world.admin, indicators=[ind],
                               deadline=dt.date.today() + dt.timedelta(days=7))
    set_region_target(world.county, YEAR, ind, kind="override", op=">=", value="99", text="",
                      source_document="省生态环境厅〔2025〕12号", by=world.admin)
    browser_login(page, "jia_filler")
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    r = page.locator(f"#item-{task.items.get().pk}")
    expect(r).to_contain_text("≥99")
    expect(r.locator(".target-src")).to_contain_text("本地从严（依据：省生态环境厅〔2025〕12号）；标准值≥85")
    r.get_by_label("29 数值").fill("90")
    with page.expect_response(lambda x: "/checks/" in x.url), page.expect_response(
            lambda x: x.request.method == "POST"):
        r.locator("button", has_text="保存").click()
    expect(page.locator(f"#item-{task.items.get().pk}")).to_contain_text("未达到目标≥99")
    screenshot(page, "entry-override-target")
    page.click("header .who button.link")
    page.wait_for_load_state("networkidle")
    browser_login(page, "jia_admin")
    page.goto(page.base_url + f"/assessment/{world.county.code}/{YEAR}/")
    row = page.locator("tr", has_text="城镇污水处理率")
    expect(row).to_contain_text("≥99")
    expect(row).to_contain_text("本地从严")
    screenshot(page, "assessment-override-target")
