from decimal import Decimal

from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.feed import computed_values


def test_region_year_good_rate_becomes_indicator_7_1_with_lineage(air_world):
    st_file, air_file, *_ = air_world
    res = evaluate_air(st_file, air_file, level="region")
    rows = computed_values(res, parameters={"level": "region"})
    by_key = {(r["region"], r["year"]): r for r in rows}
    r1 = next(r for r in res.results if r["id"] == "R1" and r["year"] == 2026)
    row = by_key[("R1", 2026)]
    assert row["indicator"] == "7.1" and row["value"] == Decimal(str(r1["good_rate"]))
    lin = row["lineage"]
    assert lin["source"] == "computed" and lin["engine"] == "duckdb"
    assert [len(i["sha256"]) for i in lin["inputs"]] == [64, 64]
    assert lin["rule_sets"] == r1["standard"] and lin["parameters"] == {"level": "region"}
