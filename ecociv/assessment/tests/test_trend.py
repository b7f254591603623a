import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ecociv.assessment.trend import Trend, compute_trend, limit_coefficient


def test_a_met_target_is_achieved_whatever_the_path():
    assert compute_trend({2021: 90, 2025: 80}, target=75).status == Trend.ACHIEVED


def test_it_follows_the_open_sdg_ratio_on_a_worked_example():
    # base 2015 = 50, 2020 = 60, target 80 by 2030: CAGR_o = 1.2**(1/5)-1, CAGR_r = 1.6**(1/15)-1.
    r = compute_trend({2015: 50, 2018: 55, 2020: 60}, target=80, target_year=2030)
    expected = (1.2 ** 0.2 - 1) / (1.6 ** (1 / 15) - 1)
    assert math.isclose(r.progress, expected, rel_tol=1e-9)
    assert r.status == Trend.ON_TRACK and r.inputs["base_year"] == 2015 and r.inputs["current_value"] == 60


def test_ratio_thresholds_are_095_06_0():
    # required growth +100 % in one year; observed growth r → R = r
    def status(observed):
        return compute_trend({2024: 100, 2025: 100 * (1 + observed)}, target=200.0001, target_year=2025).status
    assert status(0.97) == Trend.ON_TRACK
    assert status(0.80) == Trend.ACCELERATE
    assert status(0.30) == Trend.LIMITED
    assert status(-0.10) == Trend.DETERIORATING


def test_lower_is_better_with_a_target():
    r = compute_trend({2021: 1.0, 2025: 0.8}, direction="lower", target=0.7, target_year=2028)
    assert r.status == Trend.ON_TRACK and r.progress > 0.95
    assert compute_trend({2021: 1.0, 2025: 1.1}, direction="lower", target=0.7).status == Trend.DETERIORATING


@pytest.mark.parametrize("yearly,status", [(0.02, Trend.ON_TRACK), (0.01, Trend.ACCELERATE), (0.002, Trend.LIMITED),
                                           (-0.01, Trend.DETERIORATING)])
def test_growth_thresholds_without_target(yearly, status):
    series = {2021 + k: 50 * (1 + yearly) ** k for k in range(5)}
    r = compute_trend(series)
    assert r.status == status and math.isclose(r.progress, yearly, rel_tol=1e-6)


def test_lower_direction_flips_the_growth():
    assert compute_trend({2021: 50, 2025: 45}, direction="lower").status == Trend.ON_TRACK


@pytest.mark.parametrize("series,reason", [
    ({2025: 80}, "只有一个年度"),
    ({}, "没有已审核的数值"),
    ({2021: 0, 2025: 10}, "基期数值为零"),
    ({2021: -5, 2025: 10}, "基期数值为负"),
    ({2021: 5, 2025: -1}, "符号不同"),
])
def test_it_says_why_it_cannot_compute(series, reason):
    r = compute_trend(series, target=100)
    assert r.status == Trend.UNKNOWN and reason in r.reason and r.label == "无法计算"


def test_qualitative_direction_cannot_be_computed():
    assert compute_trend({2021: 1, 2022: 2}, direction="qualitative").status == Trend.UNKNOWN


def test_base_equal_to_target_has_no_required_growth():
    r = compute_trend({2021: 80, 2025: 70}, target=80)
    assert r.status == Trend.UNKNOWN and "等于目标值" in r.reason


def test_base_year_moves_to_the_next_year_with_data():
    r = compute_trend({2019: 10, 2022: 20, 2025: 40}, base_year=2020)
    assert r.inputs["base_year"] == 2022


def test_near_a_natural_limit_the_thresholds_shrink():
    # 98 % → 98.6 % in 4 years is 0.15 %/yr: limited without a limit, on track near the 100 % ceiling.
    series = {2021: 98.0, 2025: 98.6}
    assert compute_trend(series).status == Trend.LIMITED
    r = compute_trend(series, limit=100)
    assert r.status == Trend.ON_TRACK and r.inputs["coefficient"] < 0.1
    assert limit_coefficient(0, 100) == 1 and limit_coefficient(100, 100) == 0


def test_thresholds_are_configurable():
    r = compute_trend({2024: 100, 2025: 190}, target=200, target_year=2025, ratio_thresholds={"high": 0.85})
    assert r.status == Trend.ON_TRACK and r.inputs["thresholds"]["high"] == 0.85


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(base=positive, current=positive, target=positive, scale=st.floats(min_value=0.001, max_value=1000),
       years=st.integers(min_value=1, max_value=15), direction=st.sampled_from(["higher", "lower"]))
def test_status_does_not_depend_on_the_unit(base, current, target, scale, years, direction):
    assume(abs(target - base) > 1e-6 * max(target, base) and abs(current - base) > 1e-6 * base)
    assume(abs(current - target) > 1e-6 * target)
    a = compute_trend({2010: base, 2010 + years: current}, target=target, direction=direction)
    b = compute_trend({2010: base * scale, 2010 + years: current * scale}, target=target * scale, direction=direction)
    assume(a.progress is None or min(abs(a.progress - t) for t in (0.95, 0.6, 0)) > 1e-6)
    assert a.status == b.status


@given(base=positive, current=positive, years=st.integers(min_value=1, max_value=15),
       direction=st.sampled_from(["higher", "lower"]))
def test_progress_sign_follows_the_desired_direction(base, current, years, direction):
    assume(abs(current - base) > 1e-9 * base)
    r = compute_trend({2010: base, 2010 + years: current}, direction=direction)
    better = current > base if direction == "higher" else current < base
    assert r.status != Trend.UNKNOWN
    assert (r.progress > 0) == better
    assert (r.status == Trend.DETERIORATING) == (not better)
