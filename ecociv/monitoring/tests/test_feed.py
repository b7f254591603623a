from decimal import Decimal

from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.feed import air_values, codes_for, indicator_map, input_refs, measures


def test_region_year_good_rate_becomes_the_good_rate_measure_with_lineage(air_world):
    st_file, air_file, *_ = air_world
    res = evaluate_air(st_file, air_file, level="region")
    lineage = {"inputs": input_refs(res.inputs), "engine": res.engine, "parameters": {"level": "region"},
               "rule_sets": res.rulesets}
    rows = air_values(res.results, year=2026, lineage=lineage)
    by_key = {(r["region"], r["year"], r["measure"]): r for r in rows}
    r1 = next(r for r in res.results if r["id"] == "R1" and r["year"] == 2026)
    row = by_key[("R1", 2026, "air.good_rate")]
    assert row["value"] == Decimal(str(r1["good_rate"]))
    assert by_key[("R1", 2026, "air.pm25_mean")]["value"] == Decimal(str(r1["PM2.5_mean"]))
    assert not any(r["measure"] == "air.pm25_decrease" for r in rows)  # a change needs a base year
    lin = row["lineage"]
    assert lin["source"] == "computed" and lin["engine"] == "duckdb" and lin["figure"] == "good_rate"
    assert [len(i["sha256"]) for i in lin["inputs"]] == [64, 64]
    assert lin["rule_sets"] == r1["standard"] and lin["parameters"] == {"level": "region"}


def test_the_indicator_map_is_data_and_names_only_defined_measures():
    m = indicator_map()
    assert m["national-2019"] == {"7.1": "air.good_rate", "7.2": "air.pm25_decrease",
                                  "8.1": "water.share_I_III_increase", "8.2": "water.share_worse_V_decrease"}
    assert codes_for("national-2024-city")["air.pm25_mean"] == "4.2"
    assert codes_for("national-2016-county") == {}
    assert all(key in measures() for std in m.values() for key in std.values())
