"""Entry points shared by the management commands and the import pages."""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from . import air, ingest
from .air import EPOCH, ICOL, ITEMS, MEANS, PERCENTILES, PRIMARY_BIT
from .rules import DECIMALS, Rules, load_rules

ENGINES = ("duckdb", "spark")
Progress = Callable[[str], None]


@dataclass
class AirResult:
    results: list[dict]
    bad_rows: list[ingest.BadRow]
    bad_row_count: int
    rows_used: int
    rulesets: list[str]
    engine: str
    engine_version: str
    daily_path: str | None = None
    inputs: list[dict] = field(default_factory=list)


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _dec(v: int | None, decimals: int) -> Decimal | None:
    return None if v is None else Decimal(int(v)).scaleb(-decimals)


def _rhe_int(a: int, b: int) -> int:
    q, r = divmod(a, b)
    return q + 1 if 2 * r > b or (2 * r == b and q % 2 == 1) else q


def _num(d: Decimal | None):
    # JSON number: ints stay ints, one-decimal values become the float that prints as that decimal.
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() and d.as_tuple().exponent >= 0 else float(d)


def _calendar(first_day: int, last_day: int, rules: Rules, standard: str | None) -> tuple[pa.Table, list[str]]:
    days = list(range(first_day, last_day + 1))
    dates = [EPOCH + dt.timedelta(days=d) for d in days]
    if standard:
        rs_ids = [rules.by_id(standard).id]
        idx = [0] * len(days)
    else:
        per_day = [rules.for_date(x).id for x in dates]
        rs_ids = sorted(set(per_day), key=[r.id for r in rules.rulesets].index)
        idx = [rs_ids.index(r) for r in per_day]
    tbl = pa.table({
        "day": pa.array(days, pa.int32()),
        "year": pa.array([x.year for x in dates], pa.int32()),
        "month": pa.array([x.month for x in dates], pa.int32()),
        "rs": pa.array(idx, pa.int32()),
    })
    return tbl, rs_ids


@contextlib.contextmanager
def _backend(engine: str, con: duckdb.DuckDBPyConnection, tmpdir: str):
    import ibis


    if engine == "duckdb":
        bk = ibis.duckdb.from_connection(con)

        def register(name: str, tbl: pa.Table):
            con.register(name, tbl)
            return bk.table(name)

        def materialize(name: str, expr):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {bk.compile(expr)}")
            return bk.table(name)

        yield bk, register, materialize, f"duckdb {duckdb.__version__}"
        return
    if engine != "spark":
        raise ValueError(f"未知的计算引擎“{engine}”，可选：{'、'.join(ENGINES)}")
    import pyspark
    from pyspark.sql import SparkSession

    master = os.environ.get("ECOCIV_SPARK_MASTER", "local[2]")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master(master).appName("ecociv-air")
             .config("spark.sql.shuffle.partitions", os.environ.get("ECOCIV_SPARK_PARTITIONS", "8"))
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", f"{tmpdir}/spark-warehouse")
             .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmpdir}")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    bk = ibis.pyspark.connect(spark)

    def register(name: str, tbl: pa.Table):
        # A temporary view: nothing is written to a warehouse directory.
        spark.createDataFrame(tbl.to_pandas()).createOrReplaceTempView(name)
        return bk.table(name)

    def materialize(name: str, expr):
        spark.sql(bk.compile(expr)).cache().createOrReplaceTempView(name)
        return bk.table(name)

    try:
        yield bk, register, materialize, f"pyspark {pyspark.__version__}"
    finally:
        spark.stop()


def evaluate_air(stations_file: str | Path, data_file: str | Path, *, level: str = "station",
                 engine: str = "duckdb", standard: str | None = None,
                 daily_out: str | Path | None = None, progress: Progress | None = None,
                 threads: int | None = None, memory_limit: str | None = None) -> AirResult:
    note = progress or (lambda _msg: None)
    if level not in ("station", "region"):
        raise ValueError(f"未知的统计层级“{level}”，可选：station、region")
    rules = load_rules()
    if standard:
        rules.by_id(standard)  # fail early, with the Chinese message
    con = duckdb.connect()
    # DuckDB draws its own bar on stderr for long queries: noise in server logs and beside the
    # command's stage bar.
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    with tempfile.TemporaryDirectory(prefix="ecociv-air-") as tmp:
        con.execute(f"SET temp_directory = '{tmp}/duckdb'")
        note("读取站点文件")
        stations = ingest.load_stations(stations_file)
        note("读取并检查监测数据")
        inp = ingest.read_air(con, stations, data_file)
        if inp.first_day is None:
            return AirResult([], inp.bad_rows, inp.bad_row_count, 0, [], engine, "", None)
        cal, rs_ids = _calendar(inp.first_day, inp.last_day, rules, standard)
        regions = sorted(set(stations.region.values()))
        smap = pa.table({
            "sid": pa.array(range(len(stations.ids)), pa.int32()),
            "gid": pa.array([regions.index(stations.region[s]) for s in stations.ids], pa.int32()),
        })
        with _backend(engine, con, tmp) as (bk, register, materialize, version):
            if engine == "duckdb":
                hourly = bk.table("hourly")
            else:
                note("导出为 Parquet 交给 Spark")
                hp = f"{tmp}/hourly.parquet"
                con.execute(f"COPY (SELECT * FROM hourly) TO '{hp}' (FORMAT parquet)")
                hourly = bk.read_parquet(hp, table_name="hourly")
            calendar, station_map = register("calendar_in", cal), register("smap_in", smap)
            note("计算日均值与 AQI")
            # Materialised once: the annual figures read it eight times (means, months, six
            # percentiles), and neither engine reliably shares the subtree on its own.
            daily_expr = air.build_daily(hourly, calendar, rules, rs_ids,
                                         station_map=station_map if level == "region" else None)
            daily_tbl = materialize("daily_values", daily_expr)
            note("年度评价")
            ann = air.annual(daily_tbl, rules).to_pyarrow().to_pylist()
            daily_path = None
            if daily_out:
                note("写出逐日结果")
                daily = daily_tbl.order_by(["sid", "day"]).to_pyarrow()
                daily_path = str(daily_out)
                write_daily(daily, daily_out, stations.ids if level == "station" else regions)
        con.close()
    labels = stations.ids if level == "station" else regions
    results = [format_annual(r, labels, rs_ids, rules) for r in ann]
    results.sort(key=lambda r: (r["id"], r["year"]))
    inputs = [{"path": str(p), "sha256": sha256(p)} for p in (stations_file, data_file)]
    return AirResult(results, inp.bad_rows, inp.bad_row_count, inp.rows, [rules.by_id(r).label for r in rs_ids],
                     engine, version, daily_path, inputs)


def format_annual(r: dict, labels: list[str], rs_ids: list[str], rules: Rules) -> dict:
    used = sorted({rs_ids[r["rs_min"]], rs_ids[r["rs_mask"]]}, key=rs_ids.index)
    out = {"id": labels[r["sid"]], "year": int(r["year"]),
           "valid_days": int(r["valid_days"]), "good_days": int(r["good_days"] or 0)}
    out["good_rate"] = _num(_dec(_rhe_int(1000 * out["good_days"], out["valid_days"]), 1)) if out["valid_days"] else None
    for item in MEANS:
        c = ICOL[item]
        n, s = r[f"n_{c}"], r[f"sum_{c}"]
        out[f"{item}_mean"] = _num(_dec(_rhe_int(s, n), DECIMALS[item])) if n else None
    for item, p in PERCENTILES:
        v = r.get(f"p_{ICOL[item]}")
        key = f"{item}_p{p}" if item != "O3_8h" else f"O3_8h_p{p}"
        out[key] = None if v is None else _num(_dec(_rhe_int(v, 100), DECIMALS[item]))
    out["days_by_level"] = {str(lv): int(r[f"lv{lv}"] or 0) for lv in range(1, 7)}
    v = rules.validity
    out["completeness"] = {
        item: {"days": int(r[f"n_{ICOL[item]}"]),
               "complete": bool(r[f"n_{ICOL[item]}"] >= v["annual_min_days"] and r[f"ok_{ICOL[item]}"] == 12)}
        for item in ITEMS
    }
    out["standard"] = [rules.by_id(x).label for x in used]
    return out


DAILY_HEADER = ("id", "date", "SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h_max", "O3_8h_max", "AQI", "level", "primary")


def primary_names(mask: int) -> str:
    names = []
    for item in ITEMS:
        if mask & PRIMARY_BIT[item]:
            names.append(item)
    return ";".join(names)


def write_daily(daily: pa.Table, path: str | Path, labels: list[str]) -> None:
    import csv

    cols = {c: daily.column(c).to_pylist() for c in daily.column_names}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(DAILY_HEADER)
        for i in range(daily.num_rows):
            row = [labels[cols["sid"][i]], (EPOCH + dt.timedelta(days=cols["day"][i])).isoformat()]
            for item in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h"):
                x = cols[ICOL[item]][i]
                row.append("" if x is None else str(_dec(x, DECIMALS[item])))
            a = cols["aqi"][i]
            row += ["" if a is None else a, "" if a is None else cols["level"][i], primary_names(cols["primary"][i] or 0)]
            w.writerow(row)


def tqdm_progress(total_steps: int = 5, *, disable: bool = False):
    """A stage bar on stderr: the long steps are single engine calls, so stages are what can be shown."""
    from tqdm import tqdm

    bar = tqdm(total=total_steps, file=sys.stderr, disable=disable, unit="步", leave=False)

    def step(msg: str) -> None:
        bar.set_description(msg)
        bar.update(1)

    step.close = bar.close  # type: ignore[attr-defined]
    return step
