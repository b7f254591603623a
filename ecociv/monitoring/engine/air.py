"""Air computation as Ibis expressions: hourly -> daily (GB 3095 validity) -> IAQI/AQI -> annual (HJ 663).

The same expressions run on DuckDB and on PySpark. Every value is an integer: hourly values are
scaled by 1000, daily values are in reporting units (ug/m3, CO in 0.1 mg/m3) after GB/T 8170
rounding, percentiles are carried in 1/100 of a reporting unit. Integer arithmetic is exact on both
backends, which is what makes "identical results" a property rather than a hope.
"""
from __future__ import annotations

import ibis
from ibis import _

from .ingest import COL, SCALE
from .rules import DAILY_ITEM_TABLE, EPOCH, ICOL, ITEMS, PRIMARY_BIT, Rules, RuleSet

__all__ = ["EPOCH", "ICOL", "ITEMS", "PRIMARY_BIT", "annual", "build_daily", "rhe_columns"]


def unit_factor(rules: Rules, item: str) -> int:
    """Scaled-hourly units per reporting unit (1 ug/m3 = 1000; 0.1 mg/m3 CO = 100)."""
    return SCALE // 10 ** rules.decimals[item]


# --- exact integer helpers (inputs non-negative, divisors positive) -------------------------------
# Each helper works on columns and adds one projection layer per step: Ibis inlines expressions, so
# a helper that referenced an expression four times would quadruple the SQL at every nesting level.

def rhe_columns(t, specs: dict):
    """Add columns name = round(a / b) half-even (GB/T 8170) for {name: (a, b)}, exactly in integers."""
    if not specs:
        return t
    t = t.mutate(**{f"{n}__a": a.cast("int64") for n, (a, b) in specs.items()},
                 # b = 0 (no values) gives NULL, never a division by zero.
                 **{f"{n}__b": b.cast("int64").nullif(0) for n, (a, b) in specs.items()})
    # `//` compiles to FLOOR(a / b) through a double on both backends; the next layer corrects it
    # in integers so the result is exact whatever the magnitude.
    t = t.mutate(**{f"{n}__q": (t[f"{n}__a"] // t[f"{n}__b"]).cast("int64") for n in specs})
    t = t.mutate(**{f"{n}__q": ibis.cases(
        (t[f"{n}__q"] * t[f"{n}__b"] > t[f"{n}__a"], t[f"{n}__q"] - 1),
        ((t[f"{n}__q"] + 1) * t[f"{n}__b"] <= t[f"{n}__a"], t[f"{n}__q"] + 1),
        else_=t[f"{n}__q"]) for n in specs})
    t = t.mutate(**{f"{n}__r2": (t[f"{n}__a"] - t[f"{n}__q"] * t[f"{n}__b"]) * 2 for n in specs})
    t = t.mutate(**{n: ibis.cases(
        (t[f"{n}__q"].isnull(), ibis.null("int64")),
        (t[f"{n}__r2"] > t[f"{n}__b"], t[f"{n}__q"] + 1),
        ((t[f"{n}__r2"] == t[f"{n}__b"]) & (t[f"{n}__q"] % 2 == 1), t[f"{n}__q"] + 1),
        else_=t[f"{n}__q"]).cast("int64") for n in specs})
    return t.drop(*[f"{n}__{x}" for n in specs for x in ("a", "b", "q", "r2")])


def greatest_nonnull(*xs):
    # greatest() treats NULL differently across engines; -1 never occurs in these integer series.
    g = ibis.greatest(*[x.fill_null(-1) for x in xs])
    return ibis.cases((g < 0, ibis.null("int64")), else_=g)


# --- IAQI on rounded daily values ------------------------------------------------------------------

def iaqi_expr(rs: RuleSet, decimals: dict, item: str, v):
    """IAQI (HJ 633 式(1), ceiling) of `v`, a rounded daily value in reporting units."""
    if item not in rs.daily_items:
        return ibis.null("int64")
    pol, avg = DAILY_ITEM_TABLE[item]
    segs = rs.tables[(pol, avg)]
    f = 10 ** decimals[item]
    branches = []
    for s in segs:
        lo, hi = int(s.bp_lo * f), int(s.bp_hi * f)
        num = (v - lo) * (s.iaqi_hi - s.iaqi_lo)
        branches.append((v <= hi, (num + (hi - lo - 1)) // (hi - lo) + s.iaqi_lo))
    if (pol, avg) == ("O3", "8h_sliding_avg"):
        over = rs.o3_8h_over_800
    else:
        over = rs.above_top
    over_expr = ibis.null("int64") if over is None else ibis.literal(over, "int64")
    return ibis.cases((v.isnull(), ibis.null("int64")), *branches, else_=over_expr).cast("int64")


def add_aqi(t, rules: Rules, rs_ids: list[str]):
    """Add iaqi_<item>, aqi, level, primary mask. `t.rs` holds the index into rs_ids per day."""
    sets = [rules.by_id(r) for r in rs_ids]

    def per_rs(make):
        if len(sets) == 1:
            return make(sets[0])
        return ibis.cases(*[(t.rs == i, make(rs)) for i, rs in enumerate(sets[:-1])], else_=make(sets[-1]))

    iaqis = {item: per_rs(lambda rs, item=item: iaqi_expr(rs, rules.decimals, item, t[ICOL[item]])) for item in ITEMS}
    t = t.mutate(**{f"i_{ICOL[k]}": v for k, v in iaqis.items()})
    top = greatest_nonnull(*[t[f"i_{ICOL[k]}"] for k in ITEMS])

    def needs_all(rs):
        if not rs.aqi_needs_all_items:
            return top
        missing = ibis.literal(False)
        for item in rs.daily_items:
            missing = missing | t[f"i_{ICOL[item]}"].isnull()
        return ibis.cases((missing & (top <= rs.good_max), ibis.null("int64")), else_=top)

    t = t.mutate(aqi=per_rs(needs_all).cast("int64"))

    def level(rs):
        br = [(t.aqi <= lv.aqi_max, lv.level) for lv in rs.levels if lv.aqi_max is not None]
        return ibis.cases((t.aqi.isnull(), ibis.null("int64")), *br, else_=rs.levels[-1].level)

    mask = ibis.literal(0, "int64")
    for item in ITEMS:
        mask = mask + ibis.cases((t[f"i_{ICOL[item]}"] == t.aqi, PRIMARY_BIT[item]), else_=0)
    return t.mutate(
        level=per_rs(level).cast("int64"),
        primary=per_rs(lambda rs: ibis.cases((t.aqi > rs.primary_above, mask), else_=0)).cast("int64"),
        good=per_rs(lambda rs: (t.aqi <= rs.good_max).cast("int64")),
    )


# --- hourly -> daily ---------------------------------------------------------------------------------

def daily_values(hourly, rules: Rules, rs_ids: list[str], calendar):
    """Per (sid, day): 24 h means, O3 daily max 1 h and max 8 h, each with its own validity."""
    v = rules.validity
    aggs = {}
    for p in ("SO2", "NO2", "CO", "PM10", "PM2.5"):
        c = hourly[COL[p]]
        aggs[f"n_{COL[p]}"] = c.count()
        aggs[f"s_{COL[p]}"] = c.sum()
    aggs["n_o3"] = hourly.o3.count()
    aggs["m_o3"] = hourly.o3.max()
    # One column per hour of the day: the 8 h windows below then see the whole day's grid, so
    # a missing hour counts as missing whether its row is absent or its cell is empty.
    for k in range(24):
        aggs[f"o3_{k}"] = hourly.o3.max(where=hourly.hod == k)
    d = hourly.group_by(["sid", "day"]).aggregate(**aggs)
    d = d.join(calendar, "day")
    sets = [rules.by_id(r) for r in rs_ids]

    def per_rs(make):
        if len(sets) == 1:
            return make(sets[0])
        return ibis.cases(*[(d.rs == i, make(rs)) for i, rs in enumerate(sets[:-1])], else_=make(sets[-1]))

    # 8 h moving means: the window starting at hour j covers j..j+7 (GB 3095 §3: 连续8个小时).
    starts = range(v["o3_8h_first_start_hour"], v["o3_8h_last_start_hour"] + 1)
    wins = {}
    for j in starts:
        hs = [d[f"o3_{k}"] for k in range(j, j + 8)]
        wins[f"wn_{j}"] = sum((h.notnull().cast("int64") for h in hs), ibis.literal(0, "int64"))
        wins[f"ws_{j}"] = sum((h.fill_null(0) for h in hs), ibis.literal(0, "int64"))
    d = d.mutate(**wins,
                 lim8=per_rs(lambda rs: ibis.literal(int(rs.limits[("O3", "daily_max_8h_avg")]), "int64")),
                 lim1=per_rs(lambda rs: ibis.literal(int(rs.limits[("O3", "1h_avg")]), "int64")))
    specs = {COL[p]: (d[f"s_{COL[p]}"], d[f"n_{COL[p]}"] * unit_factor(rules, p))
             for p in ("SO2", "NO2", "CO", "PM10", "PM2.5")}
    specs.update({f"w_{j}": (d[f"ws_{j}"], d[f"wn_{j}"] * SCALE) for j in starts})
    specs["o3_1h_raw"] = (d.m_o3, ibis.literal(SCALE, "int64"))
    d = rhe_columns(d, specs)
    d = d.mutate(
        **{p: ibis.cases((d[f"n_{p}"] >= v["daily_min_hours"], d[p]), else_=ibis.null("int64"))
           for p in ("so2", "no2", "co", "pm10", "pm25")},
        **{f"w_{j}": ibis.cases((d[f"wn_{j}"] >= v["o3_8h_min_hours"], d[f"w_{j}"]), else_=ibis.null("int64"))
           for j in starts},
    )
    d = d.mutate(
        n_windows=sum((d[f"w_{j}"].notnull().cast("int64") for j in starts), ibis.literal(0, "int64")),
        o3_8h_raw=greatest_nonnull(*[d[f"w_{j}"] for j in starts]),
    )
    # Too few values still give a valid maximum when that maximum already exceeds the limit
    # (HJ 663-2013 as recalled; rulesets.yaml marks it unverified). Whether the rounded daily
    # maximum or the raw one is compared with the limit is the rule set's o3_exceedance_compare.
    if rules.o3_compare == "raw":
        over8 = ibis.literal(False)
        for j in starts:   # a valid window whose exact mean ws / (wn·SCALE) exceeds the limit
            over8 = over8 | ((d[f"wn_{j}"] >= v["o3_8h_min_hours"]) & (d[f"ws_{j}"] > d.lim8 * d[f"wn_{j}"] * SCALE))
        over1 = d.m_o3 > d.lim1 * SCALE
    else:
        over8, over1 = d.o3_8h_raw > d.lim8, d.o3_1h_raw > d.lim1
    d = d.mutate(over8=over8.fill_null(False), over1=over1.fill_null(False))
    d = d.mutate(
        o3_8h=ibis.cases(((d.n_windows >= v["o3_8h_min_windows"]) | d.over8, d.o3_8h_raw),
                         else_=ibis.null("int64")),
        o3_1h=ibis.cases(((d.n_o3 >= v["o3_1h_min_hours"]) | d.over1, d.o3_1h_raw),
                         else_=ibis.null("int64")),
    )
    return d.select("sid", "day", "year", "month", "rs", *[ICOL[i] for i in ITEMS])


def region_values(daily, station_map):
    """Region daily value = mean of its stations' valid rounded daily values, rounded again."""
    t = daily.join(station_map, "sid")
    aggs = {}
    for item in ITEMS:
        c = ICOL[item]
        aggs[f"s_{c}"] = t[c].sum()
        aggs[f"n_{c}"] = t[c].count()
    g = t.group_by(["gid", "day", "year", "month", "rs"]).aggregate(**aggs)
    g = rhe_columns(g, {ICOL[i]: (g[f"s_{ICOL[i]}"], g[f"n_{ICOL[i]}"]) for i in ITEMS})
    # n = 0 gives a NULL sum, hence a NULL value: a region with no valid station has no value.
    return g.select(sid=g.gid, day=g.day, year=g.year, month=g.month, rs=g.rs, **{ICOL[i]: g[ICOL[i]] for i in ITEMS})


# --- annual (HJ 663) ----------------------------------------------------------------------------------

def percentile_expr(daily, item: str, p: int):
    """HJ 663 percentile over valid days, in 1/100 reporting unit: X(s)·100 + (X(s+1) − X(s))·r."""
    c = ICOL[item]
    t = daily.filter(daily[c].notnull()).select("sid", "year", x=daily[c])
    w = ibis.window(group_by=["sid", "year"], order_by="x")
    t = t.mutate(rn=ibis.row_number().over(w) + 1, n=_.x.count().over(ibis.window(group_by=["sid", "year"])))
    # s - 1 = floor((n - 1)·p / 100); exact for n < 10^13 even through a double.
    t = t.mutate(s=((t.n - 1) * p // 100).cast("int64") + 1)
    t = t.mutate(r=(t.n - 1) * p - (t.s - 1) * 100)
    t = t.filter((t.rn == t.s) | (t.rn == t.s + 1))
    g = t.group_by(["sid", "year"]).aggregate(
        xs=t.x.max(where=t.rn == t.s), xs1=t.x.max(where=t.rn == t.s + 1), r=t.r.max(),
    )
    val100 = g.xs * 100 + (g.xs1.fill_null(g.xs) - g.xs) * g.r
    return g.select("sid", "year", **{f"p_{c}": val100.cast("int64")})


def annual(daily, rules: Rules):
    v = rules.validity
    aggs = {
        "valid_days": daily.aqi.count(),
        "good_days": daily.good.sum(),
        "rs_mask": daily.rs.max(),
        "rs_min": daily.rs.min(),
    }
    for lv in range(1, 7):
        aggs[f"lv{lv}"] = (daily.level == lv).cast("int64").sum()
    for item in ITEMS:
        c = ICOL[item]
        aggs[f"sum_{c}"] = daily[c].sum()
        aggs[f"n_{c}"] = daily[c].count()
    a = daily.group_by(["sid", "year"]).aggregate(**aggs)
    # GB 3095 表4: annual statistics need >= 324 daily values and >= 27 in every month (Feb >= 25).
    m = daily.group_by(["sid", "year", "month"]).aggregate(
        **{f"m_{ICOL[i]}": daily[ICOL[i]].count() for i in ITEMS})
    need = ibis.cases((m.month == 2, v["february_min_days"]), else_=v["month_min_days"])
    mo = m.group_by(["sid", "year"]).aggregate(
        **{f"ok_{ICOL[i]}": (m[f"m_{ICOL[i]}"] >= need).cast("int64").sum() for i in ITEMS})
    a = a.join(mo, ["sid", "year"])
    for item, p in rules.percentiles:
        a = a.left_join(percentile_expr(daily, item, p), ["sid", "year"]).drop("sid_right", "year_right")
    return a


def build_daily(hourly, calendar, rules: Rules, rs_ids: list[str], *, station_map=None):
    d = daily_values(hourly, rules, rs_ids, calendar)
    if station_map is not None:
        d = region_values(d, station_map)
    d = add_aqi(d, rules, rs_ids)
    keep = ["sid", "day", "year", "month", "rs", *[ICOL[i] for i in ITEMS], "aqi", "level", "primary", "good"]
    return d.select(*keep)
