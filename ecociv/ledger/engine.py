"""Pure ledger computation (no ORM): money in 万元, parts-vs-total findings, overdue, budget
execution against the time line, and 考核 scores and ranks."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ecociv.entry.engine.checks import NumberFormatError, parse_number

PLACES = Decimal("0.0001")  # 4 decimals of 万元 = 1 元
UNIT_FACTOR = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000),
               "亿": Decimal(10000)}
_UNIT = re.compile(r"^(.*?)\s*(亿元|万元|元|亿|万)$")


class MoneyError(ValueError):
    pass


def parse_wan(raw, default_unit: str = "万元") -> Decimal | None:
    """'1.2亿元' → 12000, '350000元' → 35, '3167.6' (in a 万元 column) → 3167.6; None for empty.
    Exact: refuses what cannot be held in 万元 with 4 decimals (fractions of a 元)."""
    if raw is None:
        return None
    text = str(raw).strip().replace(" ", "")
    if text in ("", "-", "—", "/"):
        return None
    unit = default_unit
    m = _UNIT.match(text)
    if m and not isinstance(raw, (int, float, Decimal)):
        text, unit = m.group(1), m.group(2)
    try:
        value = parse_number(text)
    except NumberFormatError:
        raise MoneyError(f"“{raw}”不是金额（可写 350000元、3167.6万元 或 1.2亿元）") from None
    if value is None:
        raise MoneyError(f"“{raw}”缺少数字")
    if value < 0:
        raise MoneyError(f"金额“{raw}”不能为负数")
    wan = value * UNIT_FACTOR[unit]
    if wan != wan.quantize(PLACES, rounding=ROUND_HALF_UP):
        raise MoneyError(f"金额“{raw}”含不足1元的零头：平台按万元保留4位小数（精确到元）")
    if wan >= Decimal("1e14"):
        raise MoneyError(f"金额“{raw}”过大")
    return wan.quantize(PLACES)


def wan_str(value: Decimal | None) -> str:
    """An exact 万元 amount as a plain decimal string: 12000, 3167.6, 0.0001."""
    if value is None:
        value = Decimal(0)
    d = Decimal(value).quantize(PLACES)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def total(values) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


@dataclass(frozen=True)
class Finding:
    kind: str
    ref: str
    message: str

    def as_json(self) -> dict:
        return {"kind": self.kind, "ref": self.ref, "message": self.message}


FINDING_LABELS = {
    "investment_split": "计划投资与分来源合计不符",
    "completed_over_planned": "完成投资超过计划投资",
    "execution_over_budget": "执行超过预算",
    "execution_lag": "预算执行滞后于时间进度",
    "performance_deviation": "绩效目标偏差",
}


def project_findings(name: str, planned: Decimal | None, sources: dict[str, Decimal | None],
                     completed: Decimal | None) -> list[Finding]:
    """Parts against totals of one project. Sources left blank are not a split; a split that
    is given must add up to the planned investment."""
    out = []
    given = [v for v in sources.values() if v is not None]
    if given and planned is not None:
        parts = total(given)
        if parts != planned:
            out.append(Finding("investment_split", name,
                               f"项目“{name}”计划投资 {wan_str(planned)} 万元，各来源合计 {wan_str(parts)} 万元，"
                               f"相差 {wan_str(abs(planned - parts))} 万元"))
    if completed is not None and planned is not None and completed > planned:
        out.append(Finding("completed_over_planned", name,
                           f"项目“{name}”累计完成投资 {wan_str(completed)} 万元，超过计划投资 {wan_str(planned)} 万元"))
    return out


def year_elapsed(year: int, today: dt.date) -> Decimal:
    """Share of the year gone by at `today` counted in whole months (budget execution is
    reported monthly): 0 before the year, 1 after it."""
    if today.year < year:
        return Decimal(0)
    if today.year > year:
        return Decimal(1)
    return Decimal(today.month - 1) / 12 if today.day < 28 else Decimal(today.month) / 12


def execution_rate(executed: Decimal, budget: Decimal | None) -> Decimal | None:
    if not budget:
        return None
    return executed / budget


def fund_findings(name: str, budget: Decimal | None, executed: Decimal, elapsed: Decimal,
                  lag_points: Decimal) -> list[Finding]:
    out = []
    if budget is not None and executed > budget:
        out.append(Finding("execution_over_budget", name,
                           f"资金“{name}”已执行 {wan_str(executed)} 万元，超过预算 {wan_str(budget)} 万元"))
    rate = execution_rate(executed, budget)
    if rate is not None and elapsed > 0 and (elapsed - rate) * 100 > lag_points:
        out.append(Finding("execution_lag", name,
                           f"资金“{name}”执行率 {pct(rate)}，时间进度 {pct(elapsed)}，滞后 {pct(elapsed - rate)}"))
    return out


def performance_finding(fund: str, name: str, target: Decimal, actual: Decimal | None,
                        share: Decimal) -> Finding | None:
    if actual is None or target == 0:
        return None
    deviation = (actual - target) / abs(target)
    if abs(deviation) > share:
        return Finding("performance_deviation", fund,
                       f"资金“{fund}”绩效指标“{name}”目标 {plain(target)}，实际 {plain(actual)}，偏差 {pct(deviation)}")
    return None


def pct(ratio: Decimal) -> str:
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def plain(d: Decimal) -> str:
    text = format(Decimal(d), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def overdue(deadline: dt.date | None, status: str, today: dt.date) -> bool:
    return deadline is not None and deadline < today and status != "done"


def ratio(numerator, denominator) -> Decimal:
    """A share between 0 and 1; 0 when there is nothing to divide (no data = nothing done)."""
    try:
        if not denominator:
            return Decimal(0)
        return min(Decimal(1), max(Decimal(0), Decimal(numerator) / Decimal(denominator)))
    except InvalidOperation:
        return Decimal(0)


def score(metrics: dict[str, Decimal], parts: list[dict]) -> tuple[Decimal, dict[str, str]]:
    """Σ weight × ratio over the rules' parts; each part's points as a string with 2 decimals."""
    out = {}
    sum_ = Decimal(0)
    for p in parts:
        points = (Decimal(str(p["weight"])) * metrics.get(p["key"], Decimal(0))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
        out[p["key"]] = format(points, "f")
        sum_ += points
    return sum_, out


def competition_ranks(scores: list[Decimal]) -> list[int]:
    """Rank 1 the best; equal scores share a rank and the next rank skips (1, 1, 3)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    for pos, i in enumerate(order):
        if pos and scores[i] == scores[order[pos - 1]]:
            ranks[i] = ranks[order[pos - 1]]
        else:
            ranks[i] = pos + 1
    return ranks
