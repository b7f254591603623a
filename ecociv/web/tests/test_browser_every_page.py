"""Every page each role can reach by clicking, in Debian's Chromium at 1366×768 on the demo
world: Chinese text only (a small allow-list of units and codes), nothing wider than the
viewport, a title of its own, no console error, no request leaving the machine (issue 12)."""
import pytest

from ecociv.conftest import browser_login, screenshot
from ecociv.web import pagecheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["linjiang_admin", "shiling_filler", "shiling_reviewer", "yunxi_superior", "yunxi_leader", "auditadmin",
         "secadmin"]


def usernames():
    from ecociv.accounts.models import User

    # Login names are typed by people as they are (pinyin): not UI text.
    return set(User.objects.values_list("username", flat=True))


def test_every_reachable_page_passes_the_page_checks(page, demo):
    allowed = usernames()
    problems, total = [], 0
    pagecheck.watch(page)
    page.goto(page.base_url + "/accounts/login/")
    problems += pagecheck.check(page)
    for i, username in enumerate(ROLES):
        if i:
            page.context.clear_cookies()
        browser_login(page, username, demo)
        visited, found = pagecheck.crawl(page, limit=45, per_pattern=1, extra_allowed=allowed)
        total += len(visited)
        problems += [f"[{username}] {p}" for p in found]
    screenshot(page, "crawl-last-page")
    assert total > 100
    assert not problems, "\n".join(problems)


def test_error_pages_and_api_docs_work_offline(page, demo):
    pagecheck.watch(page)
    browser_login(page, "linjiang_admin", demo)
    resp = page.goto(page.base_url + "/no/such/page/")
    assert resp.status == 404 and "Resolver404" not in page.content()
    assert not pagecheck.check(page), pagecheck.check(page)
    page.goto(page.base_url + "/api/v1/docs")
    assert "接口说明" in page.title() and page.locator("table.api-ops tr").count() > 10
    assert not pagecheck.check(page, extra_allowed=usernames())
    screenshot(page, "api-docs")
