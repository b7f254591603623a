"""SQL compiled once from the Ibis expressions of air.py, kept on disk.

Building and compiling the expressions costs 0.5-2 s of Python per run (sqlglot walks a deep tree
of CASE expressions), the same for 24 rows as for 44 M, and importing Ibis another 0.3 s. The SQL
depends only on what goes into the expressions, so it is cached under a key made of exactly that:
the engine and its version, Ibis' version, the source of the modules that build the expressions
(air.py, and ingest.py which fixes the input table's columns and types), the rule data files, the
rule sets in play, the statistics level, and rule parameters changed in memory (with_validity).
A change in any of them gives a new key; stale files are simply never read again.

Location: $ECOCIV_SQL_CACHE, else <ECOCIV_VAR_DIR or the project's var/>/cache/sql. A cache that
cannot be written (read-only disk) only costs the compile.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from .rules import DATA_DIR, Rules

ENGINE_DIR = Path(__file__).resolve().parent
# Bump when the way SQL is produced changes outside the hashed files.
FORMAT = 1


def cache_dir() -> Path:
    if os.environ.get("ECOCIV_SQL_CACHE"):
        return Path(os.environ["ECOCIV_SQL_CACHE"])
    var = os.environ.get("ECOCIV_VAR_DIR") or str(ENGINE_DIR.parents[2] / "var")
    return Path(var) / "cache" / "sql"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    from importlib.metadata import version

    h = hashlib.sha256(f"{FORMAT}|ibis {version('ibis-framework')}".encode())
    for p in [ENGINE_DIR / "air.py", ENGINE_DIR / "ingest.py", *sorted(DATA_DIR.glob("*.yaml")),
              *sorted(DATA_DIR.glob("aqi_*.csv")), *sorted(DATA_DIR.glob("gb3095_*.csv"))]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _path(engine: str, version: str, what: str, rules: Rules, rs_ids: list[str], level: str) -> Path:
    # The validity dict is part of the key: tests and what-if runs change it in memory.
    parts = [_code_fingerprint(), engine, version, what, list(rs_ids), level,
             json.dumps(rules.validity, sort_keys=True, default=str)]
    return cache_dir() / f"{engine}-{what}-{hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]}.sql"


def is_cached(engine: str, version: str, rules: Rules, rs_ids: list[str], level: str) -> bool:
    """Whether both queries of a run (daily and annual) are kept: `prepare` skips such a case."""
    return all(_path(engine, version, what, rules, rs_ids, level).exists() for what in ("daily", "annual"))


def _cached(be, what: str, rules: Rules, rs_ids: list[str], level: str, build) -> str:
    path = _path(be.name, be.version, what, rules, rs_ids, level)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    sql = str(be.ibis().compile(build()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(sql, encoding="utf-8")
        tmp.replace(path)          # atomic: a concurrent run reads the old state or the whole file
    except OSError:
        pass
    return sql


def daily_sql(be, rules: Rules, rs_ids: list[str], level: str) -> str:
    """SELECT of the daily values and AQI from `hourly`, `calendar_in` (and `smap_in`)."""
    def build():
        from . import air

        bk = be.ibis()
        smap = bk.table("smap_in") if level == "region" else None
        return air.build_daily(bk.table("hourly"), bk.table("calendar_in"), rules, rs_ids, station_map=smap)

    return _cached(be, "daily", rules, rs_ids, level, build)


def annual_sql(be, rules: Rules, rs_ids: list[str], level: str) -> str:
    """SELECT of the annual figures from the materialised `daily_values`."""
    def build():
        from . import air

        return air.annual(be.ibis().table("daily_values"), rules)

    return _cached(be, "annual", rules, rs_ids, level, build)
