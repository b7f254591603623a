"""Every worked example in ../shared/envcalc/test_vectors.md (ids A1..D13 in the test names)."""
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from ecociv.monitoring.engine import aqi_np, exact, water
from ecociv.monitoring.engine.rules import load_rules

R = load_rules()
R12, R26 = R.by_id("2012"), R.by_id("2026")


@pytest.mark.parametrize("vid,pol,avg,conc,expected", [
    ("A1", "PM2.5", "24h_avg", "35", 50),
    ("A2", "PM2.5", "24h_avg", "75", 100),
    ("A3", "PM2.5", "24h_avg", "80", 107),
    ("A4", "PM10", "24h_avg", "180", 115),
    ("A5", "SO2", "24h_avg", "65", 58),
    ("A6", "NO2", "24h_avg", "150", 135),
    ("A7", "CO", "24h_avg", "3", 75),
    ("A8", "O3", "8h_sliding_avg", "200", 137),
    ("A9", "O3", "1h_avg", "250", 125),
    ("A10", "CO", "24h_avg", "2.2", 55),
    ("A11", "PM2.5", "24h_avg", "35.1", 51),
    ("A12", "CO", "1h_avg", "12", 104),
    ("A13", "NO2", "1h_avg", "250", 105),
    ("A14", "SO2", "1h_avg", "900", None),
    ("A15", "SO2", "1h_avg", "800", 200),
    ("A16", "O3", "8h_sliding_avg", "850", None),
    ("A17", "PM2.5", "24h_avg", "4.9", 7),
    # A18: undefined in HJ 633-2012; project choice (rulesets.yaml above_top) is 500.
    ("A18", "PM2.5", "24h_avg", "600", 500),
])
def test_it_computes_hj633_2012_iaqi_vectors(vid, pol, avg, conc, expected):
    assert exact.iaqi(R12, pol, avg, conc) == expected
    # the vectorised path agrees, -1 standing for "not computed"
    got = aqi_np.iaqi(R12, pol, avg, aqi_np.scale([conc]))[0]
    assert got == (-1 if expected is None else expected)


def test_A3_level_is_light_pollution():
    lv = R12.level_of(107)
    assert (lv.level, lv.category) == (3, "轻度污染")


def test_A11_moves_to_level_2():
    assert R12.level_of(51).category == "良"


def test_A19_combined_daily_aqi():
    conc = {"PM2.5": "120", "PM10": "180", "SO2": "65", "NO2": "150", "CO": "8", "O3_8h": "200"}
    value, primary, iaqis = exact.daily_aqi(R12, conc)
    assert iaqis["PM2.5"] == 158 and iaqis["PM10"] == 115 and iaqis["SO2"] == 58
    assert iaqis["NO2"] == 135 and iaqis["CO"] == 120 and iaqis["O3_8h"] == 137
    assert value == 158 and primary == ["PM2.5"]
    lv = R12.level_of(value)
    assert (lv.level, lv.category, lv.color, lv.hex) == (4, "中度污染", "红色", "#FF0000")
    # 超标污染物 (2012 only): IAQI > 100
    assert sorted(k for k, v in iaqis.items() if v is not None and v > 100) == ["CO", "NO2", "O3_8h", "PM10", "PM2.5"]


def test_A20_no_primary_pollutant_at_or_below_50():
    conc = {"PM2.5": "20", "PM10": "40", "SO2": "10", "NO2": "30", "CO": "0.5", "O3_8h": "80"}
    value, primary, iaqis = exact.daily_aqi(R12, conc)
    assert [iaqis[k] for k in ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h")] == [29, 40, 10, 38, 13, 40]
    assert value == 40 and primary == [] and R12.level_of(40).category == "优"


def test_A21_tied_primary_pollutants_and_100_is_not_exceedance():
    conc = {"PM2.5": "75", "PM10": "150", "SO2": "10", "NO2": "30", "CO": "0.5", "O3_8h": "80"}
    value, primary, iaqis = exact.daily_aqi(R12, conc)
    assert value == 100 and sorted(primary) == ["PM10", "PM2.5"]
    assert not [k for k, v in iaqis.items() if v is not None and v > 100]
    assert R12.level_of(100).category == "良"


def test_A22_so2_over_800_falls_back_to_24h_value():
    one_hour = exact.iaqi(R12, "SO2", "1h_avg", "900")
    sliding_24h = exact.iaqi(R12, "SO2", "24h_avg", "65")
    assert one_hour is None and (one_hour if one_hour is not None else sliding_24h) == 58


@pytest.mark.parametrize("vid,pol,avg,conc,e12,e26", [
    ("A23", "PM2.5", "24h_avg", "60", 82, 100),
    ("A24", "PM2.5", "24h_avg", "80", 107, 119),
    ("A25", "PM10", "24h_avg", "180", 115, 124),
    ("A26", "SO2", "1h_avg", "900", None, 200),
    ("A27", "O3", "8h_sliding_avg", "850", None, 300),
])
def test_it_switches_to_hj633_2026(vid, pol, avg, conc, e12, e26):
    assert exact.iaqi(R12, pol, avg, conc) == e12
    assert exact.iaqi(R26, pol, avg, conc) == e26


def test_rule_set_is_chosen_by_date():
    import datetime as dt
    assert R.for_date(dt.date(2026, 2, 28)).id == "2012"
    assert R.for_date(dt.date(2026, 3, 1)).id == "2026"


@pytest.mark.parametrize("vid,series,p,expected", [
    ("B1", [3, 4, 8, 2, 5, 4], 90, Fraction(13, 2)),
    ("B2", [10, 20, 30, 40, 50], 95, 48),
    ("B3", range(1, 366), 95, Fraction("346.8")),
    ("B4", range(1, 366), 98, Fraction("357.72")),
    ("B5", range(1, 366), 90, Fraction("328.6")),
    ("B6", range(1, 31), 98, Fraction("29.42")),
    ("B7", [5], 98, 5),
])
def test_it_computes_hj663_percentiles_exactly(vid, series, p, expected):
    assert exact.percentile(list(series), p) == expected
    if vid != "B7":
        assert float(exact.percentile(list(series), p)) == pytest.approx(np.percentile(list(series), p))


def test_C1_exceedance_multiple():
    assert exact.exceedance_multiple(36, R12.limits[("PM2.5", "annual_avg")]) == Decimal("0.03")
    assert exact.exceedance_multiple(35, 35) is None


def test_C2_attainment():
    assert Decimal("0.9") <= R12.limits[("CO", "24h_avg")]
    assert R12.limits[("O3", "daily_max_8h_avg")] >= 87


@pytest.mark.parametrize("vid,good,valid,expected", [
    ("C3", 86, 91, "94.5"), ("C4", 353, 365, "96.7"), ("C5", 73, 92, "79.3"), ("C6", 28, 28, "100.0"),
])
def test_it_computes_good_day_share(vid, good, valid, expected):
    assert exact.good_rate(good, valid) == Decimal(expected)


def test_C5_shares_by_level():
    assert [exact.round_half_even(Fraction(100 * n, 92), 1) for n in (22, 51, 17, 2)] == \
        [Decimal(x) for x in ("23.9", "55.4", "18.5", "2.2")]


def test_C7_composite_index():
    got = exact.composite_index({"PM2.5": 21, "PM10": 39, "SO2": 9, "NO2": 15}, "0.7", 192, R12.limits)
    assert got == Decimal("3.06")


def D(x):
    return Decimal(x)


def test_D1_section_class_from_worst_item():
    vals = {"pH": D("7.6"), "DO": D("6.5"), "CODMn": D("4.5"), "COD": D("18"), "BOD5": D("3.5"),
            "NH3-N": D("1.2"), "TP": D("0.15")}
    c = water.classify(vals, "river")
    assert c["items"] == {"pH": "I", "DO": "II", "CODMn": "III", "COD": "III", "BOD5": "III",
                          "NH3-N": "IV", "TP": "III"}
    assert c["class"] == "IV" and water.status_of("IV") == "轻度污染"
    assert c["over_III"] == [{"item": "NH3-N", "class": "IV", "multiple": 0.2}]


def test_D2_lake_phosphorus_limits():
    assert water.item_class("TP", "river", D("0.06")) == "II"
    assert water.item_class("TP", "lake", D("0.06")) == "IV"


def test_D3_dissolved_oxygen_is_a_lower_bound():
    assert [water.item_class("DO", "river", D(x)) for x in ("7.5", "7.4", "1.5")] == ["I", "II", "劣V"]


def test_D4_equal_limits_give_the_better_class():
    assert water.item_class("COD", "river", D("15")) == "I"
    assert water.item_class("COD", "river", D("15.1")) == "III"


def test_D5_ph_outside_range():
    assert water.item_class("pH", "river", D("9.2")) == "劣V"


def test_D6_ammonia_worse_than_v():
    assert water.item_class("NH3-N", "river", D("2.5")) == "劣V"
    assert water.exceedance_multiple("NH3-N", "river", D("2.5")) == D("1.50")


def _classes(**counts):
    return [c for c, n in counts.items() for _ in range(n)]


@pytest.mark.parametrize("vid,classes,share,worse,status", [
    ("D7", {"II": 10, "III": 5, "IV": 3, "V": 1, "劣V": 1}, 75.0, 5.0, "良好"),
    ("D8", {"II": 3, "III": 3, "IV": 4, "劣V": 2}, 50.0, 16.7, "轻度污染"),
    ("D9", {"I": 2, "II": 3, "IV": 2, "V": 1, "劣V": 4}, 41.7, 33.3, "中度污染"),
    ("D10", {"III": 4, "劣V": 6}, 40.0, 60.0, "重度污染"),
    # D11 edge: rules.md recommends 重度污染 (Shenzhen wording); exactly 5 -> proportion method.
    ("D11", {"III": 3, "劣V": 2}, 60.0, 40.0, "重度污染"),
])
def test_it_rates_regions_by_class_proportion(vid, classes, share, worse, status):
    cls = [c for c, n in classes.items() for _ in range(n)]
    got = water.region_status(cls)
    assert (got["share_I_III"], got["share_worse_V"], got["status"]) == (share, worse, status)


def test_D12_national_2018_shares():
    # from the published shares: Ⅰ–Ⅲ 74.3 % (< 75), 劣Ⅴ 6.9 % (< 20) -> 轻度污染
    n = 1000
    cls = ["I"] * 50 + ["II"] * 430 + ["III"] * 263 + ["IV"] * 143 + ["V"] * 45 + ["劣V"] * 69
    assert len(cls) == n
    got = water.region_status(cls)
    assert (got["share_I_III"], got["share_worse_V"]) == (74.3, 6.9)
    assert got["status"] == "轻度污染"


def test_D13_fewer_than_5_sections_use_mean_concentrations():
    # Four sections: two class II, two class 劣V by NH3-N (2.5). Mean NH3-N = 1.3 -> class IV.
    good = ("river", {"NH3-N": D("0.3")})
    bad = ("river", {"NH3-N": D("2.3")})
    got = water.region_status(["II", "II", "劣V", "劣V"], [good, good, bad, bad])
    assert got["method"] == "mean_of_sections" and got["mean_class"] == "IV"
    assert got["status"] == "轻度污染"
