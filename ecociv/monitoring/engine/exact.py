"""Exact scalar arithmetic: the reference every vectorised or SQL path is tested against.

Fractions throughout: HJ 633 §6.2 takes the ceiling of every IAQI, and a float before the ceiling
turns CO 2.2 mg/m3 (exactly 55) into 56.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from .rules import DAILY_ITEM_TABLE, RuleSet

Number = int | str | Decimal | Fraction


def _frac(x: Number) -> Fraction:
    # str/Decimal go through Decimal so "2.2" is 11/5, never the binary float 2.2000000000000002.
    if isinstance(x, float):
        raise TypeError("pass concentrations as str/Decimal/int, not float")
    return x if isinstance(x, Fraction) else Fraction(Decimal(x) if isinstance(x, str) else x)


def round_half_even(x: Number, decimals: int = 0) -> Decimal:
    """GB/T 8170 四舍六入五成双 on the exact value."""
    scaled = _frac(x) * 10**decimals
    n, d = scaled.numerator, scaled.denominator
    whole, rem = divmod(n, d)
    if 2 * rem > d or (2 * rem == d and whole % 2 == 1):
        whole += 1
    return Decimal(whole).scaleb(-decimals)


def iaqi(rs: RuleSet, pollutant: str, averaging: str, conc: Number) -> int | None:
    """IAQI of one concentration (HJ 633 式(1) + ceiling); None when the standard says not computed."""
    c = _frac(conc)
    if c < 0:
        raise ValueError("negative concentration")
    segs = rs.tables[(pollutant, averaging)]
    top = segs[-1]
    if (pollutant, averaging) == ("SO2", "1h_avg") and c > 800:
        return rs.so2_1h_over_800          # note (2): "高于800" is strict
    if (pollutant, averaging) == ("O3", "8h_sliding_avg") and c > 800:
        return rs.o3_8h_over_800           # note (3)
    if c > top.bp_hi:
        return rs.above_top                # rules.md A9: project choice, see rulesets.yaml
    for s in segs:
        if c <= s.bp_hi:
            v = Fraction(s.iaqi_hi - s.iaqi_lo) / (Fraction(s.bp_hi) - Fraction(s.bp_lo)) * (c - Fraction(s.bp_lo))
            return math.ceil(v + s.iaqi_lo)
    raise AssertionError


def daily_iaqi(rs: RuleSet, item: str, conc: Number | None) -> int | None:
    if conc is None:
        return None
    pol, avg = DAILY_ITEM_TABLE[item]
    return iaqi(rs, pol, avg, conc)


def aqi(rs: RuleSet, iaqis: Mapping[str, int | None]) -> tuple[int | None, list[str]]:
    """AQI = max IAQI (式(2)) and the primary pollutants (§4.4.2, ties all listed, only if AQI > 50)."""
    present = {k: v for k, v in iaqis.items() if v is not None}
    if not present:
        return None, []
    top = max(present.values())
    if rs.aqi_needs_all_items and len(present) < len(iaqis) and top <= rs.good_max:
        return None, []                    # HJ 633-2026 §5.3.1
    primary = [k for k, v in present.items() if v == top] if top > rs.primary_above else []
    return top, primary


def daily_aqi(rs: RuleSet, conc: Mapping[str, Number | None]) -> tuple[int | None, list[str], dict]:
    iaqis = {item: daily_iaqi(rs, item, conc.get(item)) for item in rs.daily_items}
    value, primary = aqi(rs, iaqis)
    return value, primary, iaqis


def percentile(values: Iterable[Number], p: int) -> Fraction:
    """HJ 663: k = 1 + (n-1)·p%, mp = X(s) + (X(s+1) - X(s))·(k - s), s = int(k)."""
    xs = sorted(_frac(v) for v in values)
    if not xs:
        raise ValueError("empty series")
    k = 1 + Fraction((len(xs) - 1) * p, 100)
    s = math.floor(k)
    if s >= len(xs):
        return xs[-1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def good_rate(good_days: int, valid_days: int) -> Decimal | None:
    """优良天数比例 in percent, 1 decimal (rules.md C4)."""
    if not valid_days:
        return None
    from .rules import load_rules

    return round_half_even(Fraction(100 * good_days, valid_days), load_rules().rounding["good_rate_decimals"])


def exceedance_multiple(c: Number, limit: Number) -> Decimal | None:
    """超标倍数 (C − S)/S to 2 decimals when C > S (rules.md C3, formula unverified)."""
    c, s = _frac(c), _frac(limit)
    return round_half_even((c - s) / s, 2) if c > s else None


def composite_index(means: Mapping[str, Number], co_p95: Number, o3_8h_p90: Number,
                    rs_limits: Mapping[tuple[str, str], Decimal]) -> Decimal:
    """环境空气质量综合指数 Σ C_i/S_i, 2 decimals (rules.md C7)."""
    total = sum((_frac(means[p]) / _frac(rs_limits[(p, "annual_avg")]) for p in ("PM2.5", "PM10", "SO2", "NO2")),
                Fraction(0))
    total += _frac(co_p95) / _frac(rs_limits[("CO", "24h_avg")])
    total += _frac(o3_8h_p90) / _frac(rs_limits[("O3", "daily_max_8h_avg")])
    return round_half_even(total, 2)
