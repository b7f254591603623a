"""Entry points shared by the management commands and the import pages.

Nothing heavy is imported at module level: the DuckDB path runs SQL compiled once from the Ibis
expressions in air.py and kept in a cache (sql_cache.py), so a run whose SQL is cached never
imports Ibis, and the command starts in a fraction of the time.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from . import ingest, sql_cache
from .rules import EPOCH, ICOL, ITEMS, PRIMARY_BIT, Rules, load_rules

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


class _Hashes:
    """sha256 of the inputs in a thread while the engine reads them: hashlib releases the GIL, so
    the hash costs no wall time beside DuckDB's scan (it was 0.2-0.3 s in series at 1,000 stations)."""

    def __init__(self, paths):
        self.paths, self.out, self.error = [str(p) for p in paths], {}, None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for p in self.paths:
                self.out[p] = sha256(p)
        except OSError as exc:   # reported by the read itself, with its message
            self.error = exc

    def inputs(self) -> list[dict]:
        self.thread.join()
        if self.error:
            raise self.error
        return [{"path": p, "sha256": self.out[p]} for p in self.paths]


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


def _in_file_order(rules: Rules, ids) -> list[str]:
    """The rule sets in play, once each, in the rules file's order: a run's `rs_ids` (and part of
    its queries' cache key)."""
    return sorted(set(ids), key=[r.id for r in rules.rulesets].index)


def _calendar(first_day: int, last_day: int, rules: Rules, standard: str | None) -> tuple[str, list[str]]:
    """SELECT of (day, year, month, rs) for every day of the data; rs indexes the rule sets used."""
    days = range(first_day, last_day + 1)
    if standard:
        rs_ids, idx = [rules.by_id(standard).id], [0] * len(days)
    else:
        per_day = [rules.for_date(EPOCH + dt.timedelta(days=d)).id for d in days]
        rs_ids = _in_file_order(rules, per_day)
        idx = [rs_ids.index(r) for r in per_day]
    # Rule sets hold for date ranges: a few CASE branches, not one row per day in the SQL text.
    whens, start = [], 0
    for i in range(1, len(idx) + 1):
        if i == len(idx) or idx[i] != idx[start]:
            whens.append(f"WHEN d <= {days[i - 1]} THEN {idx[start]}")
            start = i
    sql = (f"SELECT CAST(d AS INTEGER) AS day, CAST(year(x) AS INTEGER) AS year, CAST(month(x) AS INTEGER) AS month, "  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
           f"CAST(CASE {' '.join(whens)} END AS INTEGER) AS rs "
           f"FROM (SELECT d, DATE '1970-01-01' + CAST(d AS INTEGER) AS x FROM range({first_day}, {last_day + 1}) t(d))")
    return sql, rs_ids


class _DuckDB:
    """Runs SQL text on the connection that holds the checked input; Ibis only to compile."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self._bk = con, None
        self.version = self.current_version()

    @staticmethod
    def current_version() -> str:
        return f"duckdb {duckdb.__version__}"

    def ibis(self):
        if self._bk is None:
            import ibis

            self._bk = ibis.duckdb.from_connection(self.con)
        return self._bk

    def register(self, name: str, select: str) -> None:
        self.create(name, select)

    def create(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> list[dict]:
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


class _Spark:
    name = "spark"

    def __init__(self, spark, con: duckdb.DuckDBPyConnection):
        self.spark, self.con, self._bk = spark, con, None
        self.version = self.current_version()

    @staticmethod
    def current_version() -> str:
        import pyspark

        return f"pyspark {pyspark.__version__}"

    def ibis(self):
        if self._bk is None:
            import ibis

            self._bk = ibis.pyspark.connect(self.spark)
        return self._bk

    def register(self, name: str, select: str) -> None:
        # Small tables made by DuckDB, handed over as a temporary view (nothing written to a
        # warehouse directory).
        tbl = self.con.sql(select).to_arrow_table()
        self.spark.createDataFrame(tbl).createOrReplaceTempView(name)  # Arrow straight in (PySpark ≥ 4), no pandas

    def create(self, name: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(name)

    def fetch(self, sql: str) -> list[dict]:
        return self.spark.sql(sql).toArrow().to_pylist()


def spark_available() -> None:
    """Refuse, in words, before reading anything, when the optional Spark engine is not installed."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        raise ValueError("计算引擎 spark 需要安装 PySpark：.venv/bin/pip install -r requirements/spark.in"
                         "（make test 会自动安装），另需 Java 运行环境")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ValueError("计算引擎 spark 需要 Java 运行环境（如 Debian 的 default-jre-headless），当前未找到 java")


@contextlib.contextmanager
def _spark_session(tmpdir: str):
    from pyspark.sql import SparkSession

    master = os.environ.get("ECOCIV_SPARK_MASTER", "local[2]")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master(master).appName("ecociv-air")
             .config("spark.sql.shuffle.partitions", os.environ.get("ECOCIV_SPARK_PARTITIONS", "8"))
             .config("spark.ui.enabled", "false")
             # Its stage bars on stderr are noise beside the command's own bar (as DuckDB's are).
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", f"{tmpdir}/spark-warehouse")
             .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmpdir}")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    # The daily query's aggregate is too large for whole-stage code generation: Spark logs the
    # failed Java compile as ERROR with pages of stack, then runs it interpreted, as designed
    # (spark.sql.codegen.fallback). Only that logger is quietened; real errors still raise.
    with contextlib.suppress(Exception):
        jvm = spark.sparkContext._jvm
        jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
            "org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator", jvm.org.apache.logging.log4j.Level.OFF)
    try:
        yield spark
    finally:
        spark.stop()


def prepare_cases(engines: tuple[str, ...] = ("duckdb",), rules: Rules | None = None) -> list[tuple]:
    """(engine, rule sets, level) of every evaluation a run can ask for: each level, on each
    engine, for every span of consecutive rule sets a data period can cover (a period falls in
    one rule set or straddles the next ones)."""
    order = sorted((rules or load_rules()).rulesets, key=lambda r: r.valid_from)
    spans = [tuple(order[i:j + 1]) for i in range(len(order)) for j in range(i, len(order))]
    return [(engine, span, level) for engine in engines for span in spans for level in ("station", "region")]


def prepare(engines: tuple[str, ...] = ("duckdb",), progress: Progress | None = None) -> tuple[int, int]:
    """Compile and keep the SQL of every case of `prepare_cases`, so that no run pays the compile
    (1-2 s of Python). Runs the real evaluation on a one-station input with an hour on the first
    day of each end of the span, so what is kept is exactly what a run would compile.
    `ecociv air-prepare` calls it; `ecociv serve` runs that at start. Returns (cases, compiled
    now); a second call compiles nothing."""
    note = progress or (lambda _msg: None)
    rules = load_rules()
    cases = prepare_cases(engines, rules)
    compiled = 0
    with tempfile.TemporaryDirectory(prefix="ecociv-prepare-") as tmp:
        stations = Path(tmp) / "stations.csv"
        stations.write_text("station,region,name\nP1,P,预编译\n", encoding="utf-8")
        if "spark" in engines:
            spark_available()
        versions = {e: (_DuckDB if e == "duckdb" else _Spark).current_version() for e in engines}
        for engine, span, level in cases:
            note(f"{engine} {'、'.join(r.id for r in span)} {level}")
            if sql_cache.is_cached(engine, versions[engine], rules, _in_file_order(rules, (r.id for r in span)), level):
                continue  # kept already: nothing to run (a Spark case costs a session)
            data = Path(tmp) / f"{span[0].id}-{span[-1].id}.csv"
            data.write_text("station,time,SO2,NO2,CO,O3,PM10,PM2.5\n"
                            + "".join(f"P1,{d.isoformat()} 01:00,5,20,0.5,60,40,20\n"
                                      for d in sorted({span[0].valid_from, span[-1].valid_from})),
                            encoding="utf-8")
            before = _cached_files()
            res = evaluate_air(stations, data, level=level, engine=engine, rules=rules)
            if set(res.rulesets[:len(span)]) != {r.label for r in span}:
                raise AssertionError(f"预编译样例没有覆盖预期的标准：{res.rulesets}")
            compiled += len(_cached_files() - before)
    return len(cases), compiled


def _cached_files() -> set[str]:
    try:
        return {p.name for p in sql_cache.cache_dir().glob("*.sql")}
    except OSError:
        return set()


def evaluate_air(stations_file: str | Path, data_file: str | Path, *, level: str = "station",
                 engine: str = "duckdb", standard: str | None = None,
                 daily_out: str | Path | None = None, progress: Progress | None = None,
                 threads: int | None = None, memory_limit: str | None = None,
                 rules: Rules | None = None) -> AirResult:
    note = progress or (lambda _msg: None)
    if level not in ("station", "region"):
        raise ValueError(f"未知的统计层级“{level}”，可选：station、region")
    if engine not in ENGINES:
        raise ValueError(f"未知的计算引擎“{engine}”，可选：{'、'.join(ENGINES)}")
    if engine == "spark":
        spark_available()
    rules = rules or load_rules()
    if standard:
        rules.by_id(standard)  # fail early, with the Chinese message
    hashes = _Hashes((stations_file, data_file))
    con = duckdb.connect()
    # DuckDB draws its own bar on stderr for long queries: noise in server logs and beside the
    # command's stage bar.
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        import re

        if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", memory_limit.strip(), re.IGNORECASE):
            raise ValueError(f"内存上限“{memory_limit}”格式不对，应为如 600MB、2GB")
        con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
    with tempfile.TemporaryDirectory(prefix="ecociv-air-") as tmp:
        con.execute(f"SET temp_directory = '{tmp}/duckdb'")
        note("读取站点文件")
        stations = ingest.load_stations(stations_file)
        note("读取并检查监测数据")
        inp = ingest.read_air(con, stations, data_file)
        if inp.first_day is None:
            hashes.inputs()
            return AirResult([], inp.bad_rows, inp.bad_row_count, 0, [], engine, "", None)
        cal, rs_ids = _calendar(inp.first_day, inp.last_day, rules, standard)
        regions = sorted(set(stations.region.values()))
        gid = {g: i for i, g in enumerate(regions)}
        pairs = ", ".join(f"({i}, {gid[stations.region[s]]})" for i, s in enumerate(stations.ids))
        smap = f"SELECT CAST(sid AS INTEGER) AS sid, CAST(gid AS INTEGER) AS gid FROM (VALUES {pairs}) t(sid, gid)"  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        with contextlib.ExitStack() as stack:
            if engine == "duckdb":
                be = _DuckDB(con)
            else:
                note("导出为 Parquet 交给 Spark")
                spark = stack.enter_context(_spark_session(tmp))
                be = _Spark(spark, con)
                hp = f"{tmp}/hourly.parquet"
                con.execute(f"COPY (SELECT * FROM hourly) TO '{hp}' (FORMAT parquet)")  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
                spark.read.parquet(hp).createOrReplaceTempView("hourly")
            be.register("calendar_in", cal)
            be.register("smap_in", smap)
            note("计算日均值与 AQI")
            # Materialised once: the annual figures read it eight times (means, months, six
            # percentiles), and neither engine reliably shares the subtree on its own.
            be.create("daily_values", sql_cache.daily_sql(be, rules, rs_ids, level))
            note("年度评价")
            ann = be.fetch(sql_cache.annual_sql(be, rules, rs_ids, level))
            daily_path = None
            if daily_out:
                note("写出逐日结果")
                daily = be.fetch("SELECT * FROM daily_values ORDER BY sid, day")
                daily_path = str(daily_out)
                write_daily(daily, daily_out, stations.ids if level == "station" else regions, rules)
        con.close()
    labels = stations.ids if level == "station" else regions
    results = [format_annual(r, labels, rs_ids, rules) for r in ann]
    results.sort(key=lambda r: (r["id"], r["year"]))
    return AirResult(results, inp.bad_rows, inp.bad_row_count, inp.rows, ruleset_labels(rules, rs_ids),
                     engine, be.version, daily_path, hashes.inputs())


def ruleset_labels(rules: Rules, rs_ids: list[str]) -> list[str]:
    """What a result was computed with: each rule set's label, and the project decisions."""
    return [rules.by_id(r).label for r in rs_ids] + rules.choices()


def format_annual(r: dict, labels: list[str], rs_ids: list[str], rules: Rules) -> dict:
    used = sorted({rs_ids[r["rs_min"]], rs_ids[r["rs_mask"]]}, key=rs_ids.index)
    dec = rules.decimals
    out = {"id": labels[r["sid"]], "year": int(r["year"]),
           "valid_days": int(r["valid_days"]), "good_days": int(r["good_days"] or 0)}
    gd = rules.rounding["good_rate_decimals"]
    out["good_rate"] = (_num(_dec(_rhe_int(100 * 10 ** gd * out["good_days"], out["valid_days"]), gd))
                        if out["valid_days"] else None)
    for item in rules.means:
        c = ICOL[item]
        n, s = r[f"n_{c}"], r[f"sum_{c}"]
        out[f"{item}_mean"] = _num(_dec(_rhe_int(s, n), dec[item])) if n else None
    for item, p in rules.percentiles:
        v = r.get(f"p_{ICOL[item]}")
        out[f"{item}_p{p}"] = None if v is None else _num(_dec(_rhe_int(v, 100), dec[item]))
    out["days_by_level"] = {str(lv): int(r[f"lv{lv}"] or 0) for lv in range(1, 7)}
    v = rules.validity
    out["completeness"] = {
        item: {"days": int(r[f"n_{ICOL[item]}"]),
               "complete": bool(r[f"n_{ICOL[item]}"] >= v["annual_min_days"] and r[f"ok_{ICOL[item]}"] == 12)}
        for item in ITEMS
    }
    out["standard"] = ruleset_labels(rules, used)
    return out


DAILY_HEADER = ("id", "date", "SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h_max", "O3_8h_max", "AQI", "level", "primary")


def primary_names(mask: int) -> str:
    names = []
    for item in ITEMS:
        if mask & PRIMARY_BIT[item]:
            names.append(item)
    return ";".join(names)


def write_daily(daily: list[dict], path: str | Path, labels: list[str], rules: Rules) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(DAILY_HEADER)
        for d in daily:
            row = [labels[d["sid"]], (EPOCH + dt.timedelta(days=d["day"])).isoformat()]
            for item in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h"):
                x = d[ICOL[item]]
                row.append("" if x is None else str(_dec(x, rules.decimals[item])))
            a = d["aqi"]
            row += ["" if a is None else a, "" if a is None else d["level"], primary_names(d["primary"] or 0)]
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
