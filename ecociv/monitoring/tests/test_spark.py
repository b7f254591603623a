"""DuckDB and PySpark run the same Ibis expressions and must agree on every figure."""
import filecmp
import importlib.util
import os

import pytest

from ecociv.monitoring.engine.api import evaluate_air

pytestmark = pytest.mark.spark

if importlib.util.find_spec("pyspark") is None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError("CI 中必须安装 PySpark（requirements/spark.in），Spark 测试不能跳过")
    pytest.skip("PySpark 未安装（pip install -r requirements/spark.in）", allow_module_level=True)


@pytest.mark.parametrize("level", ["station", "region"])
def test_duckdb_and_spark_give_identical_results(air_world, tmp_path, level):
    st_file, air_file, *_ = air_world
    a = evaluate_air(st_file, air_file, level=level, daily_out=tmp_path / "duck.csv")
    b = evaluate_air(st_file, air_file, level=level, engine="spark", daily_out=tmp_path / "spark.csv")
    assert b.engine_version.startswith("pyspark")
    assert a.results == b.results
    assert filecmp.cmp(tmp_path / "duck.csv", tmp_path / "spark.csv", shallow=False)
