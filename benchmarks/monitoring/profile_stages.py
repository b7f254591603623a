"""Where the engine's time goes: seconds per stage of evaluate_air and per Ibis compile.

    .venv/bin/python benchmarks/monitoring/profile_stages.py [--data-dir var/bench] [--dup-check]

--dup-check also times the old duplicate search (GROUP BY station, hour) against the one in
ingest.read_air (GROUP BY station, day with a bit mask of the hours) on the same checked table.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")


def stages(d: Path) -> None:
    import ibis.backends.duckdb

    from ecociv.monitoring.engine import api

    t0 = time.perf_counter()
    last = [t0]

    def note(msg: str) -> None:
        now = time.perf_counter()
        print(f"{now - last[0]:6.2f} s  → {msg}")
        last[0] = now

    orig = ibis.backends.duckdb.Backend.compile

    def timed(self, *a, **k):
        t = time.perf_counter()
        r = orig(self, *a, **k)
        print(f"         (Ibis compile {time.perf_counter() - t:.2f} s)")
        return r

    ibis.backends.duckdb.Backend.compile = timed
    api.evaluate_air(d / "air_1000_stations.csv", d / "air_1000.csv", level="station", progress=note)
    note("结束")
    print(f"total {time.perf_counter() - t0:.2f} s")


def dup_check(d: Path) -> None:
    import duckdb

    from ecociv.monitoring.engine import ingest

    con = duckdb.connect()
    ingest.read_air(con, ingest.load_stations(d / "air_1000_stations.csv"), d / "air_1000.csv")
    old = "SELECT count(*) FROM (SELECT sid, h FROM checked WHERE ok GROUP BY sid, h HAVING count(*) > 1)"
    new = ("SELECT count(*) FROM (SELECT sid FROM checked WHERE ok GROUP BY sid, h // 24 HAVING "
           "bit_count(bit_or(CAST(1 AS BIGINT) << CAST((h % 24 + 24) % 24 AS BIGINT))) <> count(*))")
    for label, sql in [("GROUP BY station, hour", old), ("GROUP BY station, day + hour mask", new)]:
        t = time.perf_counter()
        n = con.execute(sql).fetchone()[0]
        print(f"{time.perf_counter() - t:6.2f} s  {label} ({n} found)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--dup-check", action="store_true")
    a = ap.parse_args()
    stages(a.data_dir)
    if a.dup_check:
        dup_check(a.data_dir)
