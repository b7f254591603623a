"""Vectorised IAQI over numpy arrays, exact: integer arithmetic on concentrations scaled by 1000.

For callers that hold many concentrations in memory (real-time feeds, the benchmark against
python-aqi). The daily pipeline does the same arithmetic in SQL (air.iaqi_expr).
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from .rules import RuleSet

SCALE = 1000


def scale(values) -> np.ndarray:
    """Decimal strings / numbers -> int64 thousandths, refusing what would need guessing."""
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        d = Decimal(str(v)) * SCALE
        if d != d.to_integral_value():
            raise ValueError(f"浓度“{v}”小数超过 3 位")
        out[i] = int(d)
    return out


def iaqi(rs: RuleSet, pollutant: str, averaging: str, conc_milli: np.ndarray) -> np.ndarray:
    """IAQI for concentrations in thousandths (int64). -1 marks "not computed" (NA)."""
    c = np.asarray(conc_milli, dtype=np.int64)
    segs = rs.tables[(pollutant, averaging)]
    lo = np.array([int(s.bp_lo * SCALE) for s in segs], dtype=np.int64)
    hi = np.array([int(s.bp_hi * SCALE) for s in segs], dtype=np.int64)
    ilo = np.array([s.iaqi_lo for s in segs], dtype=np.int64)
    ihi = np.array([s.iaqi_hi for s in segs], dtype=np.int64)
    # First segment whose upper breakpoint is >= c (continuous table: a breakpoint value gives
    # the same IAQI from either side).
    k = np.searchsorted(hi, c, side="left")
    inside = k < len(segs)
    kk = np.minimum(k, len(segs) - 1)
    num = (ihi[kk] - ilo[kk]) * (c - lo[kk])
    den = hi[kk] - lo[kk]
    out = -(-num // den) + ilo[kk]          # ceiling in integers (HJ 633 §6.2)
    if (pollutant, averaging) == ("SO2", "1h_avg"):
        over = rs.so2_1h_over_800
    elif (pollutant, averaging) == ("O3", "8h_sliding_avg"):
        over = rs.o3_8h_over_800
    else:
        over = rs.above_top
    out = np.where(inside, out, -1 if over is None else over)
    return np.where(c < 0, -1, out)
