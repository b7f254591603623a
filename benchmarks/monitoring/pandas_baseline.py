"""The air evaluation (station level) as a competent analyst writes it with pandas and numpy.

Vectorised throughout: one read of the CSV (pyarrow engine), daily sums and counts by groupby,
the hourly O3 of each station-day laid on a 24-column grid for the 8 h windows
(sliding_window_view), IAQI with numpy (`aqi_np.iaqi`, searchsorted over the breakpoints),
annual figures by groupby and the HJ 663 percentile picked from the sorted values. Values are
integer thousandths held exactly (float64 carries integers to 2^53, int64 where divided), and
GB/T 8170 round-half-even is written out, so the figures can be compared with the engine's
exactly. Like the SQL baseline it checks no rows and applies one rule set to the whole file.

    .venv/bin/python benchmarks/monitoring/pandas_baseline.py STATIONS.csv DATA.csv [--standard 2012] > out.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ecociv.monitoring.engine import aqi_np
from ecociv.monitoring.engine.rules import load_rules

POLS = {"SO2": "so2", "NO2": "no2", "CO": "co", "PM10": "pm10", "PM2.5": "pm25"}
ITEMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h")
PCT = (("CO", 95), ("O3_8h", 90), ("PM2.5", 95), ("PM10", 95), ("SO2", 98), ("NO2", 98))
TABLE = {"SO2": ("SO2", "24h_avg"), "NO2": ("NO2", "24h_avg"), "CO": ("CO", "24h_avg"),
         "PM10": ("PM10", "24h_avg"), "PM2.5": ("PM2.5", "24h_avg"), "O3_1h": ("O3", "1h_avg"),
         "O3_8h": ("O3", "8h_sliding_avg")}


def rhe(a, b):
    """round(a / b) half-even on int64 arrays (a >= 0, b > 0)."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    q, r = np.divmod(a, b)
    return q + ((2 * r > b) | ((2 * r == b) & (q % 2 == 1)))


def run(stations_csv: str, data_csv: str, standard: str = "2012") -> list[dict]:
    rules = load_rules()
    rs, v = rules.by_id(standard), rules.validity
    df = pd.read_csv(data_csv, engine="pyarrow",
                     dtype={"station": "string", "time": "string", **dict.fromkeys([*POLS, "O3"], "float64")})
    ts = pd.to_datetime(df["time"], format="%Y-%m-%d %H:%M")
    hours = ts.to_numpy("datetime64[h]").astype(np.int64)
    df = df.assign(day=hours // 24, hod=hours % 24)
    for p in [*POLS, "O3"]:
        x = df[p].to_numpy("float64")
        df[p] = np.where(x < 0, np.nan, np.round(x * 1000))   # thousandths, exact in float64
    g = df.groupby(["station", "day"], sort=True)
    cnt = g[[*POLS, "O3"]].count()
    tot = g[[*POLS, "O3"]].sum(min_count=1)
    keys = cnt.index
    cols = {}   # daily values in reporting units, -1 where not valid
    for p, c in POLS.items():
        n = cnt[p].to_numpy(np.int64)
        unit = 100 if p == "CO" else 1000
        val = rhe(np.nan_to_num(tot[p].to_numpy()), np.maximum(n, 1) * unit)
        cols[c] = np.where(n >= v["daily_min_hours"], val, -1)
    # O3: the day's 24 hours on a grid; 8 h windows starting at 0..16.
    row = keys.get_indexer(pd.MultiIndex.from_arrays([df["station"], df["day"]]))
    grid = np.full((len(keys), 24), np.nan)
    grid[row, df["hod"].to_numpy()] = df["O3"].to_numpy()
    first, last = v["o3_8h_first_start_hour"], v["o3_8h_last_start_hour"]
    w = np.lib.stride_tricks.sliding_window_view(grid, 8, axis=1)[:, first:last + 1]
    wn = (~np.isnan(w)).sum(axis=2)
    ws = np.nansum(w, axis=2).astype(np.int64)
    wv = np.where(wn >= v["o3_8h_min_hours"], rhe(ws, np.maximum(wn, 1) * 1000), -1)
    nwin = (wv >= 0).sum(axis=1)
    m8 = wv.max(axis=1)
    lim8, lim1 = int(rs.limits[("O3", "daily_max_8h_avg")]), int(rs.limits[("O3", "1h_avg")])
    o3_8h = np.where((m8 >= 0) & ((nwin >= v["o3_8h_min_windows"]) | (m8 > lim8)), m8, -1)
    n1 = cnt["O3"].to_numpy(np.int64)
    m1 = rhe(np.nan_to_num(np.nanmax(np.where(np.isnan(grid), -1, grid), axis=1)).clip(0), 1000)
    o3_1h = np.where((n1 > 0) & ((n1 >= v["o3_1h_min_hours"]) | (m1 > lim1)), m1, -1)
    cols["o3_1h"], cols["o3_8h"] = o3_1h, o3_8h
    col_of = {**POLS, "O3_1h": "o3_1h", "O3_8h": "o3_8h"}
    iaqi = []
    for item in ITEMS:
        x = cols[col_of[item]]
        if item not in rs.daily_items:
            continue
        pol, avg = TABLE[item]
        milli = x * (100 if item == "CO" else 1000)
        iaqi.append(np.where(x >= 0, aqi_np.iaqi(rs, pol, avg, np.where(x >= 0, milli, 0)), -1))
    aqi = np.max(np.vstack(iaqi), axis=0)
    tops = np.array([lv.aqi_max for lv in rs.levels if lv.aqi_max is not None])
    level = np.where(aqi >= 0, np.array([lv.level for lv in rs.levels])[np.searchsorted(tops, aqi)], 0)
    days = keys.get_level_values("day").to_numpy()
    dates = pd.to_datetime(days, unit="D")
    d = pd.DataFrame({"station": keys.get_level_values("station"), "year": dates.year, "month": dates.month,
                      "aqi": aqi, "level": level, **cols})
    valid = {c: d[c] >= 0 for c in col_of.values()}
    agg = d.assign(valid_day=d.aqi >= 0, good=(d.aqi >= 0) & (d.aqi <= 100),
                   **{f"lv{k}": d.level == k for k in range(1, 7)},
                   **{f"n_{c}": valid[c] for c in col_of.values()},
                   **{f"s_{c}": d[c].where(valid[c], 0) for c in col_of.values()})
    a = agg.groupby(["station", "year"]).sum(numeric_only=True)
    m = agg.groupby(["station", "year", "month"])[[f"n_{c}" for c in col_of.values()]].sum().reset_index()
    need = np.where(m["month"] == 2, v["february_min_days"], v["month_min_days"])
    ok = m[[f"n_{c}" for c in col_of.values()]].ge(need, axis=0).groupby([m["station"], m["year"]]).sum()
    pct = {}
    for item, p in PCT:
        c = col_of[item]
        s = d.loc[valid[c], ["station", "year", c]].sort_values(["station", "year", c])
        grp = s.groupby(["station", "year"], sort=True)
        n = grp[c].transform("size").to_numpy()
        rank = grp.cumcount().to_numpy()
        k = (n - 1) * p // 100
        x = s[c].to_numpy()
        sel0 = rank == k
        sel1 = rank == np.minimum(k + 1, n - 1)
        x0, x1, r = x[sel0], x[sel1], ((n - 1) * p % 100)[sel0]
        idx = pd.MultiIndex.from_frame(s.loc[sel0, ["station", "year"]])
        pct[item] = pd.Series(x0 * 100 + (x1 - x0) * r, index=idx)
    out = []
    for (st, year), r in a.iterrows():
        res = {"id": st, "year": int(year), "valid_days": int(r["valid_day"]), "good_days": int(r["good"])}
        res["good_rate"] = int(rhe(1000 * res["good_days"], res["valid_days"])) / 10 if res["valid_days"] else None
        for p in ("PM2.5", "PM10", "SO2", "NO2"):
            c = col_of[p]
            res[f"{p}_mean"] = int(rhe(int(r[f"s_{c}"]), int(r[f"n_{c}"]))) if r[f"n_{c}"] else None
        for item, p in PCT:
            x = pct[item].get((st, year))
            res[f"{item}_p{p}"] = None if x is None else (
                int(rhe(int(x), 100)) / 10 if item == "CO" else int(rhe(int(x), 100)))
        res["days_by_level"] = {str(k): int(r[f"lv{k}"]) for k in range(1, 7)}
        res["completeness"] = {
            i: {"days": int(r[f"n_{col_of[i]}"]),
                "complete": bool(r[f"n_{col_of[i]}"] >= v["annual_min_days"] and ok.loc[(st, year), f"n_{col_of[i]}"] == 12)}
            for i in ITEMS}
        out.append(res)
    return out


if __name__ == "__main__":
    json.dump(run(sys.argv[1], sys.argv[2], *sys.argv[3:4]), sys.stdout, ensure_ascii=False)
