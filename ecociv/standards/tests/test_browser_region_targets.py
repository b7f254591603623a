"""Real Chromium: the region-year targets page is a standards page now; an administrator reaches
it from the region's page (按钮“指标体系与年度目标”), sets a local override and reads it back."""
import re

import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_region_page_leads_to_the_targets_page_and_an_override_is_saved(page, world):
    browser_login(page, "jia_admin")
    page.goto(page.base_url + f"/regions/{world.county.code}/")
    screenshot(page, "region-detail")
    page.get_by_role("link", name="指标体系与年度目标").click()
    page.wait_for_load_state("networkidle")
    assert "/standards/targets/" + world.county.code + "/" in page.url
    expect(page).to_have_title(re.compile("年度目标"))
    row = page.locator("tr", has_text="城镇污水处理率")
    expect(row).to_contain_text("≥85")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "standards-region-targets")
