"""Real Chromium: a filler fills and submits a task; the reviewer returns one value with a
reason; the filler fixes it; the reviewer approves; the value is locked."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from ecociv.conftest import browser_login, screenshot
from ecociv.entry.actions.tasks import create_task
from ecociv.entry.models import IndicatorValue, ValueStatus

from .conftest import PDF, YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("header .who button.link")
    page.wait_for_load_state("networkidle")


def post(page, locator):
    """Click a button that posts through htmx; wait for the swapped row and, after a row
    change, for the task's check list to reload."""
    if "退回" in locator.inner_text():  # a plain form post: the whole page reloads
        with page.expect_navigation():
            locator.click()
        return
    with page.expect_response(lambda r: "/checks/" in r.url), page.expect_response(
            lambda r: r.request.method == "POST"):
        locator.click()


def row(page, task, code):
    it = task.items.get(indicator__code=code, indicator__standard__code="national-2019")
    return page.locator(f"#item-{it.pk}")


def test_fill_submit_return_fix_approve_lock(page, world, tmp_path):
    inds = [world.standard.indicators.get(code=c) for c in ("1", "27", "39")]
    task = create_task(world.county, YEAR, world.env_dept, by=world.admin, indicators=inds,
                               deadline=dt.date.today() + dt.timedelta(days=7), work_items=["组织生态文明宣传月活动"])
    pdf = tmp_path / "水源地监测报告.pdf"
    pdf.write_bytes(PDF)

    browser_login(page, "jia_filler")
    page.click("nav.sidenav >> text=数据填报")
    expect(page.locator("h1")).to_have_text("我的待办")
    expect(page.locator("table.tasks")).to_contain_text("剩 7 天")
    screenshot(page, "entry-todo")
    page.click(f"text={task.title}")

    r27 = row(page, task, "27")
    r27.get_by_label("27 数值").fill("99.5")
    r27.get_by_label("27 情况说明").fill("全年监测12次，均达标")
    post(page, r27.locator("button", has_text="保存"))
    expect(r27.locator(".state")).to_contain_text("须上传佐证材料")
    r27 = row(page, task, "27")
    r27.get_by_label("27 佐证材料").set_input_files(str(pdf))
    post(page, r27.locator("button", has_text="上传"))
    expect(row(page, task, "27").locator(".files")).to_contain_text("水源地监测报告.pdf")
    expect(row(page, task, "27").locator(".state")).not_to_contain_text("须上传佐证材料")

    r1 = row(page, task, "1")
    r1.get_by_label("1 是否完成").select_option("1")
    r1.get_by_label("1 情况说明").fill("《甲县生态文明建设规划（2021—2030年）》已印发实施")
    post(page, r1.locator("button", has_text="保存"))
    expect(row(page, task, "1").get_by_label("1 是否完成")).to_have_value("1")
    row(page, task, "1").get_by_label("1 佐证材料").set_input_files(str(pdf))
    post(page, row(page, task, "1").locator("button", has_text="上传"))
    expect(row(page, task, "1").locator(".files")).to_contain_text("水源地监测报告.pdf")

    r39 = row(page, task, "39")
    r39.get_by_label("39 数值").fill("8.5")
    post(page, r39.locator("button", has_text="保存"))
    expect(row(page, task, "39").get_by_label("39 数值")).to_have_value("8.5")
    screenshot(page, "entry-filled")
    page.click("button:has-text('提交审核')")
    expect(page.locator(".messages")).to_contain_text("已提交 3 项数据")
    expect(row(page, task, "39").locator(".state")).to_contain_text("已提交")
    logout(page)

    browser_login(page, "jia_reviewer")
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    expect(page.locator(".review-bar")).to_contain_text("3 项待审核")
    row(page, task, "39").get_by_label("39 退回原因").fill("满意度应为百分数，8.5% 明显有误，请核对调查报告")
    post(page, row(page, task, "39").locator("button", has_text="退回"))
    expect(row(page, task, "39").locator(".state")).to_contain_text("已退回")
    screenshot(page, "entry-returned-by-reviewer")
    logout(page)

    browser_login(page, "jia_filler")
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    expect(row(page, task, "39").locator(".reason")).to_contain_text("8.5% 明显有误")
    row(page, task, "39").get_by_label("39 数值").fill("85")
    row(page, task, "39").get_by_label("39 情况说明").fill("按第三方调查报告更正为85%")
    post(page, row(page, task, "39").locator("button", has_text="保存"))
    expect(row(page, task, "39").get_by_label("39 数值")).to_have_value("85")
    screenshot(page, "entry-fixed-by-filler")
    page.click("button:has-text('提交审核')")
    expect(page.locator(".messages")).to_contain_text("已提交 1 项数据")
    logout(page)

    browser_login(page, "jia_reviewer")
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    page.click("button:has-text('全部审核通过')")
    expect(page.locator(".messages")).to_contain_text("已审核通过 3 项数据并锁定")
    for code in ("1", "27", "39"):
        expect(row(page, task, code).locator(".state")).to_contain_text("已审核·已锁定")
    screenshot(page, "entry-approved")
    logout(page)

    browser_login(page, "jia_filler")
    page.goto(page.base_url + f"/entry/tasks/{task.pk}/")
    expect(row(page, task, "39").get_by_label("39 数值")).to_have_count(0)  # locked: no input left
    expect(row(page, task, "39").locator(".value-shown")).to_contain_text("85")
    v = IndicatorValue.objects.get(region=world.county, year=YEAR, indicator=inds[2])
    assert v.status == ValueStatus.APPROVED and str(v.value.normalize()) == "85"
    page.click(f"#item-{task.items.get(indicator=inds[2]).pk} >> text=历史")
    expect(page.locator("table.grid")).to_contain_text("满意度应为百分数")
    screenshot(page, "entry-history")
