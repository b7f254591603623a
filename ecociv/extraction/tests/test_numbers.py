"""Number reading: numerals, units as written, bounds, masks, and what is not a quantity."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecociv.extraction.numbers import NumberError, magnitude, parse_chinese, parse_number, scan, to_chinese
from ecociv.extraction.textio import matching_text


@pytest.mark.parametrize("text, value", [
    ("零", 0), ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百一十", 110), ("一百十", 110),
    ("一千二百", 1200), ("一千零五", 1005), ("一千零五十", 1050), ("两万三千", 23000), ("两百", 200),
    ("一万五", 15000), ("两百五", 250), ("三千二", 3200), ("一万零五", 10005), ("十万", 100000),
    ("一亿二千万", 120000000), ("三万亿", 3 * 10**12), ("一亿零一", 100000001),
    ("二〇一六", 2016), ("一九九八", 1998), ("三点五", Decimal("3.5")), ("零点五", Decimal("0.5")),
    ("二点八六亿", Decimal(286000000)), ("半", Decimal("0.5")), ("壹仟贰佰", 1200), ("兩萬", 20000),
])
def test_it_reads_chinese_numerals(text, value):
    assert parse_chinese(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "万", "三五十", "点五", "十二五"])
def test_it_refuses_what_is_not_a_numeral(text):
    with pytest.raises(NumberError):
        parse_chinese(text)


@pytest.mark.parametrize("text, value", [
    ("3.5万", 35000), ("2.86亿", 286000000), ("1,234.5", Decimal("1234.5")), ("5千", 5000),
    ("百分之八十", 80), ("一千二百", 1200), ("3167.6万", 31676000),
])
def test_it_reads_mixed_numerals(text, value):
    assert parse_number(text) == Decimal(value)


@given(st.integers(min_value=0, max_value=10**15))
def test_chinese_numerals_round_trip(n):
    assert parse_chinese(to_chinese(n)) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_arabic_amounts_in_text_round_trip(d):
    (q,) = [q for q in scan(f"安排资金{d}万元。") if q.is_fact]
    assert q.value == d and q.unit == "万元"


def one(text):
    facts = [q for q in scan(matching_text(text)) if q.is_fact]
    assert len(facts) == 1, facts
    q = facts[0]
    return text[q.start:q.end], q.value, q.unit, q.comparator


@pytest.mark.parametrize("text, expected", [
    ("落实建设资金3167.6万元。", ("3167.6万元", Decimal("3167.6"), "万元", "=")),
    ("引进资金2.86亿元。", ("2.86亿元", Decimal("2.86"), "亿元", "=")),
    ("日处理能力5000吨/日。", ("5000吨/日", 5000, "吨/日", "=")),
    ("处理能力达到40吨／天", ("40吨／天", 40, "吨/天", "=")),
    ("覆盖率达到80%", ("80%", 80, "%", "=")),
    ("覆盖率达到80％以上", ("80％以上", 80, "%", ">=")),
    ("满意度为百分之八十五", ("百分之八十五", 85, "%", "=")),
    ("提高了8个百分点", ("8个百分点", 8, "个百分点", "=")),
    ("散发资料1万余份", ("1万余份", 1, "万份", ">=")),
    ("投资3200多万元", ("3200多万元", 3200, "万元", ">=")),
    ("损失近300万元", ("近300万元", 300, "万元", "<=")),
    ("超过5000名志愿者", ("超过5000名", 5000, "名", ">=")),
    ("植树三千二百株", ("三千二百株", 3200, "株", "=")),
    ("投入两亿元", ("两亿元", 2, "亿元", "=")),
    ("投入三千万元", ("三千万元", 3000, "万元", "=")),
    ("新增面积10萬畝", ("10萬畝", 10, "万亩", "=")),
    ("装机容量1.5万千瓦", ("1.5万千瓦", Decimal("1.5"), "万千瓦", "=")),
    ("培训三个半小时", ("三个半小时", Decimal("3.5"), "小时", "=")),
    ("拨付5千元", ("5千元", 5000, "元", "=")),
    ("产值过亿元", ("过亿元", 1, "亿元", ">=")),
])
def test_it_reads_quantities_with_units_as_written(text, expected):
    assert one(text) == expected


def test_it_reads_ranges():
    (q,) = [q for q in scan("每户补助3-5万元") if q.is_fact]
    assert (q.value, q.value_max, q.unit, q.comparator) == (3, 5, "万元", ">=")
    (q,) = [q for q in scan("建设三到五个示范点") if q.is_fact]
    assert (q.value, q.value_max, q.unit) == (3, 5, "个")
    (q,) = [q for q in scan("下降10%~15%") if q.is_fact]
    assert (q.value, q.value_max, q.unit) == (10, 15, "%")


@pytest.mark.parametrize("text, quote", [
    ("投入20xx多万元", "20xx多万元"), ("投资XX萬元", "XX萬元"), ("占比**%", "**%"),
    ("举行了由1XX余名人士参加的活动", "1XX余名"), ("减免*个月租金", "*个月"), ("完成×××万元", "×××万元"),
])
def test_masked_figures_are_masked_never_numbers(text, quote):
    (q,) = [q for q in scan(text) if q.is_fact]
    assert text[q.start:q.end] == quote and q.masked and q.value is None


@pytest.mark.parametrize("text", [
    "2016年，我县开展创建", "XX年3月5日组织活动", "****年财政局绩效管理考评办法",
    "庆祝建党92周年", "第34个世界环境日", "坚持“三个代表”重要思想", "制定《十多十少》", "一是加强领导",
    "明确一名副县级领导", "PM2.5浓度下降", "人气:1.9W", "*-**月", "“*+*”模式", "并2挂牌督办",
    "防止二次污染", "十分重要", "近两年来", "累计发放宣传资料万余份", "折合现金万多元",
    "编制规划(XX—2020年)", "十一五期间", "*府办字〔****〕*号", "污水处理厂二期工程",
    "经过半年努力", "上半年完成", "动态清零", "零排放", "零容忍", "二〇二三年", "指标25 农业废弃物",
    "生态环境状况指数：2021年EI值", "空气质量指数AQI",
])
def test_it_finds_no_quantity_where_there_is_none(text):
    assert [text[q.start:q.end] for q in scan(text) if q.is_fact] == []


def test_magnitude_is_removed_only_for_comparing():
    assert magnitude("万元") == (Decimal(10000), "元")
    assert magnitude("亿元") == (Decimal(10**8), "元")
    assert magnitude("千瓦") == (Decimal(1), "千瓦")
    assert magnitude("万千瓦") == (Decimal(10000), "千瓦")


@pytest.mark.parametrize("text, expected", [
    # bounds: the longest word decides (不低于 is a lower bound though it ends with 低于)
    ("优良天数比例不低于92%", ("不低于92%", 92, "%", ">=")),
    ("组织宣传活动不少于50场", ("不少于50场", 50, "场", ">=")),
    ("用水量不高于40立方米", ("不高于40立方米", 40, "立方米", "<=")),
    ("目标值≥20%", ("≥20%", 20, "%", ">=")),
    ("目标值≤35微克/立方米", ("≤35微克/立方米", 35, "微克/立方米", "<=")),
    ("控制在30微克/立方米以内", ("30微克/立方米以内", 30, "微克/立方米", "<=")),
    ("逾六百万元", ("逾六百万元", 600, "万元", ">=")),
    # shares written as words
    ("覆盖半数以上社区", ("半数以上", 50, "%", ">=")),
    ("不足编制数的一半", ("一半", 50, "%", "=")),
    ("过半数村庄完成改厕", ("过半数", 50, "%", ">=")),
    ("约三分之一的村", ("三分之一", Decimal("33.33"), "%", "=")),
    ("三分之二以上的企业", ("三分之二以上", Decimal("66.67"), "%", ">=")),
    ("四分之一", ("四分之一", 25, "%", "=")),
    ("三成以上的工业炉窑", ("三成以上", 30, "%", ">=")),
    ("近两成未验收", ("近两成", 20, "%", "<=")),
    ("负荷率仅六成左右", ("六成左右", 60, "%", "=")),
    # zero and unitless index values
    ("重污染天数为零。", ("零", 0, "", "=")),
    ("劣V类水体比例降为0，", ("0", 0, "", "=")),
    ("生态环境状况指数为67.3，", ("67.3", Decimal("67.3"), "", "=")),
    ("2021年EI值為72.6，等級", ("72.6", Decimal("72.6"), "", "=")),
    ("生态环境状况指数（EI）为70。", ("70", 70, "", "=")),
    # Chinese numerals with 零, 余, and ranges
    ("一千零五十二平方公里", ("一千零五十二平方公里", 1052, "平方公里", "=")),
    ("检查涉气企业一千二百余家次", ("一千二百余家次", 1200, "家次", ">=")),
    ("入河排污口三百四十六个", ("三百四十六个", 346, "个", "=")),
])
def test_it_reads_bounds_shares_zero_and_index_values(text, expected):
    assert one(text) == expected


def test_it_reads_ranges_with_a_shared_unit():
    (q,) = [q for q in scan("实施项目85个至90个") if q.is_fact]
    assert (q.value, q.value_max, q.unit, q.comparator) == (85, 90, "个", ">=")
    (q,) = [q for q in scan("每个乡镇配备3至5名巡查员") if q.is_fact]
    assert (q.value, q.value_max, q.unit) == (3, 5, "名")
    (q,) = [q for q in scan("超过III类标准20%-35%") if q.is_fact]
    assert (q.value, q.value_max, q.unit) == (20, 35, "%")
    (q,) = [q for q in scan("新增光伏装机3至5万千瓦") if q.is_fact]
    assert (q.value, q.value_max, q.unit) == (3, 5, "万千瓦")
