"""Pure check math for entered values (no ORM): number format, range by unit, year-on-year
change, outlier against sibling regions. The rules' parameters and severities are data
(`ecociv/entry/data/checks.yaml`); this module only computes.

All arithmetic is Decimal: a value exactly on a bound (100 %) must never fail on a float
rounding, and what the user typed is what is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Full-width digits and punctuation that Chinese input methods produce.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

MAX_INTEGER_DIGITS = 18  # IndicatorValue.value is DECIMAL(24, 6)
MAX_DECIMAL_PLACES = 6


class NumberFormatError(ValueError):
    """The text is not a number we can store exactly; the message is for the user."""


def parse_number(raw) -> Decimal | None:
    """What a user typed → an exact Decimal, None for empty. Refuses what is not a plain
    number (units, words, 'NaN', too many digits) instead of guessing."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        text = format(raw, "f") if raw.is_finite() else str(raw)
    elif isinstance(raw, bool):
        raise NumberFormatError(f"“{raw}”不是数值")
    elif isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        text = repr(raw)  # shortest round-trip: 0.1 → "0.1"
    else:
        text = str(raw)
    text = text.translate(_FULLWIDTH).strip().replace(" ", "")
    if text == "":
        return None
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if text.endswith("%"):
        raise NumberFormatError(f"“{raw}”含有单位：请只填写数字（单位已由指标规定）")
    if not _NUMBER.match(text):
        raise NumberFormatError(f"“{raw}”不是有效的数值")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        raise NumberFormatError(f"“{raw}”不是有效的数值") from None
    if value != 0:
        value = value.normalize()
    else:
        value = Decimal(0)
    _sign, digits, exponent = value.as_tuple()
    places = -exponent if exponent < 0 else 0
    if places > MAX_DECIMAL_PLACES:
        raise NumberFormatError(f"“{raw}”小数位数过多（最多 {MAX_DECIMAL_PLACES} 位）")
    integer_digits = len(digits) - places if exponent < 0 else len(digits) + exponent
    if integer_digits > MAX_INTEGER_DIGITS:
        raise NumberFormatError(f"“{raw}”数值过大")
    return value


@dataclass(frozen=True)
class Range:
    low: Decimal | None = None
    high: Decimal | None = None

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{_fmt(self.low)}～{_fmt(self.high)}"
        if self.low is not None:
            return f"不小于{_fmt(self.low)}"
        if self.high is not None:
            return f"不大于{_fmt(self.high)}"
        return "不限"


def _fmt(d: Decimal) -> str:
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def out_of_range(value: Decimal, rng: Range) -> str | None:
    """Message when `value` falls outside `rng`, else None. Bounds are inclusive."""
    if rng.low is not None and value < rng.low:
        return f"数值{_fmt(value)}超出合理范围（{rng.describe()}）"
    if rng.high is not None and value > rng.high:
        return f"数值{_fmt(value)}超出合理范围（{rng.describe()}）"
    return None


def relative_change(value: Decimal, previous: Decimal) -> Decimal | None:
    """|value − previous| / |previous|; None when previous is 0 (no share can be formed)."""
    if previous == 0:
        return None
    return abs(value - previous) / abs(previous)


def yoy_jump(value: Decimal, previous: Decimal | None, max_share: Decimal) -> str | None:
    if previous is None:
        return None
    share = relative_change(value, previous)
    if share is None:
        return None if value == 0 else f"上年为0，本年为{_fmt(value)}，请核实"
    if share > max_share:
        pct = (share * 100).quantize(Decimal("0.1"))
        return (f"较上年（{_fmt(previous)}）变化{_fmt(pct)}%，超过{_fmt(max_share * 100)}%，"
                f"请核实并在情况说明中解释")
    return None


def median(values: list[Decimal]) -> Decimal:
    s = sorted(values)
    n = len(s)
    if n == 0:
        raise ValueError("median of nothing")
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


# Iglewicz & Hoaglin (1993): M = 0.6745 (x − median) / MAD; |M| > 3.5 flags an outlier.
# 0.6745 is the 0.75 quantile of the standard normal, making MAD comparable to σ. When MAD
# is 0 (more than half the peers identical) the mean absolute deviation stands in, scaled
# by 1.253314 (√(π/2)), as the IBM SPSS/Iglewicz–Hoaglin convention does.
MAD_SCALE = Decimal("0.6745")
MEANAD_SCALE = Decimal("1.253314")


def modified_z(value: Decimal, peers: list[Decimal]) -> Decimal | None:
    """The modified z-score of `value` against `peers` (the value itself included or not,
    as the caller decides). None when it cannot be formed (fewer than 3 peers, or every
    peer and the value identical)."""
    if len(peers) < 3:
        return None
    med = median(peers)
    deviations = [abs(p - med) for p in peers]
    mad = median(deviations)
    if mad != 0:
        return MAD_SCALE * (value - med) / mad
    mean_ad = sum(deviations, Decimal(0)) / len(deviations)
    if mean_ad != 0:
        return (value - med) / (MEANAD_SCALE * mean_ad)
    return None if value == med else (Decimal("Infinity") if value > med else Decimal("-Infinity"))


@dataclass(frozen=True)
class GroupStats:
    """Median, MAD and mean absolute deviation of a group of sibling values (the value being
    judged included). Computed once per group so an import of thousands of rows does not
    sort the same siblings again for every row."""

    n: int
    median: Decimal
    mad: Decimal
    mean_ad: Decimal

    @classmethod
    def of(cls, values: list[Decimal]) -> GroupStats:
        med = median(values)
        deviations = [abs(v - med) for v in values]
        return cls(len(values), med, median(deviations), sum(deviations, Decimal(0)) / len(deviations))

    def z(self, value: Decimal) -> Decimal | None:
        """Same result as modified_z(value, group) for a member of the group."""
        if self.n < 3:
            return None
        if self.mad != 0:
            return MAD_SCALE * (value - self.median) / self.mad
        if self.mean_ad != 0:
            return (value - self.median) / (MEANAD_SCALE * self.mean_ad)
        return None if value == self.median else (Decimal("Infinity") if value > self.median
                                                 else Decimal("-Infinity"))


def outlier(value: Decimal, peers: list[Decimal], threshold: Decimal, min_peers: int,
            stats: GroupStats | None = None) -> str | None:
    """Message when `value` is an outlier among its sibling regions' values. `stats`, when
    given, are those of peers + [value], precomputed."""
    n_peers = stats.n - 1 if stats is not None else len(peers)
    if n_peers < min_peers:
        return None
    stats = stats or GroupStats.of([*peers, value])
    z = stats.z(value)
    if z is None or abs(z) <= threshold:
        return None
    shown = "∞" if not z.is_finite() else _fmt(abs(z).quantize(Decimal("0.1")))
    return (f"与同级{n_peers}个地区相比异常（中位数{_fmt(stats.median.quantize(Decimal('0.0001')).normalize())}，"
            f"修正Z分数{shown}，超过{_fmt(threshold)}）")
