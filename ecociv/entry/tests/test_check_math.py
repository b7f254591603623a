"""The pure check math (engine/checks.py): exact decimals, modified z-score."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecociv.entry.engine.checks import (
    NumberFormatError,
    Range,
    median,
    modified_z,
    out_of_range,
    outlier,
    parse_number,
    yoy_jump,
)

D = Decimal


@pytest.mark.parametrize("raw,expected", [
    ("95.5", D("95.5")), (" 1,234.50 ", D("1234.5")), ("０．５", D("0.5")), ("-3", D("-3")), ("100", D("100")),
    ("0.000001", D("0.000001")), ("", None), (None, None), (95, D("95")), (0.1, D("0.1")), ("0.00", D("0")),
])
def test_it_reads_plain_numbers_exactly(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["95%", "约95", "NaN", "inf", "1.2.3", "12,34", "0.0000001", "1" * 19, "是"])
def test_it_refuses_what_is_not_a_plain_number(raw):
    with pytest.raises(NumberFormatError):
        parse_number(raw)


def test_percent_bounds_are_inclusive():
    r = Range(D(0), D(100))
    assert out_of_range(D("100"), r) is None and out_of_range(D("0"), r) is None
    assert "超出合理范围" in out_of_range(D("100.01"), r)
    assert out_of_range(D("-0.1"), r)


def test_yoy_flags_changes_beyond_the_share():
    assert yoy_jump(D("150"), D("100"), D("0.5")) is None  # exactly 50 % is allowed
    assert "50.1%" in yoy_jump(D("150.1"), D("100"), D("0.5"))
    assert yoy_jump(D("5"), None, D("0.5")) is None
    assert "上年为0" in yoy_jump(D("5"), D("0"), D("0.5"))


def test_modified_z_uses_median_and_mad():
    # Iglewicz–Hoaglin worked example: M = 0.6745 (x − median) / MAD
    peers = [D(x) for x in ("2.1", "2.2", "2.3", "2.4", "2.5")]
    assert median(peers) == D("2.3")
    assert modified_z(D("2.5"), peers) == D("0.6745") * D("0.2") / D("0.1")


def test_one_wild_value_is_an_outlier_where_plain_z_would_miss_it():
    peers = [D(x) for x in ("50", "51", "52", "53", "54")]
    assert outlier(D("95"), peers, D("3.5"), 4)
    assert outlier(D("53.5"), peers, D("3.5"), 4) is None
    # Plain z-score on the same sample stays under 3.5 because the outlier inflates σ.
    import statistics

    sample = [float(p) for p in peers] + [95.0]
    assert abs((95 - statistics.mean(sample)) / statistics.pstdev(sample)) < 3.5


def test_too_few_peers_give_no_verdict():
    assert outlier(D("1000"), [D("1"), D("2")], D("3.5"), 4) is None


def test_identical_peers_fall_back_and_flag_a_different_value():
    peers = [D("100")] * 5
    assert outlier(D("100"), peers, D("3.5"), 4) is None
    assert "∞" in outlier(D("80"), peers, D("3.5"), 4) or "修正Z分数" in outlier(D("80"), peers, D("3.5"), 4)


decimals = st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@given(decimals)
def test_parse_round_trips_any_plain_decimal(d):
    assert parse_number(format(d, "f")) == d


@given(st.lists(decimals, min_size=3, max_size=40), decimals)
def test_modified_z_is_shift_invariant(peers, x):
    shift = D("12345.5")
    a = modified_z(x, peers)
    b = modified_z(x + shift, [p + shift for p in peers])
    if a is None or not a.is_finite():
        assert a == b
    else:
        assert abs(a - b) < D("1e-12")


@given(st.lists(decimals, min_size=5, max_size=40))
def test_the_median_is_never_an_outlier(peers):
    med = median(peers)
    z = modified_z(med, peers)
    assert z is None or z == 0


@given(st.lists(decimals, min_size=1, max_size=30))
def test_median_lies_between_min_and_max(values):
    assert min(values) <= median(values) <= max(values)
