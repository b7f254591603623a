"""A straightforward pandas implementation of the same steps (station level), for comparison.

What an engineer would write first: read the CSV, group by station and day, pivot the hours for
the O3 8 h windows, apply the exact scalar IAQI per value, then group by year. It uses the same
exact scalar rules (engine/exact.py), so its figures must equal the engine's.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from ecociv.monitoring.engine import exact
from ecociv.monitoring.engine.rules import load_rules

POLS = ["SO2", "NO2", "CO", "PM10", "PM2.5"]



def run(stations_csv: str, data_csv: str) -> list[dict]:
    rules = load_rules()
    v = rules.validity
    df = pd.read_csv(data_csv, dtype={"station": str, "time": str})
    ts = pd.to_datetime(df["time"], format="%Y-%m-%d %H:%M")
    df["date"] = ts.dt.date
    df["hour"] = ts.dt.hour
    for c in [*POLS, "O3"]:
        df.loc[df[c] < 0, c] = np.nan
        # exact integer thousandths, so sums are exact
        df[c] = (df[c] * 1000).round().astype("Int64")
    g = df.groupby(["station", "date"])
    daily = pd.DataFrame(index=g.size().index)
    for c in POLS:
        n, s = g[c].count(), g[c].sum()
        f = 1000 if c != "CO" else 100
        dec = 0 if c != "CO" else 1
        daily[c] = [
            None if ni < v["daily_min_hours"] else exact.round_half_even(Fraction(int(si), int(ni) * f)) / (10 ** dec)
            for ni, si in zip(n, s)
        ]
    o3 = df.pivot_table(index=["station", "date"], columns="hour", values="O3", aggfunc="max")
    o3 = o3.reindex(columns=range(24)).reindex(daily.index)
    arr = o3.to_numpy(dtype="float64")
    win_vals = []
    for j in range(v["o3_8h_first_start_hour"], v["o3_8h_last_start_hour"] + 1):
        w = arr[:, j:j + 8]
        cnt = (~np.isnan(w)).sum(axis=1)
        tot = np.nansum(w, axis=1)
        win_vals.append([
            int(exact.round_half_even(Fraction(int(t), int(c) * 1000))) if c >= v["o3_8h_min_hours"] else None
            for t, c in zip(tot, cnt)
        ])
    o3_8h, o3_1h = [], []
    for i in range(len(daily)):
        ws = [w[i] for w in win_vals if w[i] is not None]
        m = max(ws) if ws else None
        rs = rules.for_date(daily.index[i][1])
        lim8 = rs.limits[("O3", "daily_max_8h_avg")]
        o3_8h.append(m if m is not None and (len(ws) >= v["o3_8h_min_windows"] or m > lim8) else None)
        row = arr[i]
        n1 = int((~np.isnan(row)).sum())
        m1 = int(exact.round_half_even(Fraction(int(np.nanmax(row)), 1000))) if n1 else None
        lim1 = rs.limits[("O3", "1h_avg")]
        o3_1h.append(m1 if m1 is not None and (n1 >= v["o3_1h_min_hours"] or m1 > lim1) else None)
    daily["O3_8h"], daily["O3_1h"] = o3_8h, o3_1h

    def day_aqi(row):
        rs = rules.for_date(row.name[1])
        conc = {k: (None if row[k] is None or pd.isna(row[k]) else Decimal(str(row[k]))) for k in rs.daily_items}
        value, _primary, _ = exact.daily_aqi(rs, conc)
        return value

    daily["AQI"] = daily.apply(day_aqi, axis=1)
    daily = daily.reset_index()
    daily["year"] = [d.year for d in daily["date"]]
    out = []
    for (st, year), d in daily.groupby(["station", "year"]):
        aqi = d["AQI"].dropna()
        res = {"id": st, "year": int(year), "valid_days": len(aqi), "good_days": int((aqi <= 100).sum())}
        res["good_rate"] = float(exact.good_rate(res["good_days"], res["valid_days"])) if len(aqi) else None
        for c in ("PM2.5", "PM10", "SO2", "NO2"):
            xs = [Fraction(Decimal(str(x))) for x in d[c] if x is not None and not pd.isna(x)]
            res[f"{c}_mean"] = float(exact.round_half_even(sum(xs) / len(xs), 0)) if xs else None
        for c, p in (("CO", 95), ("O3_8h", 90), ("PM2.5", 95), ("PM10", 95), ("SO2", 98), ("NO2", 98)):
            xs = [Decimal(str(x)) for x in d[c] if x is not None and not pd.isna(x)]
            dec = 1 if c == "CO" else 0
            res[f"{c}_p{p}"] = float(exact.round_half_even(exact.percentile(xs, p), dec)) if xs else None
        levels = [rules.for_date(day).level_of(int(a)).level for day, a in zip(d["date"], d["AQI"]) if not pd.isna(a)]
        res["days_by_level"] = {str(lv): levels.count(lv) for lv in range(1, 7)}
        out.append(res)
    return out
