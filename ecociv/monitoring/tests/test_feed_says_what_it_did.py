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


def test_a_fed_value_the_assigned_target_judges_needs_no_flag_and_can_be_approved(client, world, settings, tmp_path):
    """7.1's target is qualitative (完成上级规定的考核任务…): with an assigned target and last
    year's value the verdict judges the fed figure without 是否完成, so neither the feed nor the
    reviewer asks for it (one rule: core.targets.flag_decides, the verdict's own clause rules)."""
    from ecociv.entry.actions.review import approve_values
    from ecociv.standards.models import RegionTarget

    settings.MEDIA_ROOT = tmp_path
    ind = world.standard.indicators.get(code="7.1")
    RegionTarget.objects.create(region=world.county, year=2026, indicator=ind, kind="assigned", op=">=",
                                value=Decimal(85), source_document="目标责任书")
    IndicatorValue.objects.create(region=world.county, year=2025, indicator=ind, value=Decimal("89.0"),
                                  status=ValueStatus.APPROVED, source=ValueSource.MANUAL, updated_by=world.filler)
    client.force_login(world.city_admin)
    body = client.post(reverse("monitoring:feed", args=[_run(world).pk]), {"year": "2026"}, follow=True
                       ).content.decode()
    assert "新增 1 条" in body and "请选择是否完成" not in body
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator=ind)
    assert v.achieved is None and v.status == ValueStatus.SUBMITTED
    assert approve_values([v], by=world.reviewer) == 1  # no override needed


def test_without_an_assigned_target_the_flag_is_still_asked_for(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.city_admin)
    body = client.post(reverse("monitoring:feed", args=[_run(world).pk]), {"year": "2026"}, follow=True
                       ).content.decode()
    assert "请选择是否完成" in body and "由填报部门选择后再审核" in body
