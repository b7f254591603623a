"""Chinese formatting for what users read: dates 2026年11月23日, money in 万元/亿元, numbers."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal


def cn_date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text = f"{value.year}年{value.month}月{value.day}日"
        return f"{text} {value:%H:%M}" if with_time else text
    return f"{value.year}年{value.month}月{value.day}日"


def number(value, places: int | None = None) -> str:
    """Thousands separators, trailing zeros dropped; `places` fixes the decimals."""
    if value is None or value == "":
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{d:,.{places}f}"
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money_wan(value_wan, places: int = 2) -> str:
    """An amount in 万元, shown in 亿元 from 10,000 万元 up, as officials write it."""
    if value_wan is None:
        return "—"
    d = Decimal(str(value_wan))
    if abs(d) >= 10000:
        return f"{number(d / 10000, places)}亿元"
    return f"{number(d, places)}万元"


# ---- prose of generated documents (工作总结, 自评报告) ------------------------------------------
# Officials write figures in running text without thousands separators (5600万元, 85.7%), so
# these differ from `number` above, which is for tables and pages.

def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def plain(value, places: int | None = None) -> str:
    """A number for running text: no separators; `places` fixes the decimals (half up),
    otherwise trailing zeros are dropped."""
    d = _dec(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{d:.{places}f}"
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def wan(value_wan, places: int = 2) -> str:
    """3167.6 → 3167.60万元."""
    return f"{plain(value_wan, places)}万元"


def yi(value_wan, places: int = 2) -> str:
    """An amount held in 万元 written in 亿元: 28600 → 2.86亿元."""
    return f"{plain(_dec(value_wan) / 10000, places)}亿元"


def money(value_wan) -> str:
    """An amount in 万元 as a summary states it: exact to the cent in 万元, and from 1亿元 up
    also in 亿元 (marked 约 when the 亿元 figure is rounded), so a reader sees the scale and a
    checker the exact figure."""
    d = _dec(value_wan)
    text = wan(d)
    if abs(d) >= 10000:
        exact = (d / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 10000 == d
        text += f"（{'' if exact else '约'}{yi(d)}）"
    return text


def percent(value, places: int = 1) -> str:
    """A value already in percent: 85.71 → 85.7%."""
    return f"{plain(value, places)}%"


def share(part: int, whole: int, places: int = 1) -> str:
    """part/whole as a percentage: 6/7 → 85.7%; '—' when there is no whole."""
    if not whole:
        return "—"
    return percent(Decimal(part) * 100 / Decimal(whole), places)


def points(delta, places: int = 1) -> str:
    """A difference of two rates: 1.23 → 1.2个百分点 (unsigned; the verb carries the sign)."""
    return f"{plain(abs(_dec(delta)), places)}个百分点"


def yoy(current, previous, *, rate: bool, unit: str = "", places: int = 1) -> str:
    """同比 wording. A rate (a value in %) changes by 个百分点, the difference; anything else by a
    relative change in %. Equal after rounding → 与上年持平; no base to divide by → the
    absolute change with its unit."""
    cur, prev = _dec(current), _dec(previous)
    if rate:
        delta = cur - prev
        shown = plain(abs(delta), places)
        if Decimal(shown) == 0:
            return "与上年持平"
        return f"同比{'上升' if delta > 0 else '下降'}{points(delta, places)}"
    if prev == 0:
        if cur == 0:
            return "与上年持平"
        return f"同比{'增加' if cur > 0 else '减少'}{plain(abs(cur))}{unit}（上年为0）"
    change = (cur - prev) * 100 / abs(prev)
    shown = plain(abs(change), places)
    if Decimal(shown) == 0:
        return "与上年持平"
    return f"同比{'上升' if change > 0 else '下降'}{shown}%"


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """Chinese numerals as used for numbering: 1 一, 10 十, 11 十一, 20 二十, 105 一百零五,
    110 一百一十, 1001 一千零一 (up to 9999)."""
    if not 0 <= n <= 9999:
        raise ValueError(f"cn_numeral supports 0–9999, not {n}")
    if n == 0:
        return "零"
    parts = []
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_DIGITS[digit] + unit)
    text = "".join(parts)
    # 十一, not 一十一, when ten is the highest unit; 一百一十 keeps its 一.
    return text[1:] if 10 <= n < 20 else text


def heading_number(level: int, n: int) -> str:
    """GB/T 9704 order of 结构层次序数: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{cn_numeral(n)}、"
    if level == 2:
        return f"（{cn_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level {level} is not one of 1–4")


def rank(n: int) -> str:
    return f"第{n}位"


def rank_change(previous: int | None, current: int) -> str:
    """由第12位上升至第1位 / 由第1位下降至第3位 / 保持第2位 / 第4位 (no history)."""
    if previous is None:
        return f"位列{rank(current)}"
    if previous == current:
        return f"保持{rank(current)}"
    verb = "上升" if current < previous else "下降"
    return f"由{rank(previous)}{verb}至{rank(current)}"
