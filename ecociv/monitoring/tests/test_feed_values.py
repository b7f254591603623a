"""Feeding computed figures into indicator values: lineage, audit, review status, scope, locks."""
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from ecociv.audit.models import AuditLog
from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.monitoring.engine.api import evaluate_air
from ecociv.monitoring.feed import FeedError
from ecociv.monitoring.models import MonitoringRun
from ecociv.monitoring.runs import feed_from_command
from ecociv.monitoring.tests.conftest import random_world, write_air, write_stations

COUNTIES = {"A1": "870121", "A2": "870121", "B1": "870122", "B2": "870122"}


@pytest.fixture
def coded_files(tmp_path):
    """The random air world with its stations placed in the fixture world's two counties."""
    _stations, rows = random_world()
    return (write_stations(tmp_path / "stations.csv", COUNTIES), write_air(tmp_path / "air.csv", rows))


def _feed(files, by, year=2026, base_year=None, level="region"):
    st, air = files
    res = evaluate_air(st, air, level=level)
    results = {"rows": res.results, "rulesets": res.rulesets, "engine": res.engine,
               "engine_version": res.engine_version}
    inputs = [{**i, "role": r} for i, r in zip(res.inputs, ("stations", "data"))]
    run, out = feed_from_command(by=by, kind="air", inputs=inputs, parameters={"level": level, "engine": "duckdb"},
                                 results=results, year=year, base_year=base_year)
    return res, run, out


def test_it_writes_7_1_as_submitted_computed_values_with_lineage_and_audit(world, coded_files):
    res, run, out = _feed(coded_files, world.city_admin)
    assert (out["created"], out["updated"]) == (2, 0)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.1",
                                   indicator__standard=world.standard)
    r = next(x for x in res.results if x["id"] == "870121" and x["year"] == 2026)
    assert v.value == Decimal(str(r["good_rate"]))
    assert v.source == ValueSource.COMPUTED and v.status == ValueStatus.SUBMITTED and v.submitted_at
    lin = v.lineage
    assert [(i["name"], i["sha256"]) for i in lin["inputs"]] == [
        ("stations.csv", res.inputs[0]["sha256"]), ("air.csv", res.inputs[1]["sha256"])]
    assert lin["engine"] == "duckdb" and lin["engine_version"].startswith("duckdb ")
    assert lin["parameters"] == {"level": "region", "engine": "duckdb"}
    assert lin["rule_sets"] == r["standard"] and lin["run"] == run.pk
    assert lin["figures"]["good_days"] == r["good_days"]
    logs = AuditLog.objects.filter(action="value.compute", object_id=str(v.pk))
    assert logs.count() == 1 and logs[0].before is None and logs[0].after["lineage"]["run"] == run.pk
    assert logs[0].username == "city_admin" and logs[0].region_id == world.county.pk
    assert AuditLog.objects.filter(action="monitoring.run", object_id=str(run.pk)).exists()


def test_feeding_the_same_files_again_changes_nothing_but_a_locked_value_is_never_overwritten(world, coded_files):
    _feed(coded_files, world.city_admin)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.1")
    # Returned, corrected by hand, approved (the model refuses to change a submitted value's figure).
    IndicatorValue.objects.filter(pk=v.pk).update(status=ValueStatus.RETURNED)
    IndicatorValue.objects.filter(pk=v.pk).update(value=Decimal(1))
    IndicatorValue.objects.filter(pk=v.pk).update(status=ValueStatus.APPROVED)
    _res, _run, out = _feed(coded_files, world.city_admin)
    assert out["locked"] == ["甲县 2026年 7.1 优良天数比例（已审核）"]
    v.refresh_from_db()
    assert v.value == Decimal(1) and v.status == ValueStatus.APPROVED
    # The other county's value, still under review with the same figure, is left as it is (the
    # one lock rule: not even its lineage changes while it is 已提交).
    assert (out["updated"], out["unchanged"]) == (0, 1)


def test_unknown_region_codes_are_refused_by_name_and_nothing_is_written(world, tmp_path):
    _stations, rows = random_world()
    st = write_stations(tmp_path / "st.csv", {"A1": "870121", "A2": "R1", "B1": "999999", "B2": "999999"})
    with pytest.raises(FeedError, match="999999、R1"):
        _feed((st, write_air(tmp_path / "air.csv", rows)), world.city_admin)
    assert not IndicatorValue.objects.exists()
    assert not AuditLog.objects.filter(action="value.compute").exists()


def test_a_county_cannot_feed_another_countys_region(world, coded_files):
    with pytest.raises(Http404):
        _feed(coded_files, world.admin)  # 甲县's administrator; the file also holds 乙县 (870122)
    assert not IndicatorValue.objects.exists()


def test_7_2_is_written_only_with_a_base_year_and_says_how(world, coded_files):
    res, _run, _out = _feed(coded_files, world.city_admin, base_year=2025)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.2")
    cur = next(x for x in res.results if x["id"] == "870121" and x["year"] == 2026)["PM2.5_mean"]
    base = next(x for x in res.results if x["id"] == "870121" and x["year"] == 2025)["PM2.5_mean"]
    expected = ((Decimal(str(base)) - Decimal(str(cur))) / Decimal(str(base)) * 100).quantize(Decimal("0.1"))
    assert v.value == expected
    assert v.lineage["base_year"] == 2025 and v.lineage["base_value"] == base
    assert "基准年值" in v.lineage["formula"] and v.lineage["base_from"] == "同一批输入文件"


def test_7_2_takes_the_base_year_from_a_stored_run(world, coded_files, tmp_path):
    _feed(coded_files, world.city_admin, year=2025)
    first = MonitoringRun.objects.get()
    # A second upload holding only 2026: the 2025 figure comes from the stored run.
    _stations, rows = random_world()
    only_2026 = write_air(tmp_path / "air2026.csv", [r for r in rows if r[1].startswith("2026")])
    _feed((coded_files[0], only_2026), world.city_admin, base_year=2025)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.2")
    assert v.lineage["base_from"]["run"] == first.pk
    assert v.lineage["base_from"]["inputs"][1]["name"] == "air.csv"


def test_air_eval_feed_keeps_the_json_contract(world, coded_files):
    out, err = io.StringIO(), io.StringIO()
    call_command("air_eval", str(coded_files[0]), str(coded_files[1]), "--level", "region", "--json",
                 "--no-progress", "--feed", "--year", "2026", "--as", "city_admin", stdout=out, stderr=err)
    results = json.loads(out.getvalue())
    assert {r["id"] for r in results} == {"870121", "870122"}
    assert "新增 2 条" in err.getvalue()
    assert IndicatorValue.objects.filter(year=2026, indicator__code="7.1", source="computed").count() == 2


def test_air_eval_feed_needs_region_level_and_a_year(world, coded_files):
    with pytest.raises(CommandError, match="--year"):
        call_command("air_eval", str(coded_files[0]), str(coded_files[1]), "--level", "region", "--feed")
    with pytest.raises(CommandError, match="--level region"):
        call_command("air_eval", str(coded_files[0]), str(coded_files[1]), "--feed", "--year", "2026")


def test_a_read_only_user_cannot_feed_from_the_command_line(world, coded_files):
    with pytest.raises(CommandError, match="只有查看权限"):
        call_command("air_eval", str(coded_files[0]), str(coded_files[1]), "--level", "region", "--json",
                     "--no-progress", "--feed", "--year", "2026", "--as", "jia_viewer", stdout=io.StringIO())


WATER = (
    "section,region,date,water_type,pH,DO,NH3-N,TP,COD\n"
    "S1,870121,2025-03-01,river,7.5,6.2,0.4,0.1,14\n"
    "S2,870121,2025-03-01,river,7.5,2.5,2.4,0.5,38\n"
    "S1,870121,2026-03-01,river,7.5,7.8,0.1,0.02,10\n"
    "S2,870121,2026-03-01,river,7.5,5.5,0.9,0.15,18\n"
)


def test_water_eval_feeds_8_1_and_8_2_against_the_base_year(world, tmp_path):
    p = tmp_path / "water.csv"
    p.write_text(WATER, encoding="utf-8")
    with pytest.raises(CommandError, match="基准年"):
        call_command("water_eval", str(p), "--json", "--feed", "--year", "2026", "--as", "jia_admin",
                     stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("water_eval", str(p), "--json", "--feed", "--year", "2026", "--base-year", "2025",
                 "--as", "jia_admin", stdout=out, stderr=io.StringIO())
    regions = {(r["id"], r["year"]): r for r in json.loads(out.getvalue())["regions"]}
    now, base = regions[("870121", 2026)], regions[("870121", 2025)]
    v81 = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="8.1")
    v82 = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="8.2")
    assert v81.value == Decimal(str(now["share_I_III"])) - Decimal(str(base["share_I_III"]))
    assert v82.value == Decimal(str(base["share_worse_V"])) - Decimal(str(now["share_worse_V"]))
    assert v81.lineage["inputs"][0]["name"] == "water.csv" and v81.lineage["rule_sets"][0].startswith("GB 3838")
    assert v81.status == ValueStatus.SUBMITTED and v81.updated_by.username == "jia_admin"
