from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecociv.ledger.engine import MoneyError, competition_ranks, parse_wan, project_findings, wan_str


@pytest.mark.parametrize("raw,expected", [
    ("1.2亿元", "12000"), ("350000元", "35"), ("3167.6万元", "3167.6"), ("3167.6", "3167.6"),
    ("2.86亿", "28600"), ("1元", "0.0001"), ("1,234,567元", "123.4567"), ("５６００", "5600"), ("0", "0"),
])
def test_it_converts_yuan_wan_and_yi_exactly(raw, expected):
    assert wan_str(parse_wan(raw)) == expected


@pytest.mark.parametrize("raw", ["0.5元", "abc", "-3万元", "1.2亿美元", "12.34567"])
def test_it_refuses_amounts_it_cannot_hold_exactly(raw):
    with pytest.raises(MoneyError):
        parse_wan(raw)


def test_empty_is_none():
    assert parse_wan("") is None and parse_wan(" ") is None


@given(st.integers(min_value=0, max_value=10**15))
def test_any_whole_yuan_amount_round_trips(yuan):
    wan = parse_wan(f"{yuan}元")
    assert wan * 10000 == yuan
    assert parse_wan(wan_str(wan)) == wan


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([Decimal(80), Decimal(90), Decimal(80), Decimal(70)]) == [2, 1, 2, 4]


def test_parts_that_do_not_add_up_are_a_finding():
    found = project_findings("污水厂", Decimal(100), {"中央": Decimal(60), "县级": Decimal(30), "省级": None},
                             Decimal(120))
    assert [f.kind for f in found] == ["investment_split", "completed_over_planned"]
    assert "相差 10 万元" in found[0].message
    assert project_findings("污水厂", Decimal(100), {"中央": Decimal(70), "县级": Decimal(30)}, Decimal(100)) == []
    assert project_findings("污水厂", Decimal(100), {"中央": None}, None) == []
