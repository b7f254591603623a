"""Trend status of an indicator from its past values, as Open SDG computes progress.

Follows open-sdg/sdg-build `sdg/ProgressMeasure.py` (Statistics Canada's method):

- observed compound annual growth  CAGR_o = (y_i / y_0) ** (1 / (t_i - t_0)) - 1
- with a numeric target y_T due in t_T: required growth CAGR_r = (y_T / y_0) ** (1 / (t_T - t_0)) - 1,
  ratio R = s · d · CAGR_o / |CAGR_r|  (s = sign of the base value, d = +1 higher is better, -1 lower);
  R ≥ 0.95 进展顺利, 0.6 ≤ R < 0.95 需加快, 0 ≤ R < 0.6 进展有限, R < 0 倒退; a target already met → 已达标.
- without a numeric target: G = s · d · CAGR_o against 1.5 % / 0.5 % / 0, the positive thresholds scaled
  by C = 1 − (y_0 / limit) ** 4.44 when the series has a natural limit (a share cannot pass 100 %).

Where Open SDG quietly substitutes 0.001 for a zero base, we say 无法计算 instead: a growth rate from
zero is not a figure an official can defend, and the issue asks for the reason to be shown.
Pure code, floats (growth rates are not thresholds; nothing here decides 达标).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Trend(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATE = "accelerate"
    LIMITED = "limited"
    DETERIORATING = "deteriorating"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return TREND_LABELS[self]


TREND_LABELS = {
    Trend.ACHIEVED: "已达标",
    Trend.ON_TRACK: "进展顺利",
    Trend.ACCELERATE: "需加快",
    Trend.LIMITED: "进展有限",
    Trend.DETERIORATING: "倒退",
    Trend.UNKNOWN: "无法计算",
}

# Open SDG's defaults; the assessment rules file may replace them (each flagged as configurable).
RATIO_THRESHOLDS = {"high": 0.95, "med": 0.6, "low": 0.0}
GROWTH_THRESHOLDS = {"high": 0.015, "med": 0.005, "low": 0.0}
LIMIT_EXPONENT = 4.44


@dataclass
class TrendResult:
    status: Trend
    reason: str = ""
    progress: float | None = None  # R (with target) or direction-signed CAGR (without)
    inputs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.status.label

    def as_json(self) -> dict:
        return {"status": str(self.status), "label": self.label, "reason": self.reason,
                "progress": None if self.progress is None else round(self.progress, 6), "inputs": self.inputs}


def growth(current: float, base: float, t_current: int, t_base: int) -> float:
    return (current / base) ** (1 / (t_current - t_base)) - 1


def limit_coefficient(base: float, limit: float) -> float:
    """Open SDG's scaling factor C in [0, 1]: near a natural limit the thresholds shrink, so a
    share going from 98 % to 99 % is not called 进展有限 for lack of room to grow."""
    base, limit = abs(base), abs(limit)
    if base >= 2 * limit:
        return 1.0
    if base <= limit:
        return 1 - (base / limit) ** LIMIT_EXPONENT
    return 1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT


def _classify(value: float, th: dict) -> Trend:
    if value >= th["high"]:
        return Trend.ON_TRACK
    if value >= th["med"]:
        return Trend.ACCELERATE
    if value >= th["low"]:
        return Trend.LIMITED
    return Trend.DETERIORATING


def compute_trend(series: dict[int, float] | list[tuple[int, float]], **options) -> TrendResult:
    """Progress of a yearly series. `series` maps year → value (missing years simply absent), in
    any order; `options` are those of `trend_of_sorted`, which judges it once put in order."""
    points = sorted((int(y), float(v)) for y, v in (series.items() if isinstance(series, dict) else series)
                    if v is not None)
    return trend_of_sorted([y for y, _ in points], [v for _, v in points], **options)


def trend_of_sorted(
    years: list[int],
    values: list[float],
    *,
    direction: str = "higher",
    target: float | None = None,
    target_year: int | None = None,
    base_year: int | None = None,
    limit: float | None = None,
    ratio_thresholds: dict | None = None,
    growth_thresholds: dict | None = None,
) -> TrendResult:
    """Progress of a yearly series already in order: `years` ascending, `values` floats, none
    missing (the assessment keeps each region-indicator history so, and asks for 40,000 trends;
    `compute_trend` puts any other series in order first).

    `target` is the numeric target due in `target_year` (default: the latest year of the series,
    i.e. "should be met now"); `base_year` defaults to the first year with a value, and moves to
    the next year with data when the given one has none (as Open SDG does).
    """
    points = list(zip(years, values))
    inputs: dict = {"years": years, "values": values, "direction": direction,
                    "target": target, "target_year": target_year}
    if direction not in ("higher", "lower"):
        return TrendResult(Trend.UNKNOWN, "定性指标没有数值方向，无法计算趋势", inputs=inputs)
    if not points:
        return TrendResult(Trend.UNKNOWN, "没有已审核的数值", inputs=inputs)
    d = 1 if direction == "higher" else -1
    t_i, y_i = points[-1]
    inputs |= {"current_year": t_i, "current_value": y_i}
    if target is not None and (y_i >= target if d == 1 else y_i <= target):
        return TrendResult(Trend.ACHIEVED, "最新数值已达到目标", inputs=inputs)
    later = [p for p in points if base_year is None or p[0] >= base_year]
    if len(points) < 2 or not later or later[0][0] >= t_i:
        return TrendResult(Trend.UNKNOWN, "只有一个年度的数值，至少需要两个年度", inputs=inputs)
    t_0, y_0 = later[0]
    inputs |= {"base_year": t_0, "base_value": y_0}
    if y_0 == 0:
        return TrendResult(Trend.UNKNOWN, "基期数值为零，无法计算增长率", inputs=inputs)
    if y_0 < 0:
        return TrendResult(Trend.UNKNOWN, "基期数值为负，无法计算增长率", inputs=inputs)
    if y_i < 0:
        return TrendResult(Trend.UNKNOWN, "基期与最新数值符号不同，无法计算增长率", inputs=inputs)
    # A latest value of 0 is fine: (0 / y_0) ** k = 0, a defined −100 % growth.
    cagr_o = growth(y_i, y_0, t_i, t_0)
    inputs["cagr_observed"] = round(cagr_o, 6)
    if target is None:
        th = dict(GROWTH_THRESHOLDS | (growth_thresholds or {}))
        if limit is not None:
            c = limit_coefficient(y_0, limit)
            inputs |= {"limit": limit, "coefficient": round(c, 6)}
            if c == 0 and d * cagr_o >= 0:
                return TrendResult(Trend.ON_TRACK, "基期已处于自然上限且保持", d * cagr_o, inputs)
            th = {k: v * c if v > 0 else v for k, v in th.items()}
        inputs["thresholds"] = th
        g = d * cagr_o
        return TrendResult(_classify(g, th), f"年均增长率{g * 100:.2f}%（按期望方向计）", g, inputs)
    t_T = target_year if target_year is not None else t_i
    inputs["target_year"] = t_T
    if t_T <= t_0:
        return TrendResult(Trend.UNKNOWN, "目标年度不晚于基期年度，无法计算所需增长率", inputs=inputs)
    y_T = target if target != 0 else 0.001  # Open SDG: a zero target would make every ratio 0
    if y_T < 0:
        return TrendResult(Trend.UNKNOWN, "目标值为负，无法计算所需增长率", inputs=inputs)
    cagr_r = growth(y_T, y_0, t_T, t_0)
    inputs["cagr_required"] = round(cagr_r, 6)
    if cagr_r == 0:
        return TrendResult(Trend.UNKNOWN, "基期数值等于目标值，所需增长率为零", inputs=inputs)
    th = dict(RATIO_THRESHOLDS | (ratio_thresholds or {}))
    inputs["thresholds"] = th
    r = d * cagr_o / abs(cagr_r)
    return TrendResult(_classify(r, th), f"实际增速为所需增速的{r * 100:.0f}%", r, inputs)
