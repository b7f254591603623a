"""Air evaluation as whole processes against honest baselines, in one invocation:

    .venv/bin/python benchmarks/monitoring/run.py --stations 200 1000 [--repeat 3]
    .venv/bin/python benchmarks/monitoring/run.py --national [--national-stations 5000] [--memory-limit 600MB]
    .venv/bin/python benchmarks/monitoring/run.py --python-aqi
    .venv/bin/python benchmarks/monitoring/run.py --water 5000 [--water-years 10] [--repeat 3]

Each contender is a fresh process on the same CSV, started the way a user starts it, timed
wall-clock from spawn to exit (interpreter start, imports and the read included), and the
contenders take turns (round robin) so that a change in the machine's load hits all of them:

- read       DuckDB reading the CSV alone (count + one average): the physical limit.
- sql        sql_baseline.py, the evaluation in plain DuckDB SQL (one read, FILTER aggregates).
- pandas     pandas_baseline.py, the evaluation in vectorised pandas/numpy.
- engine     `ecociv air-eval --level station --json` with its compiled SQL cached (every run
             after the first on a machine).
- engine-cold  the same with an empty SQL cache (compiles the Ibis expressions).

--water: the same for `ecociv water-eval FILE --json` on monthly samples of N sections x 10 years
(gen_water.py), against sql_water.py and pandas_water.py; sections and regions compared exactly.

The figures of sql, pandas and engine are compared exactly (all fields but `standard`, which
only the engine reports); a difference stops the benchmark. The load (`uptime`) is printed with
every figure: the machine is shared, read the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
warnings.filterwarnings("ignore")

import gen_data
import gen_water

PY = sys.executable
ECOCIV = str(Path(PY).with_name("ecociv"))


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ensure(n: int, fmt: str, d: Path, years: int = 1) -> tuple[Path, Path]:
    tag = f"{n}" if years == 1 else f"{n}x{years}y"
    data = d / f"air_{tag}.{fmt}"
    st = d / f"air_{n}_stations.csv"
    if not data.exists():
        t = time.perf_counter()
        print(f"生成测试数据 {data} …", file=sys.stderr, flush=True)
        gen_data.write(n, 2024, data, fmt, years=years)
        print(f"  用时 {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if not st.exists():
        gen_data.write_stations(n, st)
    return st, data


def timed(cmd: list[str], env: dict | None = None, keep: Path | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, stdout) of a child process; with `keep`, stdout goes to that
    file and "" is returned (a parent holding big outputs would count in the next child's peak:
    a forked child starts with the parent's pages)."""
    t = time.perf_counter()
    with (open(keep, "w+b") if keep else tempfile.TemporaryFile()) as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        _pid, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        err = p.stderr.read().decode()
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
        if keep:
            return wall, ru.ru_maxrss // 1024, ""
        out.seek(0)
        return wall, ru.ru_maxrss // 1024, out.read().decode()


def contenders(st: Path, data: Path, cache: Path) -> dict[str, tuple[list[str], dict | None]]:
    read_sql = (f"SELECT count(*), avg(\"PM2.5\") FROM read_csv('{data}', header = true, types = "
                "{'station': 'VARCHAR', 'time': 'TIMESTAMP', 'SO2': 'DOUBLE', 'NO2': 'DOUBLE', 'CO': 'DOUBLE', "
                "'O3': 'DOUBLE', 'PM10': 'DOUBLE', 'PM2.5': 'DOUBLE'}, timestampformat = '%Y-%m-%d %H:%M')")
    engine = [ECOCIV, "air-eval", str(st), str(data), "--level", "station", "--json", "--no-progress"]
    return {
        "read": ([PY, "-c", f"import duckdb; print(duckdb.sql({read_sql!r}).fetchall())"], None),
        "sql": ([PY, str(HERE / "sql_baseline.py"), str(st), str(data)], None),
        "pandas": ([PY, str(HERE / "pandas_baseline.py"), str(st), str(data)], None),
        "engine": (engine, {"ECOCIV_SQL_CACHE": str(cache)}),
        "engine-cold": (engine, "cold"),
    }


def comparable(rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k != "standard"} for r in rows), key=lambda r: (r["id"], r["year"]))


def bench_pipeline(d: Path, n: int, repeat: int, skip: set[str]) -> dict:
    st, data = ensure(n, "csv", d)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "warm"
        runs = {k: v for k, v in contenders(st, data, cache).items() if k not in skip}
        # One untimed engine run fills the warm cache (and the page cache, for everyone).
        timed(runs["engine"][0], runs["engine"][1])
        times: dict[str, list[float]] = {k: [] for k in runs}
        rss: dict[str, int] = {}
        outputs: dict[str, list[dict]] = {}
        load_before = loadavg()
        for i in range(repeat):
            for name, (cmd, env) in runs.items():
                if env == "cold":
                    env = {"ECOCIV_SQL_CACHE": f"{tmp}/cold{i}"}
                wall, peak, out = timed(cmd, env)
                times[name].append(wall)
                rss[name] = max(rss.get(name, 0), peak)
                if name in ("sql", "pandas", "engine") and name not in outputs:
                    outputs[name] = comparable(json.loads(out))
        load_after = loadavg()
    ref = outputs.get("engine")
    identical = {k: v == ref for k, v in outputs.items() if k != "engine"}
    if not all(identical.values()):
        raise SystemExit(f"results differ from the engine's: {identical}")
    med = {k: round(statistics.median(v), 2) for k, v in times.items()}
    out = {"stations": n, "rows": n * 8784, "repeat": repeat, "median_s": med,
           "all_s": {k: [round(x, 2) for x in v] for k, v in times.items()}, "peak_rss_mb": rss,
           "identical_to_engine": identical, "load_before": load_before, "load_after": load_after}
    if "sql" in med:
        out["engine_over_sql"] = round(med["engine"] / med["sql"], 2)
        if "engine-cold" in med:
            out["engine_cold_over_sql"] = round(med["engine-cold"] / med["sql"], 2)
    if "pandas" in med:
        out["engine_over_pandas"] = round(med["engine"] / med["pandas"], 2)
    if "read" in med:
        out["engine_over_read"] = round(med["engine"] / med["read"], 2)
    return out


def bench_water(d: Path, n: int, years: int, repeat: int, skip: set[str], before_repeat: int = 1) -> dict:
    data = d / f"water_{n}x{years}y.csv"
    if not data.exists():
        gen_water.write(n, 2016, years, data)
    read_sql = (f"SELECT count(*), avg(\"NH3-N\") FROM read_csv('{data}', header = true, ignore_errors = true, "
                "types = {'NH3-N': 'DOUBLE'})")
    runs = {
        "read": [PY, "-c", f"import duckdb; print(duckdb.sql({read_sql!r}).fetchall())"],
        "sql": [PY, str(HERE / "sql_water.py"), str(data)],
        "pandas": [PY, str(HERE / "pandas_water.py"), str(data)],
        "engine": [ECOCIV, "water-eval", str(data), "--json"],
        # The evaluation before issue 17: row by row in Python with Decimal (tests/water_reference.py).
        "before": [PY, "-c", f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from ecociv.monitoring.tests.water_reference "
                   f"import evaluate_water_reference as f; r = f({str(data)!r}); json.dump({{'sections': r['sections'], "
                   "'regions': r['regions']}, sys.stdout, ensure_ascii=False)"],
    }
    runs = {k: v for k, v in runs.items() if k not in skip}
    times: dict[str, list[float]] = {k: [] for k in runs}
    rss: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        timed(runs["engine"], keep=Path(tmp) / "warm")   # page cache, for everyone
        load_before = loadavg()
        for i in range(repeat):
            for name, cmd in runs.items():
                if name == "before" and i >= before_repeat:   # minutes per run: once is enough
                    continue
                wall, peak, _ = timed(cmd, keep=Path(tmp) / f"{name}.json")
                times[name].append(wall)
                rss[name] = max(rss.get(name, 0), peak)
        load_after = loadavg()
        outputs: dict[str, dict] = {}
        for name in runs:
            if name != "read":
                res = json.loads((Path(tmp) / f"{name}.json").read_text(encoding="utf-8"))
                outputs[name] = {"sections": res["sections"], "regions": res["regions"]}
    ref = outputs.get("engine")
    identical = {k: v == ref for k, v in outputs.items() if k != "engine"}
    if not all(identical.values()):
        raise SystemExit(f"results differ from the engine's: {identical}")
    med = {k: round(statistics.median(v), 2) for k, v in times.items()}
    out = {"sections": n, "years": years, "rows": n * 12 * years, "repeat": repeat, "median_s": med,
           "all_s": {k: [round(x, 2) for x in v] for k, v in times.items()}, "peak_rss_mb": rss,
           "identical_to_engine": identical, "load_before": load_before, "load_after": load_after}
    for k in ("sql", "pandas", "read", "before"):
        if k in med:
            out[f"engine_over_{k}"] = round(med["engine"] / med[k], 2)
    return out


NATIONAL_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from ecociv.monitoring.engine.api import evaluate_air
t = time.perf_counter()
r = evaluate_air({st!r}, {data!r}, level="station", engine={engine!r}, memory_limit={mem!r}, threads={threads!r})
print(json.dumps({{"seconds": round(time.perf_counter() - t, 1), "rows": r.rows_used, "results": len(r.results)}}))
"""


def bench_national(d: Path, n: int, years: int, memory_limit: str, engine: str, threads: int | None) -> dict:
    st, data = ensure(n, "parquet", d, years)
    code = NATIONAL_CHILD.format(root=str(ROOT), st=str(st), data=str(data), engine=engine, mem=memory_limit,
                                 threads=threads)
    load_before = loadavg()
    wall, peak, out = timed([PY, "-c", code], {"ECOCIV_SQL_CACHE": str(d / "sql-cache")})
    res = json.loads(out.strip().splitlines()[-1])
    return {"stations": n, "years": years, "engine": engine, "memory_limit": memory_limit, "threads": threads,
            "file_mb": round(data.stat().st_size / 2**20), **res, "process_s": round(wall, 1),
            "peak_rss_mb": peak, "load_before": load_before, "load_after": loadavg()}


def bench_python_aqi(n: int = 200_000) -> dict:
    """Correctness, not speed: python-aqi is a per-value library with other tables (see README)."""
    import aqi
    import numpy as np

    from ecociv.monitoring.engine import aqi_np
    from ecociv.monitoring.engine.rules import load_rules

    rs = load_rules().by_id("2012")
    conc = np.random.default_rng(3).integers(0, 500_000, 20_000)
    ours = aqi_np.iaqi(rs, "PM2.5", "24h_avg", conc)
    theirs = [aqi.to_iaqi(aqi.POLLUTANT_PM25, str(c / 1000), algo=aqi.ALGO_MEP) for c in conc]
    return {"values": len(conc), "python_aqi_differs_on": sum(1 for a, b in zip(ours, theirs) if int(a) != int(b))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--stations", type=int, nargs="*", default=[])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[], help="contenders to leave out (e.g. pandas engine-cold)")
    ap.add_argument("--national", action="store_true", help="5,000 stations x 1 year Parquet, peak RSS")
    ap.add_argument("--national-stations", type=int, default=5000)
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--memory-limit", default="600MB")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument("--python-aqi", action="store_true")
    ap.add_argument("--water", type=int, nargs="*", default=[], help="sections (x 12 months x --water-years)")
    ap.add_argument("--water-years", type=int, default=10)
    a = ap.parse_args()
    a.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"CPU: {os.cpu_count()} cores", flush=True)
    for n in a.stations:
        print("pipeline", json.dumps(bench_pipeline(a.data_dir, n, a.repeat, set(a.skip)), ensure_ascii=False), flush=True)
    for n in a.water:
        r = bench_water(a.data_dir, n, a.water_years, a.repeat, set(a.skip))
        print("water", json.dumps(r, ensure_ascii=False), flush=True)
    if a.national:
        r = bench_national(a.data_dir, a.national_stations, a.years, a.memory_limit, a.engine, a.threads)
        print("national", json.dumps(r, ensure_ascii=False), flush=True)
    if a.python_aqi:
        print("python-aqi", json.dumps(bench_python_aqi(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
