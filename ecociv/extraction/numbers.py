"""Reading Chinese and Arabic numerals and the quantity expressions around them.

Pure code (no Django). Why our own parser rather than cn2an or jionlp: cn2an (0.5.24, checked)
reads 3167.6万元 only in `smart` mode and then returns 31676000 — the document's unit 万元 is
gone, which the review page must show as written — gives no character offsets, does not read
百分之八十 as a percentage, and knows nothing of masked figures (**, XX), ranges or the words
余/多/以上/近 that make a figure a bound. jionlp reads more but adds ~245 MB and prints a banner
on import. What extraction needs is a span, the numeral, the unit as written and the bound
words; that is this small scanner, with the numeral arithmetic in `parse_chinese`.

`scan(text)` expects text already made simplified and half-width character by character (see
`textio.matching_text`), so every span it returns is also a span of the original document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
POINT = {"点", "點"}
CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "点點"
_CN_DIGIT_LIST = "零一二三四五六七八九"


class NumberError(ValueError):
    pass


def parse_chinese(text: str) -> Decimal:
    """一千二百 → 1200, 两万三 → 23000, 三点五 → 3.5, 二〇一六 → 2016, 半 → 0.5."""
    s = text.strip()
    if not s:
        raise NumberError("空数字")
    if s == "半":
        return Decimal("0.5")
    if s[0] in BIG_UNITS or s[0] in POINT:
        raise NumberError(f"数字不能以“{s[0]}”开头：{text}")
    # 二点八六亿: integer part, digits read one by one after 点, then a trailing magnitude.
    for p in POINT:
        if p in s:
            head, _, tail = s.partition(p)
            mult = 1
            while tail and tail[-1] in BIG_UNITS:
                mult *= BIG_UNITS[tail[-1]]
                tail = tail[:-1]
            if not tail or any(ch not in DIGITS for ch in tail):
                raise NumberError(f"无法读取小数：{text}")
            whole = parse_chinese(head) if head else Decimal(0)
            frac = Decimal("0." + "".join(str(DIGITS[ch]) for ch in tail))
            return (whole + frac) * mult
    if any(ch not in DIGITS and ch not in SMALL_UNITS and ch not in BIG_UNITS for ch in s):
        raise NumberError(f"不是中文数字：{text}")
    # 二〇一六, 一九九八: digits read in sequence (years, codes).
    if len(s) > 1 and all(ch in DIGITS for ch in s):
        return Decimal("".join(str(DIGITS[ch]) for ch in s))
    yi_part = wan_part = section = 0
    number = None
    last_unit = 1
    zero_since_unit = False
    for ch in s:
        if ch in DIGITS:
            if number is not None and DIGITS[ch] != 0:
                raise NumberError(f"数字顺序不对：{text}")
            if DIGITS[ch] == 0:
                zero_since_unit = True
                number = None
                continue
            number = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            section += (1 if number is None else number) * unit
            number, last_unit, zero_since_unit = None, unit, False
        else:
            unit = BIG_UNITS[ch]
            if unit == 10**8:
                yi_part = (yi_part + wan_part + section + (number or 0)) * unit
                wan_part = 0
            else:
                wan_part = (wan_part + section + (number or 0)) * unit
            section, number, last_unit, zero_since_unit = 0, None, unit, False
    if number is not None:
        # 一万五 = 15000, 两百五 = 250: a last digit right after a unit counts in the next lower place.
        if last_unit >= 100 and not zero_since_unit:
            section += number * last_unit // 10
        else:
            section += number
    return Decimal(yi_part + wan_part + section)


def parse_arabic(text: str) -> Decimal:
    s = text.replace(",", "").replace("，", "").strip()
    try:
        return Decimal(s)
    except InvalidOperation:
        raise NumberError(f"不是数字：{text}") from None


def parse_number(text: str) -> Decimal:
    """Any numeral a document writes: 1,234.5 / 3.5万 / 2.86亿 / 一千二百 / 百分之八十 (→ 80)."""
    s = text.strip()
    if s.startswith("百分之"):
        return parse_number(s[3:])
    m = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?)([十百千]?[万萬亿億]*|[十百千])", s)
    if m:
        value = parse_arabic(m.group(1))
        for ch in m.group(2):
            value *= SMALL_UNITS.get(ch) or BIG_UNITS[ch]
        return value
    return parse_chinese(s)


def to_chinese(n: int) -> str:
    """12005 → 一万二千零五 (the form 公文 writes; used for round-trip tests and reports)."""
    if n < 0:
        return "负" + to_chinese(-n)
    if n == 0:
        return "零"
    out = _below_yi(n) if n < 10**8 else _above(n)
    return out[1:] if out.startswith("一十") else out


def _above(n: int) -> str:
    hi, lo = divmod(n, 10**8)
    out = (_below_yi(hi) if hi < 10**8 else _above(hi)) + "亿"
    if lo:
        out += ("零" if lo < 10**7 else "") + _below_yi(lo)
    return out


def _below_yi(n: int) -> str:
    hi, lo = divmod(n, 10**4)
    out = _group(hi) + "万" if hi else ""
    if lo:
        out += ("零" if hi and lo < 1000 else "") + _group(lo)
    return out


def _group(g: int) -> str:
    out, zero, started = "", False, False
    for d, u in zip((g // 1000, g // 100 % 10, g // 10 % 10, g % 10), ("千", "百", "十", "")):
        if d == 0:
            zero = zero or started
            continue
        if zero:
            out += "零"
            zero = False
        out += _CN_DIGIT_LIST[d] + u
        started = True
    return out


# --- scanning quantity expressions -------------------------------------------------------------

# Longest first so that 个百分点 wins over 个, 平方公里 over 公里, 千瓦时 over 千瓦.
UNITS = sorted({
    "%", "‰", "个百分点", "百分点",
    "元", "美元",
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "亩", "吨标准煤", "吨", "公斤", "千克",
    "千瓦时", "千瓦", "兆瓦", "公里", "千米", "米", "厘米", "毫米", "升",
    "毫克/升", "微克/立方米", "毫克/立方米", "mg/L", "μg/m³", "km", "kg", "kW", "MW", "m³", "m²",
    "人次", "人", "名", "户", "家次", "家", "个", "座", "处", "所", "条", "份", "期", "篇", "次", "场",
    "项", "件", "台", "辆", "宗", "笔", "株", "棵", "头", "只", "批", "套", "块", "间", "本",
    "册", "幅", "张", "种", "支", "部", "届", "位", "个月", "天", "小时", "分钟", "倍", "字",
    "对", "床", "栋", "艘", "架", "起", "例", "轮", "首", "盏", "眼", "段", "根", "分",
    # compound measure words (a count of visits, trips, shifts): 艘次 is not 艘
    "天次", "艘次", "个次", "台次", "航次", "河次", "场次", "辆次", "车次", "批次", "户次", "架次", "人天",
    "台套", "个位次", "位次", "延长米", "海里", "蒸吨", "总吨", "麻袋", "顶", "枚", "孔",
    # a count whose measure word is the counted noun: 11乡镇, 9省区, 5市11县, 4市州, 6地
    "乡镇", "省份", "省市", "省区", "市州", "区县", "县区", "部门", "城市", "省", "市", "县", "地",
    # Latin and spelled-out units of concentration and noise
    "ug/m³", "ug/m3", "μg/m3", "µg/m³", "µg/m3", "mg/m³", "mg/m3", "mg/kg", "μg/L", "dB(A)", "dB",
    "微克每立方米", "毫克每立方米", "毫克每升", "类", "斤",
}, key=len, reverse=True)
PER_UNITS = ["平方公里·月", "平方千米·月", "日", "天", "年", "小时", "月", "人", "亩", "平方米", "万元", "公顷",
             "立方米", "吨", "户", "平方公里", "平方千米"]
# Units written with 万/亿 in front that stay in the document's unit (3167.6万元, 10万亩).
# Every other magnitude is kept too (1万份 → 1 万份); `magnitude()` converts when comparing.
DATE_UNITS = {"年", "月", "日", "号", "周年", "年度", "季度"}
UPPER_WORDS = ("不超过", "不高于", "不大于", "不多于", "低于", "少于", "小于", "不到", "不足", "将近", "接近", "近",
               "≤", "≦", "<", "＜")
LOWER_WORDS = ("不少于", "不低于", "不小于", "超过", "高于", "多于", "大于", "至少", "逾", "≥", "≧", ">", "＞")
# Longest first across both lists: 不低于 is a lower bound although it ends with 低于.
BOUND_WORDS = sorted([(w, "<=") for w in UPPER_WORDS] + [(w, ">=") for w in LOWER_WORDS],
                     key=lambda wc: -len(wc[0]))
# Units that after a Chinese numeral are usually a word, not a count: 十分 (very), 十字, 十七大.
ARABIC_ONLY_UNITS = {"分", "字", "大", "地", "城市"}
NOUN_COUNT_UNITS = {"乡镇", "省份", "省市", "省区", "市州", "区县", "县区", "部门", "城市", "省", "市", "县", "地"}
# What after a count makes it part of a name (十四届全国人大, 四次会议, 24小时平均, 前5个月).
NAME_AFTER = {"届": ("全国", "人大", "中央", "全会", "政协", "代表"), "次": ("会议", "全会", "全体"),
              "小时": ("平均", "滑动", "值班"),
              "类": ("海水", "水质", "水体", "水", "标准", "功能区", "区", "声", "地区", "产业", "城市", ")", "人员"),
              "县": ("上", "里", "委", "政府", "直", "级", "域", "城"), "市": ("上", "里", "委", "政府", "直", "级", "域", "民"),
              "省": ("上", "里", "委", "政府", "直", "级", "域"), "分": ("局", "公司", "会", "区", "钟", "院", "队", "站")}
NOT_NEAR = ("最近", "附近", "就近", "亲近", "靠近")

_AR = r"\d+(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_MASK = r"\d*[*＊]+[\d*＊]*|\d*[xX×]{2,}\d*|\d+[xX×]+\d*"
_CN_START = "零〇○一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾兩貳陸"
_CN = rf"[{_CN_START}][{CN_CHARS}壹贰叁肆伍陆柒捌玖拾佰仟兩貳陸]*"
_UNIT = "|".join(re.escape(u) for u in UNITS)
_PER = "|".join(re.escape(u) for u in PER_UNITS)
_DATE = "周年|年度|季度|年|月|日|号"

QUANTITY_RE = re.compile(
    rf"(?P<pct>百分之|千分之)?"
    rf"(?:(?P<mask>{_MASK})|(?P<ar>{_AR})|(?P<cn>{_CN})|(?<=百分之)(?P<hundred>百))"
    rf"(?P<half>个半)?"
    rf"(?P<apx1>余|多)?"
    rf"(?P<mag>[十百千]?[万亿萬億]+|[十百千](?![瓦克米]))?"
    rf"(?P<apx2>余|多)?"
    rf"(?:(?P<date>{_DATE})|(?P<unit>(?:{_UNIT})(?:/(?:{_PER}))?)|(?P<big>大(?=[\u4e00-\u9fff]))"
    rf"|(?P<tenth>成(?![立为功本员果熟就交绩效型品长效片])))?"
    rf"(?P<post>以上|以下|以内|左右)?"
)
OVER_RE = re.compile(r"(?<=[过超破逾])(?P<mag>[万亿])(?P<unit>元|人|吨|亩|户)")
# Figures written as words: 半数/一半/过半 (50 %), 三分之一 (33.33 %), 为零 (0), and the bare value
# of an index (生态环境状况指数为67.3), which has no unit.
HALF_RE = re.compile(r"(?P<w>过半数?|半数|一半)(?![年月天日个小])(?P<post>以上|以下|左右)?")
FRACTION_RE = re.compile(rf"(?P<den>{_CN}|\d+)分之(?P<num>{_CN}|\d+(?:\.\d+)?)(?P<post>以上|以下|左右)?")
ZERO_RE = re.compile(r"(?<=[为到至])(?:零|0)(?=[，,。；;、）)\s]|$)")
INDEX_RE = re.compile(r"(?:指数|EI)值?(?:[（(]EI[）)])?(?:为|是|达到|达|保持在|保持|：|:)?\s?"
                      r"(?P<n>\d+(?:\.\d+)?)(?![\d.%‰A-Za-z\u4e00-\u9fff])")
RANGE_SEP_RE = re.compile(r"\s?(?:-|~|～|—|–|－|至|到)\s?")
QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", "\"": "\"", "《": "》", "«": "»", "〈": "〉"}
BOOK_TITLES = {"《", "«", "〈"}


@dataclass
class Quantity:
    start: int
    end: int
    value: Decimal | None
    unit: str
    comparator: str = "="
    kind: str = "quantity"  # quantity | percent | year | date | ordinal | slogan
    masked: bool = False
    value_max: Decimal | None = None
    script: str = "arabic"  # arabic | chinese | mask
    from_value: Decimal | None = None

    @property
    def is_fact(self) -> bool:
        return self.kind in ("quantity", "percent", "rank", "class", "duration")


def magnitude(unit: str) -> tuple[Decimal, str]:
    """万元 → (10000, 元): to compare 1万份 with 10000份 without changing what is shown."""
    mult = Decimal(1)
    rest = unit
    while rest and rest[0] in "十百千万亿萬億" and rest not in UNITS:
        mult *= SMALL_UNITS.get(rest[0]) or BIG_UNITS[rest[0]]
        rest = rest[1:]
    return mult, rest


def quoted_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_book_title) for each quotation or book title of at most 60 characters."""
    spans = []
    i = 0
    n = len(text)
    while i < n:
        close = QUOTES.get(text[i])
        if close:
            j = text.find(close, i + 1, min(n, i + 62))
            if j > 0 and "\n" not in text[i:j]:
                spans.append((i, j + 1, text[i] in BOOK_TITLES))
                i = j + 1
                continue
        i += 1
    return spans


def _comparator_before(text: str, start: int) -> tuple[str, int]:
    """(comparator, length of the word) for 近/超过/不少于… right before a number."""
    head = text[max(0, start - 4):start]
    for w in NOT_NEAR:
        if head.endswith(w):
            return "=", 0
    for w, comparator in BOUND_WORDS:
        if head.endswith(w):
            return comparator, len(w)
    return "=", 0


def _read(m: re.Match) -> tuple[Decimal | None, str, str]:
    """(value, unit as written incl. magnitude, script) of one QUANTITY_RE match."""
    mag = m.group("mag") or ""
    unit = m.group("unit") or ("大" if m.group("big") else "")
    if m.group("mask"):
        return None, _keep_magnitude(mag) + unit, "mask"
    if m.group("hundred"):
        return Decimal(100), "", "chinese"
    if m.group("ar"):
        value = parse_arabic(m.group("ar"))
        script = "arabic"
    else:
        raw = m.group("cn")
        # A trailing 万/亿 of a Chinese numeral is the unit's magnitude, as with 3167.6万元.
        trail = ""
        while raw and raw[-1] in BIG_UNITS and len(raw) > 1:
            trail = raw[-1] + trail
            raw = raw[:-1]
        value = parse_chinese(raw)
        mag = trail + mag
        script = "chinese"
    if m.group("half"):
        value += Decimal("0.5")
    # 5千元 → 5000 元; 2千万元 → 2000 万元: small magnitudes are multiplied, 万/亿 stay in the unit.
    while mag and mag[0] in SMALL_UNITS:
        value *= SMALL_UNITS[mag[0]]
        mag = mag[1:]
    return value, mag + unit, script


def _keep_magnitude(mag: str) -> str:
    return mag


def scan(text: str) -> list[Quantity]:
    """Every number-like expression of `text` with its kind; facts are those with `is_fact`."""
    quotes = quoted_spans(text)
    out: list[Quantity] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = QUANTITY_RE.search(text, pos)
        if not m:
            break
        if m.end() == m.start():
            pos = m.start() + 1
            continue
        q = _classify(text, m, quotes)
        pos = m.end()
        if q is None:
            q, pos = _bare_range(text, m, pos, quotes)
        if q is None:
            continue
        if q.is_fact and not q.masked:
            q, pos = _maybe_range(text, q, pos, quotes)
        out.append(q)
    for m in OVER_RE.finditer(text):
        if not any(q.start <= m.start() < q.end for q in out):
            out.append(Quantity(m.start() - 1, m.end(), Decimal(1), m.group("mag") + m.group("unit"), ">="))
    out += _word_figures(text, out, quotes)
    from ecociv.extraction import kinds  # kinds builds on this module: imported here, not at the top

    kinds.more(text, out, quotes)
    out.sort(key=lambda q: q.start)
    return out


def _word_figures(text: str, found: list[Quantity], quotes) -> list[Quantity]:
    """半数以上 → 50 % >=, 三分之二 → 66.67 %, 为零 → 0, 指数为67.3 → 67.3 (no unit)."""
    out: list[Quantity] = []

    def free(a: int, b: int) -> bool:
        return not any(q.start < b and a < q.end for q in found + out) and \
            not any(qa < a < qb for qa, qb, _ in quotes)

    def add(a: int, b: int, value: Decimal, unit: str, comparator: str, post: str | None, kind: str):
        if not free(a, b):
            return
        bound, word = _comparator_before(text, a)
        if post == "以上":
            comparator = ">="
        elif post in ("以下",):
            comparator = "<="
        elif bound != "=":
            comparator = bound
        out.append(Quantity(a - word, b, value, unit, comparator, kind=kind, script="chinese"))

    for m in HALF_RE.finditer(text):
        if m.start() and text[m.start() - 1] in "前后上下":  # 前一半, 上半数 (of a period, not a share)
            continue
        add(m.start(), m.end(), Decimal(50), "%", ">=" if m.group("w").startswith("过") else "=",
            m.group("post"), "percent")
    for m in FRACTION_RE.finditer(text):
        try:
            den, num = parse_number(m.group("den")), parse_number(m.group("num"))
        except (NumberError, InvalidOperation):
            continue
        if not den or num > den * 100:
            continue
        value = (num / den * 100).quantize(Decimal("0.01"))
        value = value.to_integral_value() if value == value.to_integral_value() else value.normalize()
        add(m.start(), m.end(), value, "%", "=", m.group("post"), "percent")
    for m in ZERO_RE.finditer(text):
        add(m.start(), m.end(), Decimal(0), "", "=", None, "quantity")
    for m in INDEX_RE.finditer(text):
        add(m.start("n"), m.end("n"), parse_arabic(m.group("n")), "", "=", None, "quantity")
    return out


def _classify(text: str, m: re.Match, quotes) -> Quantity | None:
    start, end = m.start(), m.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    raw = m.group("mask") or m.group("ar") or m.group("cn") or ""
    if (before.isascii() and before.isalpha()) or (m.group("ar") and before and before in "._/"):
        return None  # PM2.5, G209, file names
    if m.group("ar") and (after.isascii() and after.isalpha() and not m.group("unit")):
        return None
    if m.group("cn") and before and before in _CN_START:
        return None
    try:
        value, unit, script = _read(m)
    except (NumberError, InvalidOperation):
        return None
    in_quote = next((q for q in quotes if q[0] < start < q[1]), None)
    pct = m.group("pct")
    if pct:
        unit = "%" if pct == "百分之" else "‰"
        kind = "percent"
        # 百分之八十 may not be followed by a unit of its own.
        end = m.start("unit") if m.group("unit") else end
    elif m.group("date"):
        if m.group("date") == "月" and text[start - 1:start] == "个":
            return None
        is_year = m.group("date") in ("年", "年度")
        return Quantity(start, end, value, m.group("date"), kind="year" if is_year else "date",
                        masked=script == "mask", script=script)
    elif m.group("tenth"):
        if script == "mask" or unit or value > 10:
            return None
        value, unit, kind = value * 10, "%", "percent"  # 八成 = 80 %
    elif not unit:
        return None
    else:
        kind = "percent" if unit in ("%", "‰", "个百分点", "百分点") else "quantity"
    if before == "第":
        return Quantity(start - 1, end, value, unit, kind="ordinal", masked=script == "mask", script=script)
    if in_quote and (in_quote[2] or script != "arabic"):
        return Quantity(start, end, value, unit, kind="slogan", masked=script == "mask", script=script)
    if script == "chinese" and raw in ("一", "壹") and not m.group("mag") and kind != "percent" \
            and not m.group("half") and not m.group("post"):
        return None  # 一座, 一名: the article "a", not a count
    if script == "mask" and "*" not in raw and "＊" not in raw and kind != "percent" and not unit:
        return None
    if script == "chinese" and (unit in ARABIC_ONLY_UNITS or (unit == "次" and raw in "二三" and "\u4e00" <= after <= "\u9fff")):
        return None  # 十分, 十字, 二次污染, 三次产业
    if unit.endswith("分") and after == "之":
        return None  # 三分之一
    if unit == "期" and text[end:end + 2] in ("工程", "项目"):
        return None  # 二期工程: a phase, not a count
    if unit in NAME_AFTER and text.startswith(NAME_AFTER[unit], end):
        return None
    if before == "+" or (unit in NOUN_COUNT_UNITS and script == "mask"):
        return None  # 2+26城市, xx市: names
    if unit in ("名", "位") and (before == "后" or text[start - 2:start] == "倒数"):
        return None  # 后三位, 倒数第1名: counted from the bottom of an unstated total
    if unit == "届" and "\u4e00" <= after <= "\u9fff":
        return None  # 十四届全国人大: an ordinal; 已举办七届。 is a count
    if unit in ("个月", "年") and text[start - 1:start] == "前":
        return None  # 前5个月: a period
    comparator, word = _comparator_before(text, start)
    start -= word  # the quote shows 近300万元, not 300万元
    if m.group("apx1") or m.group("apx2") or m.group("post") == "以上":
        comparator = ">="
    elif m.group("post") in ("以下", "以内"):
        comparator = "<="
    return Quantity(start, end, value, unit, comparator, kind=kind, masked=script == "mask", script=script)


def _maybe_range(text: str, q: Quantity, pos: int, quotes) -> tuple[Quantity, int]:
    sep = RANGE_SEP_RE.match(text, q.end)
    if not sep:
        return q, pos
    m = QUANTITY_RE.match(text, sep.end())
    if not m or m.end() == m.start():
        return q, pos
    q2 = _classify(text, m, quotes)
    if q2 is None or not q2.is_fact or q2.masked or q2.value is None:
        return q, pos
    if q.unit and q.unit != q2.unit:
        return q, pos
    return Quantity(q.start, q2.end, q.value, q2.unit, ">=", kind=q2.kind, value_max=q2.value,
                    script=q.script), m.end()


def _bare_range(text: str, m: re.Match, pos: int, quotes) -> tuple[Quantity | None, int]:
    """3-5万元, 三到五个: the first number borrows the unit of the second."""
    if not (m.group("ar") or m.group("cn")) or any(m.group(g) for g in ("pct", "mag", "date", "unit", "big", "mask")):
        return None, pos
    if m.start() and text[m.start() - 1] == "第":
        return None, pos
    sep = RANGE_SEP_RE.match(text, m.end())
    if not sep:
        return None, pos
    m2 = QUANTITY_RE.match(text, sep.end())
    if not m2 or m2.end() == m2.start():
        return None, pos
    q2 = _classify(text, m2, quotes)
    if q2 is None or not q2.is_fact or q2.masked or q2.value is None or q2.script != (
            "arabic" if m.group("ar") else "chinese"):
        return None, pos
    try:
        lo = parse_arabic(m.group("ar")) if m.group("ar") else parse_chinese(m.group("cn"))
    except NumberError:
        return None, pos
    return Quantity(m.start(), q2.end, lo, q2.unit, ">=", kind=q2.kind, value_max=q2.value,
                    script=q2.script), m2.end()
