"""A plain-Python, exact, one-loop-per-rule implementation of the air steps.

It is written straight from the rules (rules.md, rulesets.yaml) without sharing code with the
Ibis pipeline beyond the scalar IAQI in engine/exact.py, so the two check each other.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from ecociv.monitoring.engine import exact
from ecociv.monitoring.engine.rules import DECIMALS, load_rules

R = load_rules()
V = R.validity
PAIRS = (("SO2", "SO2"), ("NO2", "NO2"), ("CO", "CO"), ("PM10", "PM10"), ("PM2.5", "PM2.5"))


def rnd(x: Fraction, item: str) -> Decimal:
    return exact.round_half_even(x, DECIMALS[item])


def mean(xs) -> Fraction:
    return sum((Fraction(x) for x in xs), Fraction(0)) / len(xs)


def daily(hours: dict[int, dict], day: dt.date, standard: str | None = None) -> dict:
    """`hours`: hour of day -> {pollutant: Decimal or None} for one station-day."""
    rs = R.by_id(standard) if standard else R.for_date(day)
    out: dict = {}
    for item, pol in PAIRS:
        xs = [hours[h][pol] for h in hours if hours[h].get(pol) is not None]
        out[item] = rnd(mean(xs), item) if len(xs) >= V["daily_min_hours"] else None
    o3 = {h: hours[h]["O3"] for h in hours if hours[h].get("O3") is not None}
    windows = []
    for j in range(V["o3_8h_first_start_hour"], V["o3_8h_last_start_hour"] + 1):
        xs = [o3[h] for h in range(j, j + 8) if h in o3]
        if len(xs) >= V["o3_8h_min_hours"]:
            windows.append(rnd(mean(xs), "O3_8h"))
    m8 = max(windows) if windows else None
    lim8 = rs.limits[("O3", "daily_max_8h_avg")]
    out["O3_8h"] = m8 if m8 is not None and (len(windows) >= V["o3_8h_min_windows"] or m8 > lim8) else None
    m1 = rnd(Fraction(max(o3.values())), "O3_1h") if o3 else None
    lim1 = rs.limits[("O3", "1h_avg")]
    out["O3_1h"] = m1 if m1 is not None and (len(o3) >= V["o3_1h_min_hours"] or m1 > lim1) else None
    return finish(out, rs)


def finish(values: dict, rs) -> dict:
    value, primary, _iaqis = exact.daily_aqi(rs, {k: values.get(k) for k in rs.daily_items})
    values = dict(values)
    values["AQI"] = value
    values["level"] = rs.level_of(value).level if value is not None else None
    values["primary"] = primary
    values["rs"] = rs.id
    return values


def region_daily(station_days: list[dict], rs) -> dict:
    out = {}
    for item in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h"):
        xs = [d[item] for d in station_days if d[item] is not None]
        out[item] = rnd(mean(xs), item) if xs else None
    return finish(out, rs)


def annual(days: dict[dt.date, dict]) -> dict:
    """HJ 663 figures for one id and one year from its daily values."""
    valid = [d for d in days.values() if d["AQI"] is not None]
    good = sum(1 for d in valid if d["AQI"] <= 100)
    res = {"valid_days": len(valid), "good_days": good,
           "good_rate": float(exact.good_rate(good, len(valid))) if valid else None}
    for item in ("PM2.5", "PM10", "SO2", "NO2"):
        xs = [d[item] for d in days.values() if d[item] is not None]
        res[f"{item}_mean"] = float(rnd(mean(xs), item)) if xs else None
    for item, p in (("CO", 95), ("O3_8h", 90), ("PM2.5", 95), ("PM10", 95), ("SO2", 98), ("NO2", 98)):
        xs = [d[item] for d in days.values() if d[item] is not None]
        res[f"{item}_p{p}"] = float(rnd(exact.percentile(xs, p), item)) if xs else None
    by_level = defaultdict(int)
    for d in valid:
        by_level[str(d["level"])] += 1
    res["days_by_level"] = {str(lv): by_level.get(str(lv), 0) for lv in range(1, 7)}
    return res
