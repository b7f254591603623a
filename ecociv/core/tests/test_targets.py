from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecociv.core.targets import RegionClass, Status, TargetSpec, evaluate, needs_previous, select_target

D = Decimal
COUNTY = RegionClass(admin_class="county", terrain="mountain", zone="central")
CITY = RegionClass(admin_class="city", terrain="plain")


def spec(op, value=None, text="", cls="all"):
    return TargetSpec(cls, op, D(str(value)) if value is not None else None, text)


@pytest.mark.parametrize("op,target,value,status", [
    (">=", 95, "95", Status.MET),
    (">=", 95, "95.0", Status.MET),
    (">=", 95, "94.99", Status.NOT_MET),
    ("<=", "0.70", "0.7", Status.MET),
    ("<=", "0.70", "0.7001", Status.NOT_MET),
    (">", 80, "80", Status.NOT_MET),
    (">", 80, "80.01", Status.MET),
    ("<", 25, "25", Status.NOT_MET),
    ("<", 25, "24.9", Status.MET),
    ("=", 100, "100.000", Status.MET),
    ("=", 100, "99.9", Status.NOT_MET),
])
def test_it_meets_thresholds_exactly(op, target, value, status):
    assert evaluate(spec(op, target), value, COUNTY).status == status


def test_float_input_does_not_miss_a_threshold_by_rounding():
    # 0.1 + 0.2 is 0.30000000000000004 as a float; the value typed is 0.3 and must meet ≤0.3.
    assert evaluate(spec("<=", "0.3"), 0.3, COUNTY).status == Status.MET


def test_missing_value_is_missing_not_failed():
    assert evaluate(spec(">=", 80), None, COUNTY).status == Status.MISSING


def test_gap_is_signed_distance_and_share():
    ev = evaluate(spec(">=", 80), "72", COUNTY)
    assert ev.gap == D("-8") and ev.gap_share == D("-0.1")


def test_city_only_indicator_is_not_applicable_on_a_county():
    ev = evaluate(spec(">=", 15), "20", COUNTY, applies_to="city")
    assert ev.status == Status.NOT_APPLICABLE and "市" in ev.reason


def test_coastal_only_is_not_applicable_inland():
    assert evaluate(spec(">=", 1), "2", COUNTY, coastal_only=True).status == Status.NOT_APPLICABLE


def test_target_is_chosen_by_region_class():
    targets = [spec(">=", 60, cls="mountain"), spec(">=", 40, cls="hill"), spec(">=", 18, cls="plain")]
    assert select_target(targets, COUNTY).value == 60
    assert select_target(targets, CITY).value == 18
    ev = evaluate(targets, "50", COUNTY)
    assert ev.status == Status.NOT_MET and ev.target.region_class == "mountain"


def test_other_applies_when_no_specific_class_matches():
    targets = [spec(">=", 35, cls="arid"), spec(">=", 60, cls="other")]
    assert select_target(targets, COUNTY).value == 60
    assert select_target(targets, RegionClass(special_zone="arid")).value == 35


def test_city_and_county_targets_differ():
    targets = [spec(">=", 95, cls="city"), spec(">=", 85, cls="county")]
    assert evaluate(targets, "90", COUNTY).status == Status.MET
    assert evaluate(targets, "90", CITY).status == Status.NOT_MET


def test_no_target_for_region_class_is_not_applicable():
    targets = [spec(">=", 70, cls="megacity")]
    assert evaluate(targets, "50", COUNTY).status == Status.NOT_APPLICABLE


@pytest.mark.parametrize("achieved,status", [(True, Status.MET), (False, Status.NOT_MET), (None, Status.MISSING)])
def test_yes_no_qualitative_target(achieved, status):
    assert evaluate(spec("text", text="建立"), None, COUNTY, achieved=achieved).status == status


def test_previous_year_comparison_targets():
    t = spec("text", text="逐步下降")
    assert evaluate(t, "1.2", COUNTY, previous="1.5").status == Status.MET
    assert evaluate(t, "1.5", COUNTY, previous="1.5").status == Status.NOT_MET
    assert evaluate(t, "1.2", COUNTY).status == Status.PENDING
    assert evaluate(spec("text", text="不降低"), "90", COUNTY, previous="90").status == Status.MET


def test_only_a_trend_clause_needs_last_years_value():
    """The assessment fetches last year's values only where this says a target compares with them."""
    assert needs_previous(spec("text", text="逐步下降"))
    assert needs_previous(spec("text", text="完成上级规定的考核任务；保持稳定或持续改善"))
    assert not needs_previous(spec("text", text="完成上级规定的考核任务"))
    assert not needs_previous(spec("text", text="建立"))
    assert not needs_previous(spec(">=", 85)) and not needs_previous(None)


def test_superior_assigned_target_and_improvement_combined():
    t = spec("text", text="完成上级规定的考核任务;保持稳定或持续改善")
    assigned = spec(">=", 85)
    assert evaluate(t, "86", COUNTY, previous="84", assigned=assigned).status == Status.MET
    assert evaluate(t, "84", COUNTY, previous="83", assigned=assigned).status == Status.NOT_MET
    # Met the superior's target but worse than last year: not 保持稳定或持续改善.
    assert evaluate(t, "86", COUNTY, previous="88", assigned=assigned).status == Status.NOT_MET
    # For a lower-is-better indicator, improvement means going down.
    assert evaluate(t, "30", COUNTY, previous="32", assigned=spec("<=", 35), direction="lower").status == Status.MET
    # Without the superior's target nothing can be concluded: 待核实, with the reason.
    ev = evaluate(t, "86", COUNTY, previous="84")
    assert ev.status == Status.PENDING and "上级" in ev.reason


def test_unknown_target_value_is_pending():
    assert evaluate(None, "5", COUNTY).status == Status.PENDING


@given(st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
       st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_ge_and_lt_partition_every_value(target, value):
    ge = evaluate(TargetSpec("all", ">=", target), value, COUNTY).status
    lt = evaluate(TargetSpec("all", "<", target), value, COUNTY).status
    assert {ge, lt} == {Status.MET, Status.NOT_MET}
    assert (ge == Status.MET) == (value >= target)


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False))
def test_threshold_itself_always_meets_inclusive_operators(target):
    assert evaluate(TargetSpec("all", ">=", target), target, COUNTY).status == Status.MET
    assert evaluate(TargetSpec("all", "<=", target), target, COUNTY).status == Status.MET
    assert evaluate(TargetSpec("all", ">", target), target, COUNTY).status == Status.NOT_MET


@given(st.decimals(min_value=1, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
       st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False))
def test_gap_sign_agrees_with_status_for_higher_is_better(target, value):
    ev = evaluate(TargetSpec("all", ">=", target), value, COUNTY)
    assert (ev.gap >= 0) == (ev.status == Status.MET)
