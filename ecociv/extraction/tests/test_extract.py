"""Facts from sentences the seeds do not contain: offsets, changes, ranks, masks, context."""
from ecociv.extraction.extract import extract


def facts(text):
    return [(f.quote, f.as_dict()["value"], f.unit, f.comparator) for f in extract(text)]


def test_quote_is_always_the_original_text_at_the_offsets():
    text = "2021年，全縣森林覆蓋率達到百分之六十三點五，較上年提高一點二個百分點，完成造林三千二百畝。"
    found = extract(text)
    assert found
    for f in found:
        assert text[f.start:f.end] == f.quote


def test_it_reads_changes_against_last_year():
    assert facts("全县优良天数比例同比下降17%。") == [("17%", 17, "%", "down")]
    assert facts("较上年提高3.2个百分点。") == [("3.2个百分点", 3.2, "个百分点", "up")]
    assert facts("税收收入比上年减少了约300万元。") == [("300万元", 300, "万元", "down")]


def test_a_change_verb_governs_a_whole_list():
    got = facts("教育、医疗支出同比分别增长12%、8.5%和3%，合计投入900万元。")
    assert got == [("12%", 12, "%", "up"), ("8.5%", 8.5, "%", "up"), ("3%", 3, "%", "up"),
                   ("900万元", 900, "万元", "=")]


def test_a_level_reached_is_not_a_change():
    assert facts("污水处理率由76%提高到81.5%。") == [("76%", 76, "%", "="), ("81.5%", 81.5, "%", "=")]


def test_a_rank_change_is_one_fact_and_a_rank_alone_is_a_rank():
    (f,) = extract("在全省考核中，我市由第12名提升到第1名。")
    assert (f.quote, f.value, f.from_value, f.comparator, f.kind) == ("第12名提升到第1名", 1, 12, "up", "rank")
    (f,) = extract("在全省考核中位列第3名。")
    assert (f.quote, f.value, f.kind, f.indicator) == ("第3名", 3, "rank", None)
    (f,) = extract("排名从第2位下降至第5位。")
    assert f.comparator == "down" and f.value == 5


def test_masked_figures_are_flagged_with_no_value():
    (f,) = extract("全年完成投资**亿元。")
    assert f.masked and f.value is None and f.unit == "亿元"
    assert f.as_dict()["masked"] is True and f.as_dict()["value"] is None


def test_years_dates_and_slogans_are_not_facts():
    assert extract("2019年3月12日，县委召开会议，学习“两个维护”和“四个意识”，落实《十四五规划》。") == []


def test_it_finds_the_period_and_region_of_the_document():
    text = "平安县2020年工作总结\n2020年，平安县完成植树造林1.2万亩。\n2019年，平安县完成植树造林0.8万亩。"
    got = [(f.quote, f.period, f.region) for f in extract(text)]
    assert got == [("1.2万亩", "2020", "平安县"), ("0.8万亩", "2019", "平安县")]


def test_it_proposes_the_indicator_from_the_sentence():
    (f,) = extract("全县城镇生活垃圾无害化处理率达到98%。")
    assert f.indicator == "30"
    (f,) = extract("今年县城污水集中处理率为91.2%。")
    assert f.indicator == "29"
    (f,) = extract("公众对生态文明建设的满意度为88.6%，参与度达到82%。")[1:]
    assert f.indicator == "40"


def test_money_is_never_an_indicator_value_but_a_fund_candidate():
    (f,) = extract("安排污水处理专项资金500万元。")
    assert f.indicator is None
    assert f.candidates[0]["kind"] == "fund"


def test_counts_of_publicity_are_activity_candidates():
    (f,) = extract("全年悬挂宣传横幅56条。")
    assert f.indicator is None and f.candidates[0]["kind"] == "activity"


def test_it_reads_traditional_text_with_original_offsets():
    text = "建立工作取得實效，全縣專案投資達到3.5億元，覆蓋率提高到百分之八十。"
    got = extract(text)
    assert [(f.quote, f.as_dict()["value"], f.unit) for f in got] == [("3.5億元", 3.5, "亿元"), ("百分之八十", 80, "%")]
    assert all(text[f.start:f.end] == f.quote for f in got)


def indicators(text):
    return [(f.quote, f.indicator) for f in extract(text)]


def test_a_clause_with_its_own_subject_does_not_borrow_the_next_clauses_indicator():
    got = indicators("受污染耕地安全利用率达到93%以上，危险废物利用处置率达到100%。")
    assert got == [("93%以上", None), ("100%", "14")]
    got = indicators("单位地区生产总值能耗下降3%左右，城镇污水处理率达到97%。")
    assert got == [("3%左右", None), ("97%", "29")]


def test_a_clause_without_a_subject_takes_the_sentences():
    assert indicators("空气质量优良天数比例为89.6%，较上年上升2.7个百分点。") == [
        ("89.6%", "7.1"), ("2.7个百分点", "7.1")]
    assert indicators("举办党政领导干部生态文明培训班6期，培训比例达到100%。")[-1] == ("100%", "38")
    assert indicators("近岸海域水质优良（一、二类）比例为83.5%。") == [("83.5%", "9")]


def test_a_list_after_fenbie_maps_item_by_item():
    got = indicators("秸秆、畜禽粪污、农膜综合利用率分别达到93.5%、91%和85.2%。")
    assert got == [("93.5%", "25.1"), ("91%", "25.2"), ("85.2%", "25.3")]
    got = indicators("优良天数比例、PM2.5浓度下降幅度分别为90.1%和8%。")
    assert got == [("90.1%", "7.1"), ("8%", "7.2")]


def test_the_longest_name_wins_and_roman_numerals_match_either_way():
    assert indicators("河湖自然岸线保有率达到88.5%。") == [("88.5%", "19")]
    assert indicators("大陆自然岸线保有率为41.2%。") == [("41.2%", "18")]
    # A level of the Ⅰ~Ⅲ类 share is indicator 8 (its change is 8.1), see test_command.
    assert indicators("考核断面水质达到或优于III类比例为100%，县城黑臭水体消除比例100%。") == [
        ("100%", "8"), ("100%", "8.3")]


def test_fuzzy_names_need_their_head_word():
    # 污水处理设施负荷率 is not 污水处理率; 生活污水集中收集率 is not 生活污水集中处理率.
    assert indicators("乡镇污水处理设施负荷率仅六成左右。") == [("六成左右", None)]
    assert indicators("城市生活污水集中收集率为72%。") == [("72%", None)]


def test_zero_and_index_values_map_by_name_only():
    assert indicators("劣V类水体比例为零。") == [("零", "8")]  # a level of the 8.2 quantity
    assert indicators("全年重污染天数为零。") == [("零", None)]
    assert indicators("生态环境状况指数为67.3，等级为良。") == [("67.3", "10")]
    assert indicators("国考断面优良率为91.3%。") == [("91.3%", "8")]
