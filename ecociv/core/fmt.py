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
