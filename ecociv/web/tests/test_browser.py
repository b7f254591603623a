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
    page.click("text=国家生态文明建设示范市县建设指标")
    assert "国家生态文明建设示范市县建设指标" in page.locator("h1").inner_text()
    assert page.locator("tr#i29").inner_text().count("≥") == 2  # city and county targets
    screenshot(page, "standard-2019")
    page.click("nav.sidenav >> text=行政区划")
    assert page.locator("text=甲县").count() >= 1
    screenshot(page, "regions")


def test_system_role_sees_accounts_not_business_data(page, world):
    from ecociv.conftest import make_user

    make_user("sys_browser", "sysadmin", None)
    browser_login(page, "sys_browser")
    # An initial password is not set here (make_user), so no forced change: the home page.
    assert page.locator("h1").inner_text() == "首页"
    assert page.locator("nav.sidenav >> text=账户管理").count() == 1
    assert page.locator("nav.sidenav >> text=数据填报").count() == 0
    screenshot(page, "home-sysadmin")
