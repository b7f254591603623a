"""Submit and approve agree (issue 12), maker-checker (issue 15): what blocks a submit is only
what the submitter can change; what would block a submit cannot be locked by approving it
(unless the reviewer overrides it with a reason, audited); nobody approves their own value."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from ecociv.audit.models import AuditLog
from ecociv.entry.actions.review import approval_problems, approve_values, return_value, submit_task
from ecociv.entry.actions.values import save_value
from ecociv.entry.models import Evidence, IndicatorValue, Task, ValueStatus

from .conftest import YEAR, fill_all, ind

pytestmark = pytest.mark.django_db


def _value(task, code):
    return IndicatorValue.objects.get(region=task.region, year=YEAR, indicator=ind(task, code))


def test_a_locked_row_that_fails_a_check_does_not_block_the_submit(client, world, env_task):
    fill_all(env_task, world.filler)
    # 27 was approved without its evidence (how the demo's rows arose): the filler cannot touch it.
    Evidence.objects.filter(value__indicator=ind(env_task, "27")).delete()
    IndicatorValue.objects.filter(indicator=ind(env_task, "27")).update(status=ValueStatus.APPROVED)
    client.force_login(world.filler)
    resp = client.post(f"/entry/tasks/{env_task.pk}/submit/")
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert _value(env_task, "14").status == ValueStatus.SUBMITTED
    assert _value(env_task, "27").status == ValueStatus.APPROVED


def test_approving_a_row_that_fails_a_blocking_check_is_refused_unless_overridden(client, world, env_task):
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    v = _value(env_task, "27")
    Evidence.objects.filter(value=v).delete()  # e.g. removed by an administrator after the submit
    client.force_login(world.reviewer)
    resp = client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve", "value": [v.pk]}, follow=True)
    body = resp.content.decode()
    assert "不能审核通过" in body and "约束性指标须上传佐证材料" in body
    assert _value(env_task, "27").status == ValueStatus.SUBMITTED
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve", "value": [v.pk],
                                                         "override": "纸质材料已现场核验"})
    assert _value(env_task, "27").status == ValueStatus.APPROVED
    row = AuditLog.objects.get(action="value.approve", object_id=str(v.pk))
    assert row.reason.startswith("放行：纸质材料已现场核验")
    assert "约束性指标须上传佐证材料" in row.after["override"]["findings"][0]


def test_nobody_approves_a_value_they_entered_or_last_changed(client, world, env_task):
    fill_all(env_task, world.admin)  # the 创建办 fills on the department's behalf…
    submit_task(env_task, by=world.admin)
    v = _value(env_task, "27")
    client.force_login(world.admin)  # …and may review in general, but not this value
    body = client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve_all"}, follow=True).content.decode()
    assert "录入与审核分离" in body
    assert _value(env_task, "27").status == ValueStatus.SUBMITTED
    resp = client.post(f"/api/v1/entry/values/{v.pk}/approve", {"reason": ""}, content_type="application/json")
    assert resp.status_code == 422 and "录入与审核分离" in resp.json()["detail"]
    client.force_login(world.reviewer)
    client.post(f"/entry/tasks/{env_task.pk}/review/", {"op": "approve_all"})
    assert _value(env_task, "27").status == ValueStatus.APPROVED


def test_no_demo_task_starts_deadlocked(client):
    """Every locked demo row passes the checks its own approval needs; every demo task's
    submittable rows are the only ones a submit can complain about."""
    from ecociv.accounts.models import User

    call_command("demo", "--quiet", stdout=StringIO())
    locked = list(IndicatorValue.objects.filter(year=2025, status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED])
                  .select_related("region", "indicator", "indicator__standard", "indicator__parent"))
    assert locked
    _refusals, blocking = approval_problems(locked, by=User(pk=None))
    assert blocking == []
    # A filler of a task with drafts sees only problems on rows they can change.
    task = next(t for t in Task.objects.filter(year=2025).select_related("region", "department")
                if IndicatorValue.objects.filter(region=t.region, year=2025, status=ValueStatus.DRAFT,
                                                 indicator__task_items__task=t).exists())
    filler = User.objects.filter(role="filler", department=task.department).first() or \
        User.objects.filter(role="admin", region=task.region).first()
    client.force_login(filler)
    resp = client.post(f"/entry/tasks/{task.pk}/submit/")
    if resp.status_code == 422:
        editable = {v.indicator.code for v in IndicatorValue.objects.filter(
            region=task.region, year=2025, status__in=[ValueStatus.DRAFT, ValueStatus.RETURNED]).select_related("indicator")}
        import re

        listed = set(re.findall(r'<a href="#item-\d+">([\d.]+) ', resp.content.decode()))
        assert listed and listed <= editable | {it.indicator.code for it in task.items.select_related("indicator")
                                                if not IndicatorValue.objects.filter(region=task.region, year=2025,
                                                                                     indicator=it.indicator).exists()}


def test_a_stale_save_is_refused_with_the_other_persons_change(client, world, env_task):
    from django.test import Client

    from .conftest import item

    it = item(env_task, "14")
    save_value(env_task, it.indicator, by=world.filler, raw="90", note="初稿")
    v = _value(env_task, "14")
    seen = v.version
    other = Client()
    other.force_login(world.admin)
    other.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "95", "note": "创建办更正", "version": seen})
    client.force_login(world.filler)
    resp = client.post(f"/entry/tasks/{env_task.pk}/items/{it.pk}/", {"value": "91", "note": "我的修改",
                                                                        "version": seen}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "保存未成功" in body and "jia_admin" in body and "数值：90 → 95" in body
    assert _value(env_task, "14").value == Decimal(95) and _value(env_task, "14").note == "创建办更正"
    # The API: a write without the version it read, or with a stale one, is 409 and changes nothing.
    url = f"/api/v1/entry/tasks/{env_task.pk}/values/14"
    assert client.post(url, {"value": "92"}, content_type="application/json").status_code == 409
    resp = client.post(url, {"value": "92", "version": seen}, content_type="application/json")
    assert resp.status_code == 409 and "数值：90 → 95" in resp.json()["detail"]
    fresh = client.get(f"/api/v1/entry/tasks/{env_task.pk}").json()
    version = next(i for i in fresh["items"] if i.get("indicator") == "14")["value"]["version"]
    resp = client.post(url, {"value": "92", "version": version}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["value"]["value"] == "92"


def test_template_round_trip_with_locked_rows(client, world, env_task):
    """Download the platform's own template, change one cell, upload: accepted; unchanged rows
    are 未变 and locked rows 已锁定, not errors; a changed locked row is refused by sheet/row/column."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    approve_values([_value(env_task, "27")], by=world.reviewer)
    return_value(_value(env_task, "14"), by=world.reviewer, reason="请核对")
    client.force_login(world.filler)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/entry/tasks/{env_task.pk}/template.xlsx").content))
    ws = wb["填报"]
    head = {c.value: i + 1 for i, c in enumerate(ws[1])}
    rows = {ws.cell(r, head["指标编码"]).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["14"], head["数值"]).value = 99
    buf = io.BytesIO()
    wb.save(buf)
    url = f"/entry/tasks/{env_task.pk}/upload/"
    body = client.post(url, {"file": SimpleUploadedFile("模板.xlsx", buf.getvalue())}).content.decode()
    n = len(rows)
    assert f"新增 0 条，更新 1 条，未变 0 条，已锁定未变 {n - 1} 条，错误 0 条" in body
    assert "已锁定（未变）" in body and "确认导入" in body
    from ecociv.entry.models import ImportJob

    assert client.post(url, {"job": ImportJob.objects.get().pk}).status_code == 302
    v = _value(env_task, "14")
    assert v.value == Decimal(99) and v.status == ValueStatus.RETURNED
    # A changed locked row is the only error, named by sheet, row and column.
    ws.cell(rows["27"], head["数值"]).value = 98
    buf = io.BytesIO()
    wb.save(buf)
    body = client.post(url, {"file": SimpleUploadedFile("模板.xlsx", buf.getvalue())}).content.decode()
    assert f"工作表“填报” 第 {rows['27']} 行，“数值”列：甲县 2025年 指标 27 已审核，已锁定" in body
    assert "错误 1 条" in body and _value(env_task, "27").value == Decimal(100)
