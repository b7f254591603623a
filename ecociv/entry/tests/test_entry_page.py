"""The entry page: unit, target for the region's class with its verification status, last
three years, exact decimals, qualitative yes/no, checks beside the value."""
from decimal import Decimal

import pytest

from ecociv.entry.actions.tasks import create_task
from ecociv.entry.actions.values import save_value
from ecociv.entry.models import IndicatorValue, ValueStatus

from .conftest import PDF, YEAR, ind, item

pytestmark = pytest.mark.django_db


def test_page_shows_unit_target_verification_and_three_years(client, world, env_task):
    i = ind(env_task, "27")
    for year, v in ((YEAR - 1, "99.5"), (YEAR - 2, "98"), (YEAR - 3, "97.25"), (YEAR - 4, "11")):
        IndicatorValue.objects.create(region=world.county, year=year, indicator=i, value=Decimal(v),
                                      status=ValueStatus.APPROVED)
    client.force_login(world.filler)
    html = client.get(f"/entry/tasks/{env_task.pk}/").content.decode()
    row = html[html.index(f'id="item-{item(env_task, "27").pk}"'):]
    row = row[:row.index("</tr>")]
    assert "集中式饮用水水源地水质优良比例" in row and "<td>%</td>" in row and "100" in row
    assert "99.5" in row and "97.25" in row and ">11<" not in row  # three years, not four
    assert "回忆一致" in row  # the target's verification status beside an unverified target
    # 11 林草覆盖率 is not in this task; 10 生态环境状况指数 has arid/other targets: 甲县 gets ≥60.
    row10 = html[html.index('data-code="10"'):]
    assert "≥60" in row10[:row10.index("</tr>")] and "存疑" in row10[:row10.index("</tr>")]


def test_values_are_stored_as_exact_decimals(client, world, env_task):
    client.force_login(world.filler)
    it = item(env_task, "27")
    resp = client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "99.123456", "note": "全年监测"},
                       HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "99.123456" in resp.content.decode()
    v = IndicatorValue.objects.get(region=world.county, year=YEAR, indicator=it.indicator)
    assert v.value == Decimal("99.123456") and v.note == "全年监测" and v.status == ValueStatus.DRAFT


def test_unreadable_number_is_refused_beside_the_value(client, world, env_task):
    client.force_login(world.filler)
    it = item(env_task, "27")
    resp = client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "约99%"}, HTTP_HX_REQUEST="true")
    assert "含有单位" in resp.content.decode()
    assert not IndicatorValue.objects.filter(indicator=it.indicator).exists()


def test_qualitative_target_takes_yes_no_and_an_optional_number(client, world, env_task):
    client.force_login(world.filler)
    it = item(env_task, "1")  # 生态文明建设规划: 制定实施
    html = client.get(f"/entry/tasks/{env_task.pk}/").content.decode()
    assert 'aria-label="1 是否完成"' in html and 'aria-label="27 是否完成"' not in html
    client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "", "achieved": "1", "note": "已印发"})
    v = IndicatorValue.objects.get(indicator=it.indicator, region=world.county)
    assert v.achieved is True and v.value is None
    it71 = item(env_task, "7.1")  # 优良天数比例: 完成上级任务, with a number
    client.post(f"/entry/tasks/{env_task.pk}/items/{it71.pk}/", {"value": "88.4", "achieved": "0"})
    v = IndicatorValue.objects.get(indicator=it71.indicator, region=world.county)
    assert v.achieved is False and v.value == Decimal("88.4")


def test_warnings_show_beside_the_value_and_in_the_task_list(client, world, env_task):
    client.force_login(world.filler)
    i = ind(env_task, "27")
    IndicatorValue.objects.create(region=world.county, year=YEAR - 1, indicator=i, value=Decimal(40),
                                  status=ValueStatus.APPROVED)
    resp = client.post(f"/entry/tasks/{env_task.pk}/items/{item(env_task, '27').pk}/", {"value": "120"},
                       HTTP_HX_REQUEST="true")
    row = resp.content.decode()
    assert "超出合理范围（0～100）" in row and "较上年（40）变化200%" in row and "须上传佐证材料" in row
    html = client.get(f"/entry/tasks/{env_task.pk}/").content.decode()
    listed = html[html.index("<h2>检查结果</h2>"):]
    assert "数值范围" in listed and "同比变化异常" in listed and "提交前须处理" in listed


def test_allow_over_100_lifts_the_percent_bound(world, env_task):
    i = ind(env_task, "27")
    i.allow_over_100 = True
    i.save()
    _, findings = save_value(env_task, i, by=world.filler, raw="120")
    assert not [f for f in findings if f.code == "range"]


def test_outlier_against_sibling_counties(world, env_task):
    from ecociv.regions.models import Region, RegionLink

    i = ind(env_task, "27")
    for n, v in enumerate(["95", "96", "97", "98", "96.5"], start=3):
        r = Region.objects.create(code=f"87012{n}", name=f"县{n}", level="county", parent=world.city,
                                  admin_class="county")
        RegionLink.objects.create(child=r, parent=world.city)
        IndicatorValue.objects.create(region=r, year=YEAR, indicator=i, value=Decimal(v),
                                      status=ValueStatus.SUBMITTED)
    _, findings = save_value(env_task, i, by=world.filler, raw="30")
    assert [f.code for f in findings if f.code == "outlier"] == ["outlier"]
    assert "修正Z分数" in next(f.message for f in findings if f.code == "outlier")
    _, findings = save_value(env_task, i, by=world.filler, raw="96")
    assert not [f for f in findings if f.code == "outlier"]


def test_work_items_are_reported_done_with_a_note(client, world):
    task = create_task(world.county, YEAR, world.env_dept, by=world.admin, work_items=["开展宣传月活动"])
    it = task.items.get()
    client.force_login(world.filler)
    client.post(f"/entry/tasks/{task.pk}/items/{it.pk}/", {"done": "1", "note": "6月开展"})
    it.refresh_from_db()
    assert it.done is True and it.note == "6月开展"


def test_evidence_is_checked_by_content_and_hashed(client, world, env_task, settings):
    import hashlib

    from ecociv.entry.models import Evidence

    client.force_login(world.filler)
    it = item(env_task, "27")
    url = f"/entry/tasks/{env_task.pk}/items/{it.pk}/evidence/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post(url, {"file": SimpleUploadedFile("监测报告.pdf", PDF)}, HTTP_HX_REQUEST="true")
    assert "监测报告.pdf" in resp.content.decode()
    ev = Evidence.objects.get()
    assert ev.sha256 == hashlib.sha256(PDF).hexdigest() and ev.content_type == "application/pdf"
    assert ev.value.status == ValueStatus.DRAFT
    # A program renamed to .pdf, and a PNG named .pdf, are refused by content.
    resp = client.post(url, {"file": SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
                       HTTP_HX_REQUEST="true")
    assert "不是允许的类型" in resp.content.decode()
    from .conftest import PNG

    resp = client.post(url, {"file": SimpleUploadedFile("照片.pdf", PNG)}, HTTP_HX_REQUEST="true")
    assert "扩展名与文件内容（PNG）不符" in resp.content.decode()
    settings.UPLOAD_MAX_MB = 1
    resp = client.post(url, {"file": SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024))},
                       HTTP_HX_REQUEST="true")
    assert "超过 1 MB" in resp.content.decode()
    assert Evidence.objects.count() == 1
    dl = client.get(f"/entry/evidence/{ev.pk}/")
    assert dl.status_code == 200 and b"".join(dl.streaming_content) == PDF
    assert "attachment" in dl["Content-Disposition"]
