import datetime as dt

import pytest

from ecociv.entry.actions.evidence import add_evidence
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.actions.values import save_value
from ecociv.entry.models import Task

YEAR = 2025


@pytest.fixture
def env_task(world):
    """甲县 2025: every indicator assigned to its lead department; the 生态环境局 task."""
    assign_by_lead_department(world.county, YEAR, by=world.admin, deadline=dt.date(2026, 3, 31))
    return Task.objects.get(region=world.county, year=YEAR, department=world.env_dept)


@pytest.fixture
def housing_task(env_task, world):
    return Task.objects.get(region=world.county, year=YEAR, department=world.housing_dept)


def item(task, code):
    return task.items.select_related("indicator").get(indicator__code=code)


def ind(task, code):
    return item(task, code).indicator


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_all(task, by, *, evidence=True):
    """Fill every indicator of a task with a value its checks accept."""
    from ecociv.core.targets import select_target

    rc = task.region.as_class()
    for it in task.items.select_related("indicator").filter(indicator__isnull=False):
        i = it.indicator
        spec = select_target(i.target_specs(), rc)
        if spec is not None and spec.op == "text":
            save_value(task, i, by=by, raw="", achieved=True, note="已完成")
        else:
            target = spec.value if spec is not None and spec.value is not None else 50
            raw = str(min(target, 100) if i.unit == "%" else target)
            save_value(task, i, by=by, raw=raw, note="")
        if evidence and i.effective_type == "binding":
            add_evidence(task, i, by=by, name="证明.pdf", data=PDF + i.code.encode())
