import pytest

from ecociv.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_navigate_the_catalogue(page, world):
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url and page.locator("h1").inner_text() == "用户登录"
    screenshot(page, "login")
    browser_login(page, "jia_admin")
    assert page.locator("h1").inner_text() == "首页"
    page.click("nav.sidenav >> text=指标体系")
    page.click("text=national-2019")
    assert "国家生态文明建设示范市县建设指标" in page.locator("h1").inner_text()
    assert page.locator("tr#i29").inner_text().count("≥") == 2  # city and county targets
    screenshot(page, "standard-2019")
    page.click("nav.sidenav >> text=行政区划")
    assert page.locator("text=甲县").count() >= 1
    screenshot(page, "regions")
