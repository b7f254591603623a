"""`ecociv air-eval` / `ecociv water-eval` print the documented JSON and files."""
import csv
import io
import json

from django.core.management import call_command

from ecociv.monitoring.engine.api import DAILY_HEADER

KEYS = {"id", "year", "valid_days", "good_days", "good_rate", "PM2.5_mean", "PM10_mean", "SO2_mean",
        "NO2_mean", "CO_p95", "O3_8h_p90", "PM2.5_p95", "PM10_p95", "SO2_p98", "NO2_p98", "days_by_level"}


def test_air_eval_prints_json_and_writes_the_daily_file(air_world, tmp_path):
    st_file, air_file, *_ = air_world
    out = io.StringIO()
    call_command("air_eval", str(st_file), str(air_file), "--level", "region", "--json",
                 "--daily", str(tmp_path / "d.csv"), "--no-progress", stdout=out)
    res = json.loads(out.getvalue())
    assert {r["id"] for r in res} == {"R1", "R2"}
    assert all(set(r) >= KEYS and r["standard"] for r in res)
    with open(tmp_path / "d.csv", encoding="utf-8") as fh:
        assert tuple(next(csv.reader(fh))) == DAILY_HEADER


def test_water_eval_classifies_sections_and_regions(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text(
        "section,region,date,water_type,pH,DO,NH3-N,TP,COD\n"
        "S1,R,2024-01-10,river,7.5,8,0.1,0.05,10\n"
        "S1,R,2024-07-10,river,7.5,8,0.3,0.05,10\n"   # mean NH3-N 0.2 -> II
        "S2,R,2024-01-10,lake,7.5,8,0.1,0.06,10\n"    # lake TP 0.06 -> IV
        "S3,R,2024-01-10,river,7.5,8,2.5,0.05,10\n"   # 劣V
        "S4,R,2024-01-10,river,x,8,0.1,0.05,10\n",    # bad row
        encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("water_eval", str(p), "--json", stdout=out, stderr=err)
    res = json.loads(out.getvalue())
    classes = {s["id"]: s["class"] for s in res["sections"]}
    assert classes == {"S1": "II", "S2": "IV", "S3": "劣V"}
    assert "第 6 行：pH 的值“x”不是数字" in err.getvalue()
    (region,) = res["regions"]
    assert (region["share_I_III"], region["share_worse_V"]) == (33.3, 33.3)


def test_air_eval_takes_a_memory_limit_and_refuses_a_malformed_one(air_world):
    import pytest
    from django.core.management.base import CommandError

    st_file, air_file, *_ = air_world
    out = io.StringIO()
    call_command("air_eval", str(st_file), str(air_file), "--json", "--no-progress", "--memory-limit", "300MB",
                 stdout=out)
    assert json.loads(out.getvalue())
    with pytest.raises(CommandError, match="内存上限“1GB'; DROP”格式不对"):
        call_command("air_eval", str(st_file), str(air_file), "--json", "--memory-limit", "1GB'; DROP")


def test_the_spark_engine_missing_is_said_in_words_before_anything_is_read(air_world, monkeypatch):
    import importlib.util

    import pytest
    from django.core.management.base import CommandError

    st_file, air_file, *_ = air_world
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    with pytest.raises(CommandError, match="计算引擎 spark 需要安装 PySpark"):
        call_command("air_eval", str(st_file), str(air_file), "--engine", "spark", "--no-progress")
    with pytest.raises(CommandError, match="预编译失败：计算引擎 spark 需要安装 PySpark"):
        call_command("air_prepare", "--engine", "spark", "--quiet")
