"""The monitoring feed never silently overwrites a department's value (issue 12): a submitted or
approved one is left and named, a draft it replaces is named with what it said, a department's
是否完成 is kept; a run whose feed wrote nothing is not listed as having written."""
from decimal import Decimal

import pytest
from django.urls import reverse

from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.monitoring.actions import create_run
from ecociv.monitoring.models import MonitoringRun, RunState

pytestmark = pytest.mark.django_db


def _run(world, good_rate=91.2):
    run = create_run(by=world.city_admin, region=world.city, kind="air", files=[], parameters={"level": "region"},
                     state=RunState.DONE)
    MonitoringRun.objects.filter(pk=run.pk).update(results={"rows": [
        {"id": "870121", "year": 2026, "good_rate": good_rate, "valid_days": 365, "good_days": 333,
         "PM2.5_mean": 30, "days_by_level": {"1": 200, "2": 133}, "standard": ["HJ 663-2013"]}],
        "engine": "duckdb", "engine_version": "duckdb test", "rulesets": []})
    return run


def _dept_value(world, status):
    return IndicatorValue.objects.create(
        region=world.county, year=2026, indicator=world.standard.indicators.get(code="7.1"), value=Decimal("88.1"),
        achieved=True, note="部门填报", status=status, source=ValueSource.MANUAL, updated_by=world.filler)


def test_a_draft_it_replaces_is_named_and_its_achieved_kept(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    v = _dept_value(world, ValueStatus.DRAFT)
    client.force_login(world.city_admin)
    body = client.post(reverse("monitoring:feed", args=[_run(world).pk]), {"year": "2026"}, follow=True
                       ).content.decode()
    assert "替换了草稿 1 条：甲县 2026年 7.1" in body and "原手工填报数值 88.1" in body
    v.refresh_from_db()
    assert v.value == Decimal("91.2") and v.achieved is True and v.source == ValueSource.COMPUTED
    assert v.status == ValueStatus.SUBMITTED
    # The computation is attached as the value's evidence, so a reviewer can approve it.
    assert v.evidence.get().original_name == "监测计算说明-7.1-2026.docx"


@pytest.mark.parametrize("status", [ValueStatus.SUBMITTED, ValueStatus.APPROVED])
def test_a_run_whose_feed_wrote_nothing_is_not_listed_as_written(client, world, status):
    _dept_value(world, status)
    run = _run(world)
    client.force_login(world.city_admin)
    body = client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}, follow=True).content.decode()
    assert "没有写入新的指标数值" in body and "未覆盖 1 条：甲县 2026年 7.1" in body
    listing = client.get(reverse("monitoring:index")).content.decode()
    assert "已写入指标" not in listing and "已尝试写入，无新数值" in listing
