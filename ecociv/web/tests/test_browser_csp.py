"""The Content-Security-Policy in a real browser (issue 15, must-hold 9): the chart pages, the year
selectors and htmx work with script-src 'self' and no inline script, and the page check names a
violation when one happens."""
import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.web import pagecheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_PAGES = {
    "/dashboard/matrix/880100/2025/": "#matrix canvas",
    "/dashboard/region/880121/2025/": "#radar canvas",
    "/dashboard/completeness/880100/2025/": "#regions canvas",
    "/ledger/880121/2025/": None,
    "/assessment/880121/2025/": None,
}


def test_chart_pages_and_year_selectors_work_under_the_policy(page, demo):
    pagecheck.watch(page)
    browser_login(page, "yunxi_superior", demo)
    problems = []
    for path, canvas in CHART_PAGES.items():
        resp = page.goto(page.base_url + path)
        assert resp.status == 200, path
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if canvas:  # ECharts drew its chart: the data reached dashboard.js without an inline script
            expect(page.locator(canvas).first).to_be_visible()
        problems += pagecheck.check(page)
    screenshot(page, "csp-assessment")
    # The year selector (data-navigate in app.js, formerly an inline onchange).
    page.goto(page.base_url + "/dashboard/matrix/880100/2025/")
    with page.expect_navigation():
        page.locator("label.yearsel select").select_option(label="2024年")
    assert page.url.endswith("/dashboard/matrix/880100/2024/")
    expect(page.locator("#matrix canvas").first).to_be_visible()
    problems += pagecheck.check(page)
    screenshot(page, "csp-matrix-2024")
    # A region filter that submits its form (data-autosubmit).
    page.goto(page.base_url + "/assessment/")
    select = page.locator("select[data-autosubmit]").first
    other = select.evaluate("s => [...s.options].find(o => !o.selected).value")
    with page.expect_navigation():
        select.select_option(other)
    assert f"year={other}" in page.url
    problems += pagecheck.check(page)
    assert not problems, "\n".join(problems)


def test_the_page_check_names_an_inline_script_the_policy_blocked(page, demo):
    pagecheck.watch(page)
    page.goto(page.base_url + "/accounts/login/")
    assert not pagecheck.check(page)
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                           document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None  # the browser refused to run it
    problems = pagecheck.check(page)
    assert any("违反内容安全策略" in p and "script-src" in p for p in problems), problems


def test_htmx_rows_show_the_chosen_file_and_admin_pages_keep_the_policy(page, demo, tmp_path):
    from ecociv.accounts.models import User
    from ecociv.entry.models import Task

    pagecheck.watch(page)
    browser_login(page, "shiling_filler", demo)
    task = Task.objects.filter(region__code="880121", department__users__username="shiling_filler",
                               status__in=["open", "returned"]).order_by("-year").first()
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    pick = page.locator("input[type=file][data-show-filename]").first
    pdf = tmp_path / "监测报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    pick.set_input_files(str(pdf))
    # app.js (a listener on the document, formerly an inline onchange) names the file beside the button.
    expect(pick.locator("xpath=following-sibling::span[1]")).to_have_text("监测报告.pdf")
    problems = pagecheck.check(page)
    screenshot(page, "csp-entry-file-chosen")

    # Django's admin under the same policy: no violation on the pages an administrator uses.
    User.objects.create_superuser("root_csp", password="Root#2026pass")
    page.context.clear_cookies()
    browser_login(page, "root_csp", "Root#2026pass")
    for path in ("/admin/", "/admin/audit/auditlog/", "/admin/axes/accesslog/", "/admin/accounts/user/"):
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        csp = page.evaluate("() => (window.__ecocivCsp || []).splice(0)")
        problems += [f"{path}: {v}" for v in csp]
    page._ecociv_watch["console"].clear()  # the admin's English and titles are Django's, not checked here
    screenshot(page, "csp-admin-users")
    assert not problems, "\n".join(problems)
