import datetime as dt
from decimal import Decimal

from ecociv.core.fmt import cn_date, money_wan, number


def test_chinese_date():
    assert cn_date(dt.date(2026, 11, 23)) == "2026年11月23日"


def test_money_switches_to_yi_from_ten_thousand_wan():
    assert money_wan(Decimal("3167.6")) == "3,167.60万元"
    assert money_wan(Decimal("28600")) == "2.86亿元"


def test_number_drops_trailing_zeros_and_groups_thousands():
    assert number(Decimal("12345.500")) == "12,345.5"
    assert number(Decimal("2.345"), 2) == "2.35"
    assert number(None) == "—"
