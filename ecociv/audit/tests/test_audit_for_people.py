"""The audit log as people read it (issue 12, must-hold 5) and the one masking rule for the
system roles (issue 15, item 4): on the page, in the .xlsx export, in the admin."""
import datetime as dt
import io
import re

import openpyxl
import pytest

from ecociv.audit.models import AuditLog
from ecociv.conftest import make_user
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.actions.values import save_value
from ecociv.entry.models import IndicatorValue, Task
from ecociv.regions.actions import update_region
from ecociv.web.pagecheck import english_words

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def history(world):
    """A value saved, submitted and returned with a reason; a region changed; an account granted."""
    assign_by_lead_department(world.county, YEAR, by=world.admin, deadline=dt.date(2026, 3, 31))
    task = Task.objects.get(region=world.county, year=YEAR, department=world.env_dept)
    ind = task.items.get(indicator__code="27").indicator
    save_value(task, ind, by=world.filler, raw="97.5", note="水源地监测年报")
    save_value(task, ind, by=world.filler, raw="98.25", note="水源地监测年报（更正）")
    value = IndicatorValue.objects.get(region=world.county, year=YEAR, indicator=ind)
    update_region(world.county, {"terrain": "hill"}, by=world.admin, reason="普查更正")
    return value


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_rows_read_in_chinese_with_labels_and_before_after(client, world, history):
    client.force_login(world.admin)
    html = client.get("/audit/").content.decode()
    body = html[html.index("<table"):]
    # Actions and objects by their Chinese names, never the codes.
    assert "保存数值" in body and "修改区划" in body and "指标数值" in body and "行政区划" in body
    assert "value.save" not in body and "entry.indicatorvalue" not in body and "region.update" not in body
    # Field labels and a readable diff: 数值 97.5 → 98.25; the region's terrain by its label.
    assert re.search(r"数值：</span><del>97\.5</del> → <ins>98\.25</ins>", body)
    assert re.search(r"地形[^<]*：</span><del>山区</del> → <ins>丘陵</ins>", body)
    assert not english_words([_text(body)], {"jia_admin", "jia_filler"}), english_words([_text(body)])


def test_filters_by_user_action_object_and_date(client, world, history):
    client.force_login(world.admin)
    by_action = client.get("/audit/", {"action": "region.update"}).content.decode()
    assert "修改区划" in by_action and "保存数值" not in by_action.split("<table")[1]
    by_user = client.get("/audit/", {"user": "jia_filler"}).content.decode().split("<table")[1]
    assert "保存数值" in by_user and "修改区划" not in by_user
    by_type = client.get("/audit/", {"object_type": "entry.indicatorvalue"}).content.decode().split("<table")[1]
    assert "保存数值" in by_type and "修改区划" not in by_type
    today = dt.date.today().isoformat()
    assert "保存数值" in client.get("/audit/", {"date_from": today, "date_to": today}).content.decode()
    assert "没有符合条件的记录" in client.get("/audit/", {"date_to": "2000-01-01"}).content.decode()
    # The filter's choices are labels too.
    page = client.get("/audit/").content.decode()
    assert '<option value="value.save"' in page and ">保存数值</option>" in page


def test_export_is_the_filtered_log_as_a_real_workbook(client, world, history):
    client.force_login(world.admin)
    resp = client.get("/audit/export.xlsx", {"user": "jia_filler"})
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["时间", "用户", "操作"] and ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and {r[1] for r in rows} == {"jia_filler"}
    assert isinstance(rows[0][0], dt.datetime)  # a date-time, not text
    assert any("数值：97.5 → 98.25" in (r[6] or "") for r in rows)


@pytest.mark.parametrize("role", ["auditadmin", "sysadmin", "secadmin"])
def test_system_roles_see_who_what_when_which_but_no_business_values(client, world, history, role):
    user = make_user(f"sys_{role}", role, None)
    if role != "auditadmin":
        # Only the audit administrator and administrators read the log.
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        return
    client.force_login(user)
    body = client.get("/audit/").content.decode()
    body = body[body.index("<h1>"):]
    # who, what, when, which object …
    assert "jia_filler" in body and "保存数值" in body and "指标数值" in body and "甲县" in body
    # … never the values, notes or reasons of business objects.
    for secret in ("97.5", "98.25", "水源地监测年报", "普查更正", "山区", "丘陵"):
        assert secret not in body, secret
    assert "已隐藏" in body
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/audit/export.xlsx").content)).active
    cells = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert "jia_filler" in cells and "保存数值" in cells
    for secret in ("97.5", "98.25", "水源地监测年报", "普查更正"):
        assert secret not in cells, secret


def test_system_roles_read_account_changes_in_full(client, world):
    from ecociv.accounts.actions import set_active

    sys_ = make_user("sys1", "sysadmin", None)
    set_active(world.viewer, False, by=sys_)
    assert AuditLog.objects.filter(object_type="accounts.user", action="user.disable").exists()
    audit = make_user("aud1", "auditadmin", None)
    client.force_login(audit)
    body = client.get("/audit/", {"object_type": "accounts.user"}).content.decode()
    table = body.split("<table")[1].split("</table>")[0]
    assert "停用账户" in table and "已隐藏" not in table and "<del>是</del> → <ins>否</ins>" in table


def test_admin_change_view_follows_the_same_rule(client, world, history):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    from ecociv.audit.admin import AuditLogAdmin

    req = RequestFactory().get("/")
    req.user = make_user("aud2", "auditadmin", None)
    ma = AuditLogAdmin(AuditLog, django_admin.site)
    row = AuditLog.objects.filter(object_type="entry.indicatorvalue").first()
    assert "before" not in ma.get_fields(req, row) and "reason" not in ma.get_fields(req, row)
    req.user = world.admin
    assert "before" in ma.get_fields(req, row)


def test_value_history_uses_the_same_presentation(client, world, history):
    client.force_login(world.admin)
    body = client.get(f"/entry/values/{history.pk}/history/").content.decode()
    assert "保存数值" in body and "97.5 → <strong>98.25</strong>" in body
