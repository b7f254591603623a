"""Figures that are not "a number and its unit": ranks, water classes, durations, values without
a unit, and one unit shared by a list of numbers.

Pure code, called by `numbers.scan` on the same simplified, half-width copy of the text. Each
rule is written for the kind, not for a document (see tests/test_kinds.py, invented sentences):

- rank: 排名第五 / 居全市第三 / 第12名 → value 5/3/12; 前五名 → <= 5; 第三至十位 → 3 to 10;
  前进3位 / 后退6位 / 上升3个位次 → a rank change (up/down);
- water class stated as a value: 达到Ⅱ类 / 水质为III类 / 保持在II类 → 2/3/2 (unit 类; 优于 → <=);
  a class naming a category (Ⅰ~Ⅲ类断面, 劣Ⅴ类比例) is not a value;
- duration: 连续4年 / 时隔五年 / 三年内 / 4年连降 → 4/5/3 年; 由3年延长至6年 → 6 from 3;
- value without a unit: 综合指数4.48, pH值6.31, 生态质量指数(EQI)值为59.77, 同比下降0.06,
  AQI从258降至159 (→ 159 from 258, down);
- shared unit: 分别为47、55和55微克/立方米 / 10.6万、3.8万、3.3万平方公里 / 第9、12、16名.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ecociv.extraction.numbers import _UNIT, NumberError, Quantity, parse_number

_N = r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+"
_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}

# What comes right before 第N when N is a rank (排名第五, 位居全省第二, 居全市第三, 全国排第10).
RANK_CONTEXT_RE = re.compile(r"(?:排名|排在|排|位居|位列|名列|居|分居|并列|列|位于|全省|全市|全国|全区|全县|全州|"
                             r"省内|市内|区内|县内|中部|西部|东部|城市中|区县中|同比去年)[^，,。；;\n]{0,4}$")
ORDINAL_RE = re.compile(rf"第(?P<n>{_N})(?P<unit>名|位)?(?:(?P<sep>至|到|-|~|—)第?(?P<m>{_N})(?P<unit2>名|位)?)?")
# After a bare 第N: punctuation or a joining word, never a noun (第一批, 第三轮, 第二届).
RANK_END_RE = re.compile(r"(?:[、，,。；;:：)\s]|和|与|$)")
TOP_RE = re.compile(rf"前(?P<n>{_N})(?P<unit>名|位)")
RANK_MOVE_RE = re.compile(rf"(?P<verb>前进|后退|上升|下降|提升|进位|退后|退步|跃升|提高)了?(?P<n>{_N})"
                          rf"(?P<unit>个位次|位次|位|名)")
CLASS_RE = re.compile(r"(?P<pre>达到或优于|达到或好于|优于|好于|达到|首次达|稳定在|保持在|保持|达|为|是|符合|中的|中|类别\()"
                      r"(?P<roman>III|II|IV|I|V|[ⅠⅡⅢⅣⅤ])类(?!别)")
CLASS_NOT_VALUE_RE = re.compile(r"\)?(?:[^，,。；;]{0,4}(?:比例|比率|占比|占)|断面|水体|湖库|点位|水源地|个|井)")
DURATION_RE = re.compile(rf"(?P<pre>连续|时隔|经过|历时|已连续|用了|用)(?P<n>{_N})(?P<unit>年|个月)"
                         rf"|(?P<n2>{_N})(?P<unit2>年)(?=连降|连升|连增|连减|内|间)")
DURATION_CHANGE_RE = re.compile(rf"[由从](?P<a>{_N})年(?P<verb>延长|缩短|增加|减少|调整)(?:至|到|为)(?P<b>{_N})年")
UNITLESS_RE = re.compile(r"(?:指数|pH值?|PH值?|EQI|EI|AQI)\)?(?:平均|年均|均)?值?(?:为|是|达到|达|保持在|保持|:|：)?\s?"
                         r"(?P<n>\d+(?:\.\d+)?)(?![\d.%‰A-Za-z\u4e00-\u9fff/])")
CHANGE_BARE_RE = re.compile(r"(?P<verb>同比下降|同比上升|同比改善|同比增加|同比减少|下降|上升|降低|提高|改善)了?"
                            r"(?P<n>\d+\.\d+)(?![\d.%‰A-Za-z\u4e00-\u9fff/])")
FROM_TO_RE = re.compile(r"[由从](?P<a>\d+(?:\.\d+)?)(?P<verb>降至|降到|下降到|下降至|减少到|减少至|升至|升到|上升到|上升至|"
                        r"提高到|提高至|增至|增加到|增加至|提升至|提升到)(?P<b>\d+(?:\.\d+)?)(?![\d.%‰A-Za-z\u4e00-\u9fff/])")
# 1万3432元 (13432 元): a magnitude followed by the rest of the number, as people write amounts.
MIXED_RE = re.compile(rf"(?<![\d.])(?P<hi>\d{{1,4}})(?P<mag>万)(?P<lo>\d{{1,4}})(?![\d.])(?P<unit>{_UNIT})")
LIST_ITEM_RE = re.compile(r"(?P<first>第)?(?P<n>\d+(?:\.\d+)?)(?P<mag>[万亿]?)(?P<sep>、|和|及|与)$")
DOWN_WORDS = ("下降", "降低", "改善", "减少", "后退", "退后", "退步", "降至", "降到", "下降到", "下降至", "减少到", "减少至",
              "缩短")


def _num(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except (NumberError, ArithmeticError):
        return None


def _free(found: list[Quantity], a: int, b: int) -> bool:
    return not any(q.start < b and a < q.end for q in found)


def _replace(found: list[Quantity], a: int, b: int, q: Quantity) -> None:
    """Put `q` in place of what overlaps [a, b) (the scanner's reading of the same words)."""
    found[:] = [x for x in found if not (x.start < b and a < x.end)]
    found.append(q)


def more(text: str, found: list[Quantity], quotes) -> None:
    """Add (or put in place of the scanner's reading) the figures of the kinds above."""
    _mixed(text, found)
    _ranks(text, found)
    _classes(text, found)
    _durations(text, found)
    _unitless(text, found)
    _shared_units(text, found)
    found.sort(key=lambda q: q.start)


def _mixed(text: str, found: list[Quantity]) -> None:
    for m in MIXED_RE.finditer(text):
        if m.group("mag") != "万" or len(m.group("lo")) != 4:
            continue  # 1万3432元 only: 1亿2000万 and 1万500元 are written otherwise
        value = Decimal(int(m.group("hi")) * 10**4 + int(m.group("lo")))
        _replace(found, m.start(), m.end(), Quantity(m.start(), m.end(), value, m.group("unit"), "="))


def _ranks(text: str, found: list[Quantity]) -> None:
    for m in ORDINAL_RE.finditer(text):
        n = _num(m.group("n"))
        if n is None or n == 0:
            continue
        unit = m.group("unit2") or m.group("unit") or ""
        end = m.end()
        if m.group("sep") and m.group("m"):
            top = _num(m.group("m"))
            if top is None or not (m.group("unit2") or m.group("unit")):
                continue
            q = Quantity(m.start(), end, n, unit, ">=", kind="rank", value_max=top)
            _replace(found, m.start(), end, q)
            continue
        if m.group("sep"):
            end = m.start("sep")
        if text[max(0, m.start() - 2):m.start()] == "倒数":
            continue  # counted from the bottom of an unstated total
        if not unit:
            if not RANK_END_RE.match(text, end) or not RANK_CONTEXT_RE.search(text[max(0, m.start() - 12):m.start()]):
                continue
        elif not RANK_CONTEXT_RE.search(text[max(0, m.start() - 12):m.start()]) and text[end:end + 1] not in \
                "、，,。；;)和与":
            continue  # 第3名同志: a person, not a rank
        _replace(found, m.start(), end, Quantity(m.start(), end, n, unit, "=", kind="rank"))
    for m in TOP_RE.finditer(text):
        n = _num(m.group("n"))
        if n is not None and n > 0:
            _replace(found, m.start(), m.end(), Quantity(m.start(), m.end(), n, m.group("unit"), "<=", kind="rank"))
    for m in RANK_MOVE_RE.finditer(text):
        n = _num(m.group("n"))
        if n is None:
            continue
        cmp = "down" if m.group("verb") in DOWN_WORDS else "up"
        if m.group("verb") in ("上升", "下降", "提升", "提高") and m.group("unit") in ("位", "名") \
                and "排" not in text[max(0, m.start() - 12):m.start()]:
            continue  # 上升5名 without a ranking nearby: a count of people
        a = m.start("n")
        _replace(found, a, m.end(), Quantity(a, m.end(), n, m.group("unit"), cmp, kind="rank"))


def _classes(text: str, found: list[Quantity]) -> None:
    for m in CLASS_RE.finditer(text):
        a, b = m.start("roman"), m.end()
        if text[a - 1:a] == "劣" or (text[a - 1:a] in ("~", "-", "—", "–", "至", "到") and text[a - 2:a - 1] in "ⅠⅡⅢⅣⅤIV"):
            continue
        if text[m.start("pre") - 1:m.start("pre")].isascii() and text[m.start("pre") - 1:m.start("pre")].isalpha():
            continue
        if CLASS_NOT_VALUE_RE.match(text, b):
            continue
        if m.group("pre") in ("中", "中的", "是") and not text.startswith(("水质标准", "标准"), b):
            continue
        if not _free(found, a, b):
            continue
        cmp = "<=" if m.group("pre") in ("达到或优于", "达到或好于", "优于", "好于") else "="
        found.append(Quantity(a, b, Decimal(_ROMAN[m.group("roman")]), "类", cmp, kind="class"))


def _durations(text: str, found: list[Quantity]) -> None:
    for m in DURATION_CHANGE_RE.finditer(text):
        a, b = _num(m.group("a")), _num(m.group("b"))
        if a is None or b is None:
            continue
        q = Quantity(m.start("b"), m.end(), b, "年", "down" if m.group("verb") in DOWN_WORDS or b < a else "up",
                     kind="duration")
        q.from_value = a
        _replace(found, m.start(), m.end(), q)
    for m in DURATION_RE.finditer(text):
        g = "n" if m.group("n") else "n2"
        n = _num(m.group(g))
        unit = m.group("unit") or m.group("unit2")
        if n is None or n <= 0 or n >= 100:
            continue
        a, b = m.start(g), m.end("unit" if m.group("unit") else "unit2")
        if any(x.start <= a and b <= x.end and x.kind == "duration" for x in found):
            continue
        _replace(found, a, b, Quantity(a, b, n, unit, "=", kind="duration"))


def _unitless(text: str, found: list[Quantity]) -> None:
    for m in UNITLESS_RE.finditer(text):
        a, b = m.start("n"), m.end("n")
        if _free(found, a, b):
            found.append(Quantity(a, b, _num(m.group("n")), "", "=", kind="quantity"))
    for m in CHANGE_BARE_RE.finditer(text):
        a, b = m.start("n"), m.end("n")
        if _free(found, a, b):
            found.append(Quantity(a, b, _num(m.group("n")), "", "=", kind="quantity"))
    for m in FROM_TO_RE.finditer(text):
        a, b = _num(m.group("a")), _num(m.group("b"))
        if a is None or b is None or not _free(found, m.start("a"), m.end()):
            continue
        q = Quantity(m.start("b"), m.end("b"), b, "", "down" if m.group("verb") in DOWN_WORDS else "up")
        q.from_value = a
        found.append(q)


def _shared_units(text: str, found: list[Quantity]) -> None:
    """47、55和55微克/立方米: each bare number before a figure with a unit takes that unit."""
    for q in list(found):
        if not q.is_fact or q.masked or q.value_max is not None or (not q.unit and q.kind != "rank"):
            continue
        pos = q.start
        chain = []
        while True:
            m = LIST_ITEM_RE.search(text, max(0, pos - 16), pos)
            if not m or m.end() != pos:
                break
            a = m.start()
            if a and (text[a - 1].isascii() and (text[a - 1].isalnum() or text[a - 1] in "._+")):
                break  # SO2、PM2.5: names, not figures
            held = next((x for x in found if x.start == a and x is not q), None)
            if held is not None:
                if held.kind == "rank" and not held.unit and m.group("first"):
                    held.unit = q.unit  # 第9、12、16名: the rank found alone takes the list's unit
                    q.kind = "rank"
                elif held.unit in ("万", "亿") and q.unit.startswith(held.unit) and len(q.unit) > 1:
                    held.unit = q.unit  # 10.6万、3.3万平方公里
                    held.comparator = q.comparator
                    pos = a
                    continue
                break
            if not _free(found, a, m.end("mag") or m.end("n")):
                break
            chain.append(m)
            pos = a
            if m.group("first"):
                break
        if not chain:
            continue
        mag_of_unit = q.unit[:1] if q.unit[:1] in "万亿" else ""
        first_is_rank = bool(chain[-1].group("first"))
        for m in chain:
            value = _num(m.group("n"))
            if value is None:
                continue
            mag = m.group("mag")
            if mag and mag != mag_of_unit:
                continue
            unit = q.unit  # 3、5万元: the magnitude is shared too
            start = m.start() if m.group("first") else m.start("n")
            kind = "rank" if first_is_rank or q.kind == "rank" else q.kind
            found.append(Quantity(start, m.end("mag") if mag else m.end("n"), value, unit, q.comparator, kind=kind))
        if first_is_rank and q.kind != "rank":
            q.kind = "rank"
