"""One test per kind of figure issue 16 lists, written from invented sentences (never from the
corpus): each reads the general rule, not an example."""
from decimal import Decimal

from ecociv.extraction.extract import extract


def facts(text):
    return [(f.quote, f.value, f.unit, f.comparator, f.kind) for f in extract(text)]


def test_ranks_and_rank_changes():
    assert facts("考核排名第五，居全市第三，在9个乡镇中排名第4位。") == [
        ("第五", 5, "", "=", "rank"), ("第三", 3, "", "=", "rank"), ("9个", 9, "个", "=", "quantity"),
        ("第4位", 4, "位", "=", "rank")]
    assert facts("首次进入全省前十名，较上年前进4位，另一项后退2位，上升3个位次。") == [
        ("前十名", 10, "名", "<=", "rank"), ("4位", 4, "位", "up", "rank"), ("2位", 2, "位", "down", "rank"),
        ("3个位次", 3, "个位次", "up", "rank")]
    assert facts("各县分居第二至六位。") == [("第二至六位", 2, "位", ">=", "rank")]
    (f,) = extract("全县由去年的第9名升至今年的第3名。")
    assert (f.value, f.from_value, f.comparator) == (3, 9, "up")


def test_ordinals_that_are_not_ranks_are_not_facts():
    assert facts("第一批示范县，第三轮督察，第二届论坛，第一，加强领导。") == []
    assert facts("倒数第2名，后五位城市名单。") == []


def test_chinese_numerals_with_measure_words_and_nouns_as_measure_words():
    assert facts("制定三个方案，查处七类案件，覆盖12乡镇、4省(区)，5市8县。") == [
        ("三个", 3, "个", "=", "quantity"), ("七类", 7, "类", "=", "quantity"), ("12乡镇", 12, "乡镇", "=", "quantity"),
        ("4省", 4, "省", "=", "quantity"), ("5市", 5, "市", "=", "quantity"), ("8县", 8, "县", "=", "quantity")]


def test_compound_measure_words_keep_both_parts():
    assert [(q, u) for q, _, u, _, _ in facts("检查车辆2.1万辆次，巡查船只36艘次，出动执法人员90人次、"
                                               "设备12台次，举办讲座8场次，配置监测仪4台套，重污染7天次。")] == [
        ("2.1万辆次", "万辆次"), ("36艘次", "艘次"), ("90人次", "人次"), ("12台次", "台次"), ("8场次", "场次"),
        ("4台套", "台套"), ("7天次", "天次")]


def test_changes_not_worded_tong_bi():
    assert facts("优良天数比例好于年度目标1.5个百分点，浓度改善8.2%，用水量比上年减少120万立方米。") == [
        ("1.5个百分点", Decimal("1.5"), "个百分点", "up", "quantity"), ("8.2%", Decimal("8.2"), "%", "down", "quantity"),
        ("120万立方米", 120, "万立方米", "down", "quantity")]
    got = facts("两项比例分别提高11和6.5个百分点。")
    assert [(q, v, c) for q, v, _, c, _ in got] == [("两项", 2, "="), ("11", 11, "up"),
                                                   ("6.5个百分点", Decimal("6.5"), "up")]


def test_values_without_a_unit():
    assert [(q, v, u) for q, v, u, _, _ in facts("城市空气质量综合指数为3.86，降水pH值年均值为6.02，"
                                                  "生态质量指数(EQI)值为64.18。")] == [
        ("3.86", Decimal("3.86"), ""), ("6.02", Decimal("6.02"), ""), ("64.18", Decimal("64.18"), "")]
    assert facts("综合指数2.94，同比下降0.11。")[1] == ("0.11", Decimal("0.11"), "", "down", "quantity")
    (f,) = [f for f in extract("全年AQI均值从96降至81。") if f.value == 81]
    assert (f.from_value, f.comparator) == (96, "down")


def test_latin_spelled_out_and_compound_units():
    assert [(q, u) for q, _, u, _, _ in facts("年均浓度为23.5μg/m3，一氧化碳1.1mg/m³，二氧化硫8ug/m³，"
                                               "昼间等效声级53.1dB(A)，能耗0.41吨标准煤/万元，锅炉每台10蒸吨/小时。")] == [
        ("23.5μg/m3", "μg/m3"), ("1.1mg/m³", "mg/m³"), ("8ug/m³", "ug/m³"), ("53.1dB(A)", "dB(A)"),
        ("0.41吨标准煤/万元", "吨标准煤/万元"), ("10蒸吨/小时", "蒸吨/小时")]


def test_water_classes_as_values_in_both_numeral_forms():
    assert facts("出境断面水质达到Ⅱ类标准，另一断面保持在III类，湖泊水质优于Ⅲ类。") == [
        ("Ⅱ类", 2, "类", "=", "class"), ("III类", 3, "类", "=", "class"), ("Ⅲ类", 3, "类", "<=", "class")]


def test_water_class_names_of_categories_are_not_values():
    assert facts("Ⅰ~Ⅲ类断面占80%，劣Ⅴ类比例为0，水质达到或优于Ⅲ类比例为90%。") == [
        ("80%", 80, "%", "=", "quantity"), ("0", 0, "", "=", "quantity"), ("90%", 90, "%", "=", "quantity")]


def test_durations_and_periods():
    assert facts("许可期限由5年延长至10年，连续3年稳定达标，时隔两年再次获评，三年内完成。") == [
        ("10年", 10, "年", "up", "duration"), ("3年", 3, "年", "=", "duration"), ("两年", 2, "年", "=", "duration"),
        ("三年", 3, "年", "=", "duration")]
    assert facts("过去五年，2023年，前5个月。") == []


def test_ranges_approximations_and_bounds():
    assert facts("船舶100至500总吨，淘汰35蒸吨/小时以下锅炉，约60%，近200家，1.2万余人，不低于90%。") == [
        ("100至500总吨", 100, "总吨", ">=", "quantity"), ("35蒸吨/小时以下", 35, "蒸吨/小时", "<=", "quantity"),
        ("60%", 60, "%", "=", "quantity"), ("近200家", 200, "家", "<=", "quantity"),
        ("1.2万余人", Decimal("1.2"), "万人", ">=", "quantity"), ("不低于90%", 90, "%", ">=", "quantity")]


def test_a_shared_unit_reaches_every_number_of_a_list():
    assert facts("3地浓度分别为21、25和30微克/立方米。") == [
        ("3地", 3, "地", "=", "quantity"), ("21", 21, "微克/立方米", "=", "quantity"),
        ("25", 25, "微克/立方米", "=", "quantity"), ("30微克/立方米", 30, "微克/立方米", "=", "quantity")]


def test_an_amount_written_with_wan_in_the_middle():
    assert facts("人均收入由2万1045元增长到2万3310元，口粮产量4560万斤。") == [
        ("2万1045元", 21045, "元", "=", "quantity"), ("2万3310元", 23310, "元", "=", "quantity"),
        ("4560万斤", 4560, "万斤", "=", "quantity")]
