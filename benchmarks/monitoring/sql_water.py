"""The surface-water evaluation as a competent analyst writes it in plain DuckDB SQL.

One typed read of the CSV (values as DECIMAL(18,5), a row with a cell that is not a number is
skipped by the reader), one statement: sums and counts per section-year and item, the class of
each item's mean by CASE over the GB 3838 limits (sum <= limit x count, integers x 10^5), the
section class the worst item, the exceedance multiples and the 4-decimal means with GB/T 8170
rounding written out; then water_common.finish() (Python over the 50,000 section rows) for the
JSON and the region shares. It reports no rows (no row numbers, no reasons) and takes the region
of a section-year from any of its rows: the engine does more, so this is the floor.

    .venv/bin/python benchmarks/monitoring/sql_water.py DATA.csv > out.json
"""
from __future__ import annotations

import json
import sys

import water_common as wc


def rhe(a: str, b: str) -> str:
    return (f"(({a}) // ({b}) + CASE WHEN 2 * (({a}) % ({b})) > ({b}) OR (2 * (({a}) % ({b})) = ({b}) "
            f"AND (({a}) // ({b})) % 2 = 1) THEN 1 ELSE 0 END)")


def class_sql(lim, s: str, n: str) -> tuple[str, str]:
    d, b = lim
    bn = [f"{x}::HUGEINT * {n}" for x in b]
    if d == "range":
        return f"CASE WHEN {s} BETWEEN {bn[0]} AND {bn[1]} THEN 0 ELSE 5 END", "NULL"
    op = ">=" if d == "ge" else "<="
    c = "CASE " + " ".join(f"WHEN {s} {op} {x} THEN {i}" for i, x in enumerate(bn)) + " ELSE 5 END"
    m = f"CASE WHEN {s} > {bn[2]} THEN {rhe(f'100 * ({s} - {bn[2]})', bn[2])} END" if d == "le" else "NULL"
    return c, m


def run(path: str) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    header = con.execute(f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true) LIMIT 0").description
    items = [d[0] for d in header[4:] if d[0] != "WT"]
    kinds = wc.limits()
    types = {"section": "VARCHAR", "region": "VARCHAR", "date": "VARCHAR", "water_type": "VARCHAR",
             **dict.fromkeys(items, "DECIMAL(18,5)")}
    tdef = ", ".join(f"'{k}': '{v}'" for k, v in types.items())
    vals = ", ".join(f"CASE WHEN \"{it}\" >= 0 THEN CAST(\"{it}\" * {wc.SCALE} AS BIGINT) END AS v{k}"
                     for k, it in enumerate(items))
    agg = ", ".join(f"sum(v{k})::HUGEINT AS s{k}, count(v{k}) AS n{k}" for k in range(len(items)))
    out = []
    for k, it in enumerate(items):
        lims = kinds.get(it)
        if lims:
            r = class_sql(lims["river"], f"s{k}", f"n{k}") if "river" in lims else ("NULL", "NULL")
            lk = class_sql(lims["lake"], f"s{k}", f"n{k}") if "lake" in lims else ("NULL", "NULL")
            cond = "wt IN ('lake', 'reservoir')"
            out += [f"CASE WHEN n{k} = 0 THEN NULL WHEN {cond} THEN {lk[0]} ELSE {r[0]} END AS c{k}",
                    f"CASE WHEN n{k} = 0 THEN NULL WHEN {cond} THEN {lk[1]} ELSE {r[1]} END AS m{k}"]
        else:
            out += [f"NULL AS c{k}", f"NULL AS m{k}"]
        out.append(f"CASE WHEN n{k} > 0 THEN {rhe(f's{k}', f'n{k} * 10')} END AS a{k}")
    q = (f"WITH r AS (SELECT section, region, CAST(left(date, 4) AS INTEGER) AS year, water_type AS wt, {vals} "
         f"FROM read_csv('{path}', header = true, ignore_errors = true, types = {{{tdef}}})), "
         f"g AS (SELECT section, year, any_value(region) AS region, min(wt) AS wt, count(*) AS samples, {agg} "
         f"FROM r GROUP BY section, year) "
         f"SELECT section, year, region, wt, samples, "
         + ", ".join(f"s{k}, n{k}" for k in range(len(items))) + ", " + ", ".join(out)
         + " FROM g ORDER BY section, year")
    rows = []
    for r in con.execute(q).fetchall():
        base = 5 + 2 * len(items)
        per = [(r[5 + 2 * k], r[6 + 2 * k], r[base + 3 * k], r[base + 3 * k + 1], r[base + 3 * k + 2])
               for k in range(len(items))]
        rows.append((*r[:5], per))
    return wc.finish(rows, items, kinds)


if __name__ == "__main__":
    json.dump(run(sys.argv[1]), sys.stdout, ensure_ascii=False)
