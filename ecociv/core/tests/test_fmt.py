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


# ---- prose helpers of generated documents --------------------------------------------------

import pytest  # noqa: E402

from ecociv.core.fmt import (  # noqa: E402
    cn_numeral,
    heading_number,
    money,
    percent,
    plain,
    points,
    rank,
    rank_change,
    share,
    wan,
    yi,
    yoy,
)


def test_plain_numbers_have_no_separators_and_round_half_up():
    assert plain(Decimal("12345.500")) == "12345.5"
    assert plain(Decimal("2.345"), 2) == "2.35"
    assert plain(Decimal("-0.0")) == "0"


def test_money_in_wan_with_two_decimals_and_yi_from_ten_thousand():
    assert wan(Decimal("3167.6")) == "3167.60万元"
    assert yi(Decimal("28600")) == "2.86亿元"
    assert money(Decimal("3167.6")) == "3167.60万元"
    assert money(Decimal("28600")) == "28600.00万元（2.86亿元）"
    assert money(Decimal("12345.6789")) == "12345.68万元（约1.23亿元）"
    assert money(Decimal("0")) == "0.00万元"


def test_percent_share_and_points():
    assert percent(Decimal("85.714")) == "85.7%"
    assert share(6, 7) == "85.7%"
    assert share(0, 0) == "—"
    assert points(Decimal("-1.25")) == "1.3个百分点"


def test_yoy_for_rates_speaks_in_percentage_points():
    assert yoy(Decimal("85.2"), Decimal("83.0"), rate=True) == "同比上升2.2个百分点"
    assert yoy(Decimal("80"), Decimal("83.05"), rate=True) == "同比下降3.1个百分点"
    assert yoy(Decimal("80.01"), Decimal("80"), rate=True) == "与上年持平"


def test_yoy_for_amounts_speaks_in_relative_percent():
    assert yoy(Decimal("110"), Decimal("100"), rate=False) == "同比上升10.0%"
    assert yoy(Decimal("0.45"), Decimal("0.50"), rate=False) == "同比下降10.0%"
    assert yoy(Decimal("1.333"), Decimal("1.2"), rate=False) == "同比上升11.1%"
    assert yoy(Decimal("5"), Decimal("0"), rate=False, unit="个") == "同比增加5个（上年为0）"
    assert yoy(Decimal("100"), Decimal("100"), rate=False) == "与上年持平"


@pytest.mark.parametrize("n,text", [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"), (99, "九十九"),
    (100, "一百"), (101, "一百零一"), (105, "一百零五"), (110, "一百一十"), (111, "一百一十一"), (1001, "一千零一"),
    (1010, "一千零一十"), (2300, "二千三百"), (0, "零"),
])
def test_chinese_numerals(n, text):
    assert cn_numeral(n) == text


def test_heading_numbers_follow_gbt9704_levels():
    assert [heading_number(i, 3) for i in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert heading_number(1, 12) == "十二、"
    with pytest.raises(ValueError):
        heading_number(5, 1)


def test_ranks():
    assert rank(1) == "第1位"
    assert rank_change(12, 1) == "由第12位上升至第1位"
    assert rank_change(1, 3) == "由第1位下降至第3位"
    assert rank_change(2, 2) == "保持第2位"
    assert rank_change(None, 4) == "位列第4位"
