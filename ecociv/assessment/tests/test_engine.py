"""Statuses and verdicts on hand-made cases, through the one assessment function."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecociv.assessment.actions import record_fact
from ecociv.assessment.engine import assess, assess_many
from ecociv.assessment.rules import DEFAULT_FILE, parse_rules
from ecociv.assessment.tests.helpers import fill_passing, ind, put, satisfy_preconditions
from ecociv.assessment.trend import Trend
from ecociv.core.targets import Status
from ecociv.standards.models import RegionTarget

pytestmark = pytest.mark.django_db
Y = 2025


def result(a, code):
    return next(r for r in a.rows() if r.code == code)


def test_a_threshold_met_exactly_is_met_with_zero_gap(world):
    put(world, world.county, Y, "29", 85)  # county target ≥85
    put(world, world.city, Y, "29", 85)  # city target ≥95
    county = result(assess(world.county, Y), "29")
    assert county.status == Status.MET and county.gap == 0 and county.region_class == "county"
    city = result(assess(world.city, Y), "29")
    assert city.status == Status.NOT_MET and city.gap == Decimal(-10) and city.target.display == "≥95"
    assert city.region_class_label == "市"


def test_just_below_the_threshold_fails(world):
    put(world, world.county, Y, "29", "84.99")
    r = result(assess(world.county, Y), "29")
    assert r.status == Status.NOT_MET and r.gap == Decimal("-0.01")


def test_qualitative_target_is_judged_from_what_was_recorded(world):
    put(world, world.county, Y, "1", achieved=True)
    put(world, world.county, Y, "16", achieved=False)
    a = assess(world.county, Y)
    assert result(a, "1").status == Status.MET and result(a, "1").target.display == "制定实施"
    assert result(a, "16").status == Status.NOT_MET
    assert result(a, "15").status == Status.MISSING


def test_city_only_indicator_does_not_apply_to_a_county(world):
    a = assess(world.county, Y)
    r = result(a, "23")  # 碳排放强度, 市 only
    assert r.status == Status.NOT_APPLICABLE and "仅适用于市" in r.reason
    assert result(assess(world.city, Y), "23").status == Status.MISSING
    assert r.code not in {b.code for b in a.blocking}


def test_coastal_only_indicator_applies_to_the_coastal_county_only(world):
    assert result(assess(world.county, Y), "9").status == Status.NOT_APPLICABLE
    assert result(assess(world.other_county, Y), "9").status == Status.MISSING


def test_target_follows_the_region_class(world):
    put(world, world.county, Y, "11", 50)  # 甲县 mountain: ≥60
    put(world, world.other_county, Y, "11", 50)  # 乙县 plain: ≥18
    assert result(assess(world.county, Y), "11").status == Status.NOT_MET
    r = result(assess(world.other_county, Y), "11")
    assert r.status == Status.MET and r.region_class_label == "平原地区"


def test_a_submitted_value_is_pending_and_shows_its_gap(world):
    put(world, world.county, Y, "29", 80, status="submitted")
    a = assess(world.county, Y)
    r = result(a, "29")
    assert r.status == Status.PENDING and r.gap == Decimal(-5) and "待审核" in r.reason
    assert a.summary["pending"] >= 1
    assert any(b.code == "29" and b.reason.startswith("待核实") for b in a.blocking)


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_draft_or_returned_values_count_as_missing(world, status):
    put(world, world.county, Y, "29", 99, status=status)
    r = result(assess(world.county, Y), "29")
    assert r.status == Status.MISSING and r.value == 99 and ("草稿" in r.reason or "退回" in r.reason)


def test_not_lower_than_last_year_uses_last_years_approved_value(world):
    put(world, world.county, Y - 1, "12.3", 96)
    put(world, world.county, Y, "12.3", 95)
    assert result(assess(world.county, Y), "12.3").status == Status.NOT_MET
    put(world, world.county, Y, "12.3", 96)
    assert result(assess(world.county, Y), "12.3").status == Status.MET
    put(world, world.county, Y - 1, "12.3", 99, status="submitted")  # not final: no comparison possible
    assert result(assess(world.county, Y), "12.3").status == Status.PENDING


def test_assigned_target_decides_the_superior_task(world):
    RegionTarget.objects.create(region=world.county, year=Y, indicator=ind(world, "7.1"), kind="assigned", op=">=",
                                value=Decimal(85), source_document="目标责任书")
    put(world, world.county, Y - 1, "7.1", 80)
    put(world, world.county, Y, "7.1", 84)
    r = result(assess(world.county, Y), "7.1")
    assert r.status == Status.NOT_MET and r.assigned.display == "≥85" and r.gap == Decimal(-1)
    put(world, world.county, Y, "7.1", 86)
    assert result(assess(world.county, Y), "7.1").status == Status.MET


def test_local_override_replaces_the_catalogue_target(world):
    RegionTarget.objects.create(region=world.county, year=Y, indicator=ind(world, "29"), kind="override", op=">=",
                                value=Decimal(90), source_document="省级标准")
    put(world, world.county, Y, "29", 88)
    r = result(assess(world.county, Y), "29")
    assert r.status == Status.NOT_MET and r.target_source == "override" and r.target.display == "≥90"
    assert result(assess(world.county, Y - 1), "29").target.display == "≥85"  # other years keep the catalogue


def test_a_local_worded_target_compares_with_last_year_on_a_numeric_catalogue_indicator(world):
    """The engine fetches last year's values only for indicators whose target can compare with
    them: a region's own worded target (不降低) on an indicator the catalogue judges by a number
    must still see last year's value."""
    RegionTarget.objects.create(region=world.county, year=Y, indicator=ind(world, "29"), kind="override", op="text",
                                text="不降低", source_document="省级标准")
    put(world, world.county, Y - 1, "29", 90)
    put(world, world.county, Y, "29", 88)
    for a in (assess(world.county, Y), assess_many([world.county, world.other_county], [Y])[(world.county.pk, Y)]):
        r = result(a, "29")
        assert r.status == Status.NOT_MET and r.target_source == "override", (r.status, r.reason)
        assert "上年90" in r.reason
    put(world, world.county, Y, "29", 91)
    assert result(assess(world.county, Y), "29").status == Status.MET


def test_composite_indicator_is_judged_from_its_sub_items(world):
    put(world, world.county, Y, "25.1", 95)
    put(world, world.county, Y, "25.2", 70)  # target ≥75
    put(world, world.county, Y, "25.3", 85)
    r = result(assess(world.county, Y), "25")
    assert r.status == Status.NOT_MET and "25.2" in r.reason and len(r.sub_items) == 3
    put(world, world.county, Y, "25.2", 75)
    assert result(assess(world.county, Y), "25").status == Status.MET
    assert result(assess(world.city, Y), "25").status == Status.NOT_APPLICABLE  # county-only


def test_all_met_with_precondition_passes(world):
    fill_passing(world, world.county, Y)
    satisfy_preconditions(world, world.county, Y)
    a = assess(world.county, Y)
    assert a.verdict == "pass", [b.reason for b in a.blocking]
    s = a.summary
    assert s["binding_met"] == s["binding_total"] > 15 and s["missing"] == 0 and s["pending"] == 0
    assert any("未经原文核实" in w for w in a.warnings)  # R4 is an assumption and says so


def test_unrecorded_precondition_blocks(world):
    fill_passing(world, world.county, Y)
    a = assess(world.county, Y)
    assert a.verdict == "fail" and [b.code for b in a.blocking] == ["plan_adopted"]


def test_a_veto_blocks_for_three_years(world):
    fill_passing(world, world.county, Y)
    satisfy_preconditions(world, world.county, Y)
    record_fact(world.county, Y - 2, "major_incident", "triggered", by=world.admin, source_document="环境事件通报")
    a = assess(world.county, Y)
    assert a.verdict == "fail" and [b.kind for b in a.blocking] == ["veto"]
    assert "近3年" in a.blocking[0].reason
    fill_passing(world, world.county, Y + 1)
    satisfy_preconditions(world, world.county, Y + 1)
    assert assess(world.county, Y + 1).verdict == "pass"


def test_binding_failure_blocks_and_names_the_indicator(world):
    fill_passing(world, world.county, Y)
    satisfy_preconditions(world, world.county, Y)
    put(world, world.county, Y, "30", 79)
    a = assess(world.county, Y)
    assert [(b.code, b.kind) for b in a.blocking] == [("30", "indicator")]
    assert "未达标" in a.blocking[0].reason


def test_reference_share_uses_the_configured_parameter(world, tmp_path):
    fill_passing(world, world.county, Y)
    satisfy_preconditions(world, world.county, Y)
    put(world, world.county, Y, "26", 70)  # one reference indicator fails
    a = assess(world.county, Y)
    met, total = a.summary["reference_met"], a.summary["reference_total"]
    assert met == total - 1
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    exactly = parse_rules(text.replace("value: 0.8", f"value: {met / total!r}"))
    passed = assess(world.county, Y, rules=exactly)
    assert passed.verdict == "pass", [b.reason for b in passed.blocking]  # the threshold met exactly passes
    stricter = parse_rules(text.replace("value: 0.8", "value: 1.0"))
    a = assess(world.county, Y, rules=stricter)
    assert a.verdict == "fail" and a.blocking[0].code == "reference_share"


def test_missing_binding_value_blocks(world):
    a = assess(world.county, Y)
    assert a.verdict == "fail" and a.summary["missing"] > 0
    assert any(b.code == "29" and b.reason.startswith("缺失") for b in a.blocking)


def test_trend_uses_approved_history(world):
    for y, v in [(2021, 70), (2022, 75), (2023, 80), (2024, 82)]:
        put(world, world.county, y, "29", v)
    put(world, world.county, Y, "29", 84)
    r = result(assess(world.county, Y), "29")
    assert r.trend.status in (Trend.ON_TRACK, Trend.ACCELERATE) and r.trend.inputs["base_year"] == 2021
    assert r.trend.inputs["target"] == 85.0


def test_bulk_assessment_equals_single_and_costs_constant_queries(world):
    for region in (world.county, world.other_county):
        for y in (2023, 2024, 2025):
            put(world, region, y, "29", 80 + y - 2023)
            put(world, region, y, "1", achieved=True)
    with CaptureQueriesContext(connection) as one:
        single = assess(world.county, 2024)
    with CaptureQueriesContext(connection) as many:
        bulk = assess_many([world.county, world.other_county, world.city], [2023, 2024, 2025])
    assert len(many.captured_queries) == len(one.captured_queries) <= 10
    b = bulk[(world.county.pk, 2024)]
    assert [(r.code, r.status, r.value, r.gap) for r in b.rows()] == \
        [(r.code, r.status, r.value, r.gap) for r in single.rows()]
    assert b.verdict == single.verdict and b.summary == single.summary
