"""The air evaluation (station level) as a competent analyst writes it in plain DuckDB SQL.

One read of the CSV, one statement: hourly -> daily with FILTER aggregates (24 hourly O3 columns,
17 eight-hour windows), IAQI by CASE over the breakpoint table, annual figures with GROUP BY and
the HJ 663 percentile taken from the sorted list of daily values. Integers throughout (values in
thousandths, GB/T 8170 round-half-even written out), so the figures can be compared with the
engine's exactly. It does NOT check rows (no row numbers, no reasons, no duplicate search) and
applies one rule set to the whole file: the engine does both, so this is the floor for the
computation, not the same work.

    .venv/bin/python benchmarks/monitoring/sql_baseline.py STATIONS.csv DATA.csv [--standard 2012] > out.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

POLS = {"SO2": "so2", "NO2": "no2", "CO": "co", "PM10": "pm10", "PM2.5": "pm25"}
PCT = (("CO", 95), ("O3_8h", 90), ("PM2.5", 95), ("PM10", 95), ("SO2", 98), ("NO2", 98))
ITEMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h")
COLS = {**POLS, "O3_1h": "o3_1h", "O3_8h": "o3_8h"}


def rhe(a: str, b: str) -> str:
    """round(a / b) half-even for non-negative integers a, positive b, in integers."""
    return (f"(({a}) // ({b}) + CASE WHEN 2 * (({a}) % ({b})) > ({b}) OR (2 * (({a}) % ({b})) = ({b}) "
            f"AND (({a}) // ({b})) % 2 = 1) THEN 1 ELSE 0 END)")


def sql(data_csv: str, rs, validity: dict) -> str:
    """The whole evaluation as one statement. Reference numbers (breakpoints, limits, levels,
    validity) come from the project's data files, as an analyst would read them from a table."""
    v = validity
    dec = {"CO": 1}
    unit = {p: 1000 // 10 ** dec.get(p, 0) for p in POLS}
    hourly_vals = ", ".join(
        f"CASE WHEN \"{p}\" < 0 THEN NULL ELSE CAST(round(\"{p}\" * 1000) AS BIGINT) END AS {c}"
        for p, c in {**POLS, "O3": "o3"}.items())
    day_aggs = []
    for c in POLS.values():
        day_aggs += [f"count({c}) AS n_{c}", f"sum({c}) AS s_{c}"]
    day_aggs += ["count(o3) AS n_o3", "max(o3) AS m_o3"]
    day_aggs += [f"max(o3) FILTER (WHERE hod = {k}) AS h{k}" for k in range(24)]
    starts = range(v["o3_8h_first_start_hour"], v["o3_8h_last_start_hour"] + 1)
    win = []
    for j in starts:
        hs = [f"h{k}" for k in range(j, j + 8)]
        n = " + ".join(f"CAST({h} IS NOT NULL AS BIGINT)" for h in hs)
        s = " + ".join(f"coalesce({h}, 0)" for h in hs)
        win.append(f"CASE WHEN ({n}) >= {v['o3_8h_min_hours']} THEN {rhe(s, f'({n}) * 1000')} END AS w{j}")
    wcols = [f"w{j}" for j in starts]
    nwin = " + ".join(f"CAST(w{j} IS NOT NULL AS BIGINT)" for j in starts)
    lim8 = int(rs.limits[("O3", "daily_max_8h_avg")])
    lim1 = int(rs.limits[("O3", "1h_avg")])
    daily_vals = ", ".join(
        f"CASE WHEN n_{c} >= {v['daily_min_hours']} THEN {rhe(f's_{c}', f'n_{c} * {unit[p]}')} END AS {c}"
        for p, c in POLS.items())

    def iaqi(item: str) -> str:
        from ecociv.monitoring.engine.rules import DAILY_ITEM_TABLE

        if item not in rs.daily_items:
            return "NULL"
        pol, avg = DAILY_ITEM_TABLE[item]
        f = 10 ** dec.get(item, 0)
        c = COLS[item]
        whens = []
        for sg in rs.tables[(pol, avg)]:
            lo, hi = int(sg.bp_lo * f), int(sg.bp_hi * f)
            whens.append(f"WHEN {c} <= {hi} THEN ({c} - {lo}) * {sg.iaqi_hi - sg.iaqi_lo} // {hi - lo} "
                         f"+ CASE WHEN ({c} - {lo}) * {sg.iaqi_hi - sg.iaqi_lo} % {hi - lo} > 0 THEN 1 ELSE 0 END "
                         f"+ {sg.iaqi_lo}")
        over = rs.o3_8h_over_800 if item == "O3_8h" else rs.above_top
        return f"CASE WHEN {c} IS NULL THEN NULL {' '.join(whens)} ELSE {over if over is not None else 'NULL'} END"

    iaqis = [f"{iaqi(i)} AS i_{COLS[i]}" for i in ITEMS]
    aqi = "greatest(" + ", ".join(f"coalesce(i_{COLS[i]}, -1)" for i in ITEMS) + ")"
    level = "CASE " + " ".join(f"WHEN aqi <= {lv.aqi_max} THEN {lv.level}" for lv in rs.levels if lv.aqi_max) + \
        f" ELSE {rs.levels[-1].level} END"
    ann = ["count(aqi) AS valid_days", "count(*) FILTER (WHERE aqi <= 100) AS good_days"]
    ann += [f"count(*) FILTER (WHERE level = {k}) AS lv{k}" for k in range(1, 7)]
    for i in ITEMS:
        c = COLS[i]
        ann += [f"sum({c}) AS sum_{c}", f"count({c}) AS n_{c}"]
    ann += [f"list({COLS[i]} ORDER BY {COLS[i]}) FILTER (WHERE {COLS[i]} IS NOT NULL) AS l_{COLS[i]}"
            for i, _p in PCT]
    mon = [f"count({COLS[i]}) AS m_{COLS[i]}" for i in ITEMS]
    need = f"CASE WHEN month = 2 THEN {v['february_min_days']} ELSE {v['month_min_days']} END"
    ok = [f"count(*) FILTER (WHERE m_{COLS[i]} >= {need}) AS ok_{COLS[i]}" for i in ITEMS]
    pct = []
    for i, p in PCT:
        c = COLS[i]
        # HJ 663: X(s)·100 + (X(s+1) − X(s))·r with s − 1 = floor((n − 1)·p / 100), r the remainder.
        n, s = f"len(l_{c})", f"(len(l_{c}) - 1) * {p} // 100 + 1"
        r = f"((len(l_{c}) - 1) * {p} % 100)"
        x0, x1 = f"l_{c}[{s}]", f"coalesce(l_{c}[{s} + 1], l_{c}[{s}])"
        pct.append(f"CASE WHEN {n} > 0 THEN {x0} * 100 + ({x1} - {x0}) * {r} END AS p_{c}")
    return f"""
    WITH hourly AS (
        SELECT station, CAST("time" AS DATE) AS day, hour("time") AS hod, {hourly_vals}
        FROM read_csv('{data_csv}', header = true,
                      types = {{'station': 'VARCHAR', 'time': 'TIMESTAMP', 'SO2': 'DOUBLE', 'NO2': 'DOUBLE',
                               'CO': 'DOUBLE', 'O3': 'DOUBLE', 'PM10': 'DOUBLE', 'PM2.5': 'DOUBLE'}},
                      timestampformat = '%Y-%m-%d %H:%M')),
    d1 AS (SELECT station, day, {", ".join(day_aggs)} FROM hourly GROUP BY station, day),
    d2 AS (SELECT *, {", ".join(win)}, {daily_vals},
                  {rhe("m_o3", "1000")} AS o3_1h_raw FROM d1),
    d3 AS (SELECT *, greatest({", ".join(f"coalesce({w}, -1)" for w in wcols)}) AS o3_8h_raw, {nwin} AS nwin FROM d2),
    daily AS (SELECT station, year(day) AS year, month(day) AS month, so2, no2, co, pm10, pm25,
                     CASE WHEN n_o3 >= {v['o3_1h_min_hours']} OR o3_1h_raw > {lim1} THEN o3_1h_raw END AS o3_1h,
                     CASE WHEN o3_8h_raw >= 0 AND (nwin >= {v['o3_8h_min_windows']} OR o3_8h_raw > {lim8})
                          THEN o3_8h_raw END AS o3_8h FROM d3),
    di AS (SELECT *, {", ".join(iaqis)} FROM daily),
    da AS (SELECT *, CASE WHEN {aqi} >= 0 THEN {aqi} END AS aqi FROM di),
    dl AS (SELECT *, CASE WHEN aqi IS NOT NULL THEN {level} END AS level FROM da),
    months AS (SELECT station, year, month, {", ".join(mon)} FROM dl GROUP BY ALL),
    mok AS (SELECT station, year, {", ".join(ok)} FROM months GROUP BY ALL),
    a AS (SELECT station, year, {", ".join(ann)} FROM dl GROUP BY station, year)
    SELECT a.* EXCLUDE ({", ".join(f"l_{COLS[i]}" for i, _p in PCT)}), mok.* EXCLUDE (station, year), {", ".join(pct)}
    FROM a JOIN mok USING (station, year) ORDER BY station, year
    """


def num(v: int | None, decimals: int):
    if v is None:
        return None
    return v if decimals == 0 else v / 10 ** decimals


def run(stations_csv: str, data_csv: str, standard: str = "2012") -> list[dict]:
    import duckdb

    sys.path.insert(0, str(ROOT))
    from ecociv.monitoring.engine.rules import load_rules

    rules = load_rules()
    rs = rules.by_id(standard)
    v = rules.validity
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cur = con.execute(sql(data_csv, rs, v))
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        r = dict(zip(names, row))
        res = {"id": r["station"], "year": r["year"], "valid_days": r["valid_days"], "good_days": r["good_days"]}
        res["good_rate"] = num(int(eval_rhe(1000 * r["good_days"], r["valid_days"])), 1) if r["valid_days"] else None
        for p, c in (("PM2.5", "pm25"), ("PM10", "pm10"), ("SO2", "so2"), ("NO2", "no2")):
            res[f"{p}_mean"] = num(eval_rhe(r[f"sum_{c}"], r[f"n_{c}"]), 0) if r[f"n_{c}"] else None
        for i, p in PCT:
            x = r[f"p_{COLS[i]}"]
            res[f"{i}_p{p}"] = None if x is None else num(eval_rhe(x, 100), 1 if i == "CO" else 0)
        res["days_by_level"] = {str(k): r[f"lv{k}"] for k in range(1, 7)}
        res["completeness"] = {i: {"days": r[f"n_{COLS[i]}"],
                                   "complete": r[f"n_{COLS[i]}"] >= v["annual_min_days"] and r[f"ok_{COLS[i]}"] == 12}
                               for i in ITEMS}
        out.append(res)
    return out


def eval_rhe(a: int, b: int) -> int:
    q, r = divmod(a, b)
    return q + 1 if 2 * r > b or (2 * r == b and q % 2 == 1) else q


if __name__ == "__main__":
    json.dump(run(sys.argv[1], sys.argv[2], *sys.argv[3:4]), sys.stdout, ensure_ascii=False)
