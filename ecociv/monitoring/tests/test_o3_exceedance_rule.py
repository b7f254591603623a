"""O3 days with too few valid values: raw or rounded maximum against the limit is a rule-set
parameter (rulesets.yaml `o3_exceedance_compare`), shown with each result; both choices run."""
import csv

import pytest

from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.engine.rules import load_rules, with_validity

from .conftest import write_air, write_stations


def short_o3_day():
    """2024-07-01 with O3 only in hours 00-12: 8 valid 8 h windows (< 14). The best window,
    00-07, averages 1283 / 8 = 160.375 ug/m3: above the 160 limit raw, equal to it rounded.
    The 1 h maximum 200.4 (13 hours < 20) likewise: above 200 raw, 200 rounded."""
    o3 = [160] * 7 + [163] + [0] * 4 + ["200.4"] + [""] * 11
    return [["S", f"2024-07-01 {h:02d}:00", "10", "20", "0.5", str(v), "40", "30"] for h, v in enumerate(o3)]


@pytest.mark.parametrize(("compare", "o3_8h", "o3_1h"), [("rounded", "", ""), ("raw", "160", "200")])
def test_the_choice_decides_whether_a_short_o3_day_counts(tmp_path, compare, o3_8h, o3_1h):
    st = write_stations(tmp_path / "s.csv", {"S": "R"})
    rules = with_validity(load_rules(), o3_exceedance_compare=compare)
    res = evaluate_air(st, write_air(tmp_path / "a.csv", short_o3_day()), rules=rules,
                       daily_out=tmp_path / "d.csv")
    with open(tmp_path / "d.csv", encoding="utf-8") as fh:
        (day,) = list(csv.DictReader(fh))
    assert (day["O3_8h_max"], day["O3_1h_max"]) == (o3_8h, o3_1h)
    # The choice travels with the result (the feed writes `standard` into each value's lineage).
    which = "修约后的日最大值" if compare == "rounded" else "未修约的最大值"
    assert res.results[0]["standard"][-1] == f"O3 有效数据不足时以{which}与限值比较（未核实）"
    assert res.rulesets[-1] == res.results[0]["standard"][-1]


def test_the_shipped_rule_set_says_which_and_that_it_is_unverified():
    v = load_rules().validity
    assert v["o3_exceedance_compare"] in ("rounded", "raw")
    assert v["o3_exceedance_compare_verified"] is False
