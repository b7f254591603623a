"""The daily work of every role, end to end in Debian's Chromium at 1366×768 on the demo world
(issue 12, must-hold 4). Every page visited passes the page checks of `ecociv.web.pagecheck`:
Chinese text only, no wider than the viewport, its own title, no console error, no request
leaving the machine. A step that cannot be done fails with the page it stopped on."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, click_and_settle, screenshot
from ecociv.web import pagecheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SEED = Path(__file__).resolve().parents[2] / "extraction" / "eval" / "docs" / "invented-001.txt"


class Visit:
    """Checks every page the scenario shows and keeps the problems for one assertion."""

    def __init__(self, page):
        from ecociv.accounts.models import User

        self.page, self.problems = page, []
        self.allowed = set(User.objects.values_list("username", flat=True))
        pagecheck.watch(page)

    def check(self, name=None):
        self.page.wait_for_load_state("networkidle")
        self.problems += pagecheck.check(self.page, extra_allowed=self.allowed)
        if name:
            screenshot(self.page, f"flow-{name}")

    def goto(self, path, name=None):
        self.page.goto(self.page.base_url + path)
        self.check(name)

    def login(self, username, password):
        self.page.context.clear_cookies()
        browser_login(self.page, username, password)
        self.check()

    def done(self):
        assert not self.problems, "\n".join(self.problems)


def _post(page, locator):
    """A button posting through htmx (the row swaps) or a plain form (the page reloads)."""
    click_and_settle(page, locator)


def _editable_rows(page, limit):
    rows = page.locator("tr[id^=item-]").filter(has=page.locator("input[aria-label$=' 数值']"))
    return [rows.nth(i) for i in range(min(limit, rows.count()))]


def _code(row):
    return row.locator("input[aria-label$=' 数值']").get_attribute("aria-label").split(" ")[0]


def test_filler_reviewer_filler_reviewer(page, demo, tmp_path):
    """填报员 fills, attaches evidence, submits; 审核员 returns one with a reason and approves the
    rest; 填报员 fixes and resubmits; the value is approved."""
    from ecociv.entry.models import Task

    v = Visit(page)
    pdf = tmp_path / "佐证材料.pdf"
    pdf.write_bytes(PDF)
    v.login("shiling_filler", demo)
    expect(page.locator("#todo-overdue, #todo-due").first).to_be_visible()
    page.click("nav.sidenav >> text=数据填报")
    v.check("filler-tasks")
    task = Task.objects.filter(region__code="880121", department__users__username="shiling_filler",
                               status__in=["open", "returned"]).order_by("-year").first()
    assert task is not None, "演示数据中石岭县填报员没有待填报的任务"
    page.click(f"text={task.title}")
    v.check("filler-task")
    rows = _editable_rows(page, 2)
    assert rows, "任务中没有可填写的指标"
    codes = [_code(r) for r in rows]
    for code in codes:
        row = page.locator("tr[id^=item-]").filter(has=page.locator(f"input[aria-label='{code} 数值']"))
        row.get_by_label(f"{code} 数值").fill("96")
        if row.get_by_label(f"{code} 是否完成").count():
            row.get_by_label(f"{code} 是否完成").select_option("1")
        row.get_by_label(f"{code} 情况说明").fill("按年度统计公报填写")
        _post(page, row.locator("button", has_text="保存"))
        row = page.locator("tr[id^=item-]").filter(has=page.locator(f"[aria-label='{code} 佐证材料']"))
        row.get_by_label(f"{code} 佐证材料").set_input_files(str(pdf))
        _post(page, row.locator("button", has_text="上传"))
        expect(row.locator(".files")).to_contain_text("佐证材料.pdf")
    v.check("filler-filled")
    page.click("button:has-text('提交审核')")
    page.wait_for_load_state("networkidle")
    v.check("filler-submitted")
    expect(page.locator(".messages")).to_contain_text("已提交")

    v.login("shiling_reviewer", demo)
    expect(page.locator("#todo-review .stat")).not_to_have_text("0")
    page.click("#todo-review a.todo-head")
    v.check("reviewer-list")
    v.goto(f"/entry/tasks/{task.pk}/", "reviewer-task")
    returned = codes[0]
    page.get_by_label(f"{returned} 退回原因", exact=True).fill("数值与统计公报不一致，请核对")
    _post(page, page.locator("tr[id^=item-]").filter(
        has=page.locator(f"[aria-label='{returned} 退回原因']")).locator("button", has_text="退回"))
    v.check("reviewer-returned")
    page.click("button:has-text('全部审核通过')")
    page.wait_for_load_state("networkidle")
    v.check("reviewer-approved")
    expect(page.locator(".messages")).to_contain_text("审核通过")

    v.login("shiling_filler", demo)
    expect(page.locator("#todo-returned .stat")).to_have_text("1")
    page.click("#todo-returned li a")
    v.check("filler-returned")
    row = page.locator("tr[id^=item-]").filter(has=page.locator(f"input[aria-label='{returned} 数值']"))
    expect(row.locator(".reason")).to_contain_text("请核对")
    row.get_by_label(f"{returned} 数值").fill("95.5")
    _post(page, row.locator("button", has_text="保存"))
    page.click("button:has-text('提交审核')")
    page.wait_for_load_state("networkidle")
    v.check("filler-resubmitted")
    expect(page.locator(".messages")).to_contain_text("已提交 1 项")
    v.done()


def test_superior_sees_the_matrix_and_reopens_a_value(page, demo):
    from ecociv.entry.models import IndicatorValue, Task

    v = Visit(page)
    v.login("yunxi_superior", demo)
    page.click("nav.sidenav >> text=驾驶舱")
    v.check("superior-matrix")
    expect(page.locator("table.grid")).to_contain_text("石岭县")
    value = IndicatorValue.objects.filter(region__code="880121", status="approved").order_by("-year", "id").first()
    task = Task.objects.filter(region=value.region, year=value.year, items__indicator=value.indicator).first()
    v.goto(f"/entry/tasks/{task.pk}/", "superior-task")
    code = value.indicator.code
    page.get_by_label(f"{code} 重新打开理由", exact=True).fill("与省级核查结果不一致，请重新核实")
    with page.expect_navigation():
        page.locator("tr[id^=item-]").filter(has=page.locator(f"[aria-label='{code} 重新打开理由']")).locator(
            "button", has_text="重新打开").click()
    v.check("superior-reopened")
    expect(page.locator(".messages")).to_contain_text("已重新打开")
    value.refresh_from_db()
    assert value.status != "approved"
    v.done()


def test_county_office_evaluates_sample_monitoring_data_and_reads_an_old_summary(page, demo, tmp_path):
    from ecociv.entry.models import IndicatorValue

    v = Visit(page)
    v.login("linjiang_admin", demo)
    page.click("nav.sidenav >> text=监测数据")
    v.check("office-monitoring")
    page.select_option("#samples select[name=region]", "880102")
    page.click("#samples button[value=air]")
    page.wait_for_selector("#feed-form", timeout=180_000)
    v.check("office-air-run")
    # 7.1 of 临江区 2025 is 已提交 in the demo: a feed never overwrites a submitted value (entry's one
    # lock rule), it names it instead. The office returns it to the department with a reason, as
    # the message tells it to, and feeds again: now the computed value replaces it.
    page.select_option("#feed-form select[name=year]", "2025")
    page.click("#feed-form button")
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("未覆盖")
    from ecociv.accounts.models import User
    from ecociv.entry.actions.review import return_value

    submitted = IndicatorValue.objects.get(region__code="880102", year=2025, indicator__code="7.1",
                                           indicator__standard__code="national-2019")
    return_value(submitted, by=User.objects.get(username="linjiang_admin"), reason="以监测数据计算值为准")
    page.go_back()
    page.wait_for_selector("#feed-form", timeout=60_000)
    page.select_option("#feed-form select[name=year]", "2025")
    page.click("#feed-form button")
    page.wait_for_load_state("networkidle")
    v.check("office-air-fed")
    assert IndicatorValue.objects.filter(region__code="880102", year=2025, indicator__code="7.1",
                                         source="computed").exists(), page.locator(".messages, .errors").all_inner_texts()

    # An old summary from before the demo's years (2021–2025 are filled and mostly locked).
    text = SEED.read_text("utf-8").replace("青川县", "临江区").replace("2023", "2020").replace("2022", "2019")
    doc = tmp_path / "临江区2020年工作总结.txt"
    doc.write_text(text, encoding="utf-8")
    page.click("nav.sidenav >> text=文档识别")
    v.check("office-extraction")
    page.set_input_files("input[name=file]", str(doc))
    page.click("#upload-btn")
    page.wait_for_selector("#doc-text .hl", timeout=120_000)
    v.check("office-document")
    from ecociv.extraction.models import SourceDocument

    fact = SourceDocument.objects.get(region__code="880102").facts.get(quote="94.5%")  # 优良天数比例
    page.locator(f"#fact-{fact.pk} button.accept").click()
    page.wait_for_selector(f"#fact-{fact.pk} .ok")
    assert IndicatorValue.objects.filter(region__code="880102", year=2020, indicator__code="7.1",
                                         lineage__document__id=fact.document_id).exists()
    v.check("office-accepted")
    v.done()


def test_audit_administrator_reads_the_log(page, demo):
    v = Visit(page)
    v.login("auditadmin", demo)
    page.click("nav.sidenav >> text=审计日志")
    v.check("audit-log")
    page.select_option("select[name=action]", label="载入演示数据")
    page.click("button:has-text('筛选')")
    v.check("audit-filtered")
    expect(page.locator("table.audit")).to_contain_text("载入演示数据")
    with page.expect_download() as dl:
        page.click("text=导出 Excel")
    assert dl.value.suggested_filename.endswith(".xlsx")
    v.done()
