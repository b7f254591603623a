"""The home page is a to-do list per role (issue 12, must-hold 6): counts and links, scoped."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from ecociv.entry.actions.review import return_value
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.actions.values import save_value
from ecociv.entry.models import IndicatorValue, Task

pytestmark = pytest.mark.django_db


def todo(html, key):
    m = re.search(rf'id="todo-{key}">\s*<a class="todo-head" href="([^"]+)"><span class="stat">(\d+)</span>', html)
    return (int(m.group(2)), m.group(1)) if m else None


@pytest.fixture
def tasks(world):
    past = timezone.localdate() - dt.timedelta(days=3)
    assign_by_lead_department(world.county, 2025, by=world.admin, deadline=past)
    assign_by_lead_department(world.other_county, 2025, by=world.other_admin,
                                      deadline=timezone.localdate() + dt.timedelta(days=5))
    return Task.objects.get(region=world.county, year=2025, department=world.env_dept)


def test_filler_sees_overdue_tasks_and_returned_values_of_their_department(client, world, tasks):
    ind = tasks.items.get(indicator__code="27").indicator
    save_value(tasks, ind, by=world.filler, raw="98", note="")
    v = IndicatorValue.objects.get(region=world.county, year=2025, indicator=ind)
    v.status = "submitted"
    v.save()
    return_value(v, by=world.reviewer, reason="与年鉴不一致")
    client.force_login(world.filler)
    html = client.get("/").content.decode()
    assert todo(html, "overdue")[0] == 1 and todo(html, "overdue")[1] == "/entry/?late=1"
    assert "已逾期 3 天" in html
    assert todo(html, "returned")[0] == 1 and "与年鉴不一致" in html
    assert todo(html, "review") is None  # a filler reviews nothing
    # Another county's tasks (due in 5 days) are not this filler's.
    assert todo(html, "due")[0] == 0


def test_reviewer_sees_values_waiting_for_review_in_scope_only(client, world, tasks):
    ind = tasks.items.get(indicator__code="27").indicator
    save_value(tasks, ind, by=world.filler, raw="98", note="")
    IndicatorValue.objects.filter(region=world.county).update(status="submitted")
    other = Task.objects.filter(region=world.other_county).first()
    o_ind = other.items.filter(indicator__isnull=False).first().indicator
    IndicatorValue.objects.create(region=world.other_county, year=2025, indicator=o_ind, value=1, status="submitted")
    client.force_login(world.reviewer)
    html = client.get("/").content.decode()
    n, url = todo(html, "review")
    assert n == IndicatorValue.objects.filter(region=world.county, status="submitted").count() == 1
    assert url == "/entry/?status=submitted"


def test_failed_monitoring_runs_are_listed_for_those_who_upload(client, world):
    from ecociv.monitoring.models import MonitoringRun

    MonitoringRun.objects.create(kind="water", region=world.county, created_by=world.admin, state="failed",
                                 error="文件格式错误")
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    assert todo(html, "runs")[0] == 1
    client.force_login(world.viewer)
    assert todo(client.get("/").content.decode(), "runs") is None


def test_system_roles_get_no_business_todos(client, world, tasks):
    from ecociv.conftest import make_user

    client.force_login(make_user("aud_home", "auditadmin", None))
    html = client.get("/").content.decode()
    assert "今日待办" not in html and "审计日志" in html
