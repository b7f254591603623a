"""Computed values go through the entry checks (entry/data/checks.yaml) like an import: a
blocking finding refuses the whole feed as it refuses a whole import file; warnings are
written with the values, kept in the audit row and the run's record, and shown beside the value."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ecociv.audit.models import AuditLog
from ecociv.entry.actions.review import submit_task
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.errors import SubmitBlocked
from ecociv.entry.importing import plan_import
from ecociv.entry.models import IndicatorValue, Task, ValueStatus
from ecociv.monitoring.actions import create_run, feed_values, summary_text
from ecociv.monitoring.feed import FeedError
from ecociv.monitoring.models import RunKind, RunState
from ecociv.regions.models import Region
from ecociv.standards.models import Indicator

pytestmark = pytest.mark.django_db


def row(region, value, year=2026, measure="air.good_rate"):  # national-2019 7.1 (monitoring/data/indicator-map.yaml)
    return {"region": region, "year": year, "measure": measure, "value": Decimal(value),
            "note": "监测计算", "lineage": {"inputs": [{"name": "air.csv", "sha256": "0" * 64}]}}


def test_a_good_rate_above_100_percent_is_refused_as_an_import_refuses_it(world, tmp_path):
    with pytest.raises(FeedError) as exc:
        feed_values([row("870122", "80"), row("870121", "130")], by=world.city_admin)
    msg = str(exc.value)
    assert "未写入任何数值" in msg and "甲县 2026年 7.1" in msg and "数值范围" in msg and "130" in msg
    assert "乙县" not in msg
    assert not IndicatorValue.objects.exists() and not AuditLog.objects.filter(action="value.compute").exists()
    # The same figure in an import file is an error of its row, and a file with errors is not imported.
    f = tmp_path / "v.csv"
    f.write_text("区划代码,年度,指标编码,数值,说明\n870122,2026,7.1,80,\n870121,2026,7.1,130,\n", encoding="utf-8")
    plan = plan_import(f, by=world.city_admin)
    assert not plan.ok and any("数值范围" in e for e in plan.rows[1].errors)
    assert not any("数值范围" in e for e in plan.rows[0].errors)


def test_drafts_are_checked_as_saving_is_and_submitting_then_blocks(world):
    assign_by_lead_department(world.county, 2026, by=world.admin, deadline=dt.date(2027, 3, 31))
    out = feed_values([row("870121", "130")], by=world.city_admin, status=ValueStatus.DRAFT)
    assert out["created"] == 1 and any("数值范围" in w for w in out["warnings"])
    v = IndicatorValue.objects.get(indicator__code="7.1", year=2026)
    assert v.status == ValueStatus.DRAFT
    task = Task.objects.get(items__indicator=v.indicator, year=2026, region=world.county)
    with pytest.raises(SubmitBlocked, match="超出合理范围"):
        submit_task(task, by=world.filler)


def test_a_year_on_year_jump_is_written_with_a_warning_kept_and_shown_beside_the_value(client, world):
    assign_by_lead_department(world.county, 2026, by=world.admin, deadline=dt.date(2027, 3, 31))
    ind = Indicator.objects.get(standard=world.standard, code="7.1")
    IndicatorValue.objects.create(region=world.county, year=2025, indicator=ind, value=Decimal("90"),
                                  status=ValueStatus.APPROVED)
    run = create_run(by=world.city_admin, region=world.city, kind=RunKind.AIR, files=[],
                     parameters={"level": "region"}, state=RunState.DONE)
    out = feed_values([row("870121", "40")], by=world.city_admin, run=run)
    assert out["created"] == 1
    jump = [w for w in out["warnings"] if "同比变化异常" in w]
    assert jump == ["甲县 2026年 7.1 优良天数比例：同比变化异常：较上年（90）变化55.6%，超过50%，请核实并在情况说明中解释"]
    assert "检查提示" in summary_text(out) and "同比变化异常" in summary_text(out)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator=ind)
    assert v.status == ValueStatus.SUBMITTED
    audit = AuditLog.objects.get(action="value.compute", object_id=str(v.pk))
    assert jump[0] in audit.after["checks"]
    run.refresh_from_db()
    assert jump[0] in run.fed[-1]["warnings"]
    # Beside the value on the task page, as for a typed value; in its history; on the run page.
    task = Task.objects.get(items__indicator=ind, year=2026, region=world.county)
    world.login(client, world.filler)
    page = client.get(reverse("entry:task", args=[task.pk])).content.decode()
    value_row = page[page.index('data-code="7.1"'):]
    value_row = value_row[:value_row.index("</tr>")]
    assert "较上年（90）变化55.6%" in value_row
    history = client.get(reverse("entry:history", args=[v.pk])).content.decode()
    assert "监测计算写入" in history and "检查提示：甲县 2026年 7.1" in history
    world.login(client, world.city_admin)
    run_page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert "检查提示（请审核时核实）" in run_page and "同比变化异常" in run_page


def test_a_county_far_from_its_siblings_in_the_same_feed_is_flagged(world):
    rows = []
    for n in range(3, 9):
        Region.objects.create(code=f"87012{n}", name=f"县{n}", level="county", parent=world.city)
        rows.append(row(f"87012{n}", str(85 + n % 3)))
    out = feed_values([*rows, row("870121", "20")], by=world.city_admin)
    assert out["created"] == 7
    flagged = [w for w in out["warnings"] if "同级地区离群" in w]
    assert len(flagged) == 1 and flagged[0].startswith("甲县 2026年 7.1")
