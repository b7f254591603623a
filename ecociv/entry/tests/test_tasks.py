"""Tasks: bulk assignment by lead department, the filler's 待办, lateness for administrators."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ecociv.audit.models import AuditLog
from ecociv.entry.actions.tasks import assign_by_lead_department, create_task
from ecociv.entry.errors import EntryError
from ecociv.entry.models import Task

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_it_assigns_every_indicator_to_its_lead_department(world):
    tasks, unmatched = assign_by_lead_department(world.county, YEAR, by=world.admin,
                                                         deadline=dt.date(2026, 3, 31))
    by_dept = {t.department.name: {i.indicator.code for i in t.items.all()} for t in tasks}
    assert set(by_dept) == {"生态环境局", "住房和城乡建设局"}
    assert {"1", "5", "7.1", "7.2", "14", "27"} <= by_dept["生态环境局"]
    assert {"8.3", "29", "30", "33", "35.1"} == by_dept["住房和城乡建设局"]
    assert "7" not in by_dept["生态环境局"]  # composite: its sub-items are filled instead
    assert "24" not in by_dept["生态环境局"]  # city-only indicator, 甲县 is a county
    assert "9" not in by_dept["生态环境局"]  # coastal-only, 甲县 is inland
    assert any("林业局" in u for u in unmatched)
    assert AuditLog.objects.filter(action="task.create").count() == 2
    again, _ = assign_by_lead_department(world.county, YEAR, by=world.admin, deadline=None)
    assert again == [] and Task.objects.count() == 2


def test_filler_sees_only_their_department_with_days_left(client, world, env_task, housing_task):
    Task.objects.filter(pk=env_task.pk).update(deadline=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(world.filler)
    html = client.get("/entry/").content.decode()
    assert "我的待办" in html and env_task.title in html and housing_task.title not in html
    assert "剩 5 天" in html


def test_admin_sees_lateness(client, world, env_task, housing_task):
    Task.objects.filter(pk=housing_task.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    Task.objects.filter(pk=env_task.pk).update(deadline=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(world.admin)
    html = client.get("/entry/").content.decode()
    assert "逾期 3 天" in html and "有 <strong>1</strong> 项任务已过截止日期" in html
    html = client.get("/entry/?late=1").content.decode()
    assert housing_task.title in html and env_task.title not in html
    data = client.get("/api/v1/entry/tasks").json()
    late = {t["department"]: t["late"] for t in data}
    assert late == {"生态环境局": False, "住房和城乡建设局": True}


def test_admin_creates_a_task_with_work_items_through_the_page(client, world):
    client.force_login(world.admin)
    ind = world.standard.indicators.get(code="29")
    resp = client.post(f"/entry/tasks/new/?region={world.county.code}&year={YEAR}", {
        "region": world.county.code, "year": YEAR, "department": world.housing_dept.pk, "deadline": "2026-04-30",
        "indicators": [ind.pk], "work_items": "开展生活垃圾分类宣传\n\n", "title": "",
    })
    task = Task.objects.get()
    assert resp.status_code == 302 and task.deadline == dt.date(2026, 4, 30)
    assert [(i.indicator_id, i.title) for i in task.items.all()] == [(ind.pk, ""), (None, "开展生活垃圾分类宣传")]


def test_bulk_assign_through_the_page(client, world):
    client.force_login(world.admin)
    resp = client.post("/entry/tasks/new/", {"region": world.county.code, "year": YEAR, "mode": "bulk",
                                             "deadline": "2026-03-31"})
    assert resp.status_code == 302 and Task.objects.count() == 2


def test_filler_and_viewer_cannot_create_tasks(client, world):
    for user in (world.filler, world.viewer):
        client.force_login(user)
        assert client.get("/entry/tasks/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        assign_by_lead_department(world.county, YEAR, by=world.filler, deadline=None)


def test_an_indicator_is_assigned_only_once_per_region_year(world, env_task):
    with pytest.raises(EntryError, match="已分配"):
        create_task(world.county, YEAR, world.housing_dept, by=world.admin,
                            indicators=[world.standard.indicators.get(code="5")])
