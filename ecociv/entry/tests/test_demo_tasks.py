"""The demo has tasks for every county, bulk-assigned by lead department, some overdue; a
second run creates nothing."""
from io import StringIO

import pytest
from django.core.management import call_command

from ecociv.entry.models import Task
from ecociv.entry.views import lateness
from ecociv.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_tasks_per_county_some_late(client):
    call_command("demo", "--quiet", stdout=StringIO())
    n = Task.objects.count()
    call_command("demo", "--quiet", stdout=StringIO())
    assert Task.objects.count() == n
    for county in Region.objects.filter(level="county"):
        tasks = Task.objects.filter(region=county, year=2025)
        assert tasks.count() >= 10 and all(t.deadline for t in tasks)
        assert "生态环境局" in {t.department.name for t in tasks}
    assert any(lateness(t)["late"] for t in Task.objects.all())
    from ecociv.accounts.models import User

    client.force_login(User.objects.get(username="shiling_filler"))
    html = client.get("/entry/").content.decode()
    assert "生态环境局指标填报" in html and "住房和城乡建设局" not in html
