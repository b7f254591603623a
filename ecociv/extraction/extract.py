"""Finding the quantitative facts of a document: what the review page proposes, one by one.

Pure (no database). `extract(text)` returns `Fact`s whose `start`/`end` are character offsets
into `text` as given (the original, traditional or simplified): `text[start:end] == quote`.

What a fact's fields mean (also the JSON of `ecociv extract FILE --json`):
- `value` is in `unit` as the document writes it: 3167.6万元 is 3167.6 with unit 万元, 1万余份
  is 1 with unit 万份. A range (3-5万元) has `value` 3, `value_max` 5 and comparator `>=`.
- `comparator`: `=` a level; `>=`/`<=` a bound (余, 多, 以上, 超过 / 近, 不到, 以下);
  `up`/`down`: `value` is a change (同比增长17%, 较上年提高3.2个百分点, 减收300万元).
- A masked figure (**, XX, ××, 20xx) is a fact with `masked: true` and `value: null`: the
  reviewer sees that the document had a figure there, and nothing unreadable becomes a number.
- A rank change (由第12名提升到第1名) has `kind: "rank"`, `value` the rank reached, `from_value`
  the rank before, and comparator `up` (a better, i.e. smaller, rank) or `down`. Ranks alone,
  ordinals (第34个), years (2016年), dates and figures inside slogans or titles
  (“三个代表”, 《十多十少》) are not facts.
- `period` is the year (or 五年规划 span) the fact is about: the nearest year before it in its
  paragraph, else the document's year; null when that year is masked or absent.
- `region` is the place the document is about (the most often named county/city/district),
  unless the sentence names another one.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from ecociv.core import years
from ecociv.extraction import numbers
from ecociv.extraction.mapping import BEST_THRESHOLD, Catalogue
from ecociv.extraction.textio import matching_text

CLAUSE_BREAKS = "，,。；;：:！!？?\n（）()"
MAP_CLAUSE_BREAKS = "，,。；;：:！!？?\n"
SENTENCE_BREAKS = "。；;！!？?\n"
UP_VERBS = ("增长", "增加", "提高", "上升", "提升", "增收", "扩大", "上涨", "升高", "增幅", "涨幅", "多增")
DOWN_VERBS = ("下降", "减少", "降低", "下滑", "减收", "回落", "缩小", "压减", "削减", "减幅", "降幅", "下跌",
              "压缩", "少", "改善")
CHANGE_RE = re.compile("|".join(sorted(UP_VERBS + DOWN_VERBS, key=len, reverse=True)))
# What may stand between a change verb and its figure: 同比下降了约17%, 增长幅度为5%.
FILLER_RE = re.compile(r"^(?:了|分别|约|为|达到?|幅度|百分之|近|超过|不到|共|累计|合计)*$")
LEVEL_AFTER_VERB = ("到", "至")
LIST_JOIN_RE = re.compile(r"^(?:、|和|及|与|以及)$")
RANK_VERB_RE = re.compile(r"提升|上升|跃居|跃升|前进|提高|升至|升到|进位|晋升|下降|降至|降到|后退|滑落|跌至|退至")
FIVE_YEAR_RE = re.compile(r"(十[一二三四五六七八九]|[二三]十[一二三四五六七八九]?)五(?:”|\")?(?:期间|时期|规划|末|初)?")
REGION_RE = re.compile(r"([\u4e00-\u9fff]{2})(县|市|区|旗|州)")
REGION_STOP = {
    "全县", "我县", "本县", "该县", "各县", "全市", "我市", "本市", "该市", "各市", "城市", "都市", "县市",
    "全区", "我区", "本区", "该区", "社区", "景区", "城区", "园区", "地区", "山区", "片区", "辖区", "市区",
    "示范", "保护", "开发", "功能", "生态", "风景", "工业", "经济", "库区", "灾区", "贫困", "一体", "上级",
    "县城", "县委", "县直", "市委", "市直", "省市", "乡镇", "镇区", "城镇", "试点", "重点", "集中", "新区",
    "全州", "本州", "该州", "自治", "个县", "个市", "个区", "级市", "建设", "区域", "主城", "老城", "新城",
}
REGION_STOP |= {"园区", "社区", "地区", "城区", "景区", "山区", "片区", "辖区", "市区", "新区", "库区", "灾区",
                "市场", "市民", "市政", "县城", "县里", "县外", "县域", "县级", "县直", "县委", "区域", "区位",
                "市级", "市委", "市直", "州市", "市县", "县区", "区县", "区内", "县内", "市内"}
FUNCTION_CHARS = set("了的在对向为由从是和与及着过把被将等个各全我本该其这那此之于以")
# Kinds whose comparator the scanner settled (a rank change, a class 优于, a duration).
OWN_COMPARATOR = ("rank", "class", "duration")
CN_FIVE_YEAR = {"十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15, "十六": 16}


@dataclass
class Fact:
    quote: str
    start: int
    end: int
    subject: str
    value: Decimal | None
    unit: str
    comparator: str
    period: str | None = None
    region: str | None = None
    indicator: str | None = None
    candidates: list[dict] = field(default_factory=list)
    masked: bool = False
    kind: str = "quantity"
    value_max: Decimal | None = None
    from_value: Decimal | None = None
    sentence: str = ""
    explanation: str = ""

    def as_dict(self) -> dict:
        d = {
            "quote": self.quote, "start": self.start, "end": self.end, "subject": self.subject,
            "value": _num(self.value), "unit": self.unit, "comparator": self.comparator,
            "period": self.period, "region": self.region, "indicator": self.indicator,
            "candidates": self.candidates, "masked": self.masked, "kind": self.kind,
            "explanation": self.explanation,
        }
        if self.value_max is not None:
            d["value_max"] = _num(self.value_max)
        if self.from_value is not None:
            d["from_value"] = _num(self.from_value)
        return d


def _num(v: Decimal | None):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def extract(text: str, catalogue: Catalogue | None = None, regions: list[str] | None = None) -> list[Fact]:
    """`regions`: known region names (from the database) to recognise besides the …县/市/区 pattern."""
    catalogue = catalogue or Catalogue.from_files()
    s = matching_text(text, catalogue.keep_words)
    tokens = numbers.scan(s)
    doc_year, year_marks = _years(s, tokens)
    doc_region, region_marks = _regions(s, regions or [])
    region_level = {"县": "county", "旗": "county", "市": "city", "区": "county"}.get(doc_region[-1:], "") \
        if doc_region else ""
    facts: list[Fact] = []
    previous: numbers.Quantity | None = None
    previous_cmp = "="
    for q in tokens:
        if not q.is_fact:
            continue
        if q.kind in OWN_COMPARATOR or q.comparator in ("up", "down"):
            comparator = q.comparator
        else:
            comparator = _change(s, q, previous, previous_cmp)
        previous, previous_cmp = q, comparator
        f = _fact(text, s, q.start, q.end, q.value, q.unit, comparator, q.masked, q.kind, q.value_max)
        f.from_value = q.from_value
        facts.append(f)
    moves = _ranks(text, s, tokens)
    merged = {(a, b) for f in moves for a, b in [(f.start, f.end)]}
    facts = [f for f in facts if not any(a <= f.start and f.end <= b for a, b in merged)] + moves
    facts.sort(key=lambda f: f.start)
    for f in facts:
        f.period = _period(f.start, s, year_marks, doc_year)
        f.region = _region_for(f.start, s, region_marks, doc_region)
        _map(f, s, catalogue, region_level)
    return facts


def _fact(text, s, start, end, value, unit, comparator, masked, kind, value_max=None) -> Fact:
    sent_start, sent_end = _bounds(s, start, end, SENTENCE_BREAKS)
    return Fact(quote=text[start:end], start=start, end=end, subject=_subject(text, s, start, end),
                value=value, unit=unit, comparator=comparator, masked=masked,
                kind="quantity" if kind == "percent" else kind, value_max=value_max,
                sentence=text[sent_start:sent_end])


def _bounds(s: str, start: int, end: int, breaks: str, limit: int = 200) -> tuple[int, int]:
    a = start
    while a > 0 and s[a - 1] not in breaks and start - a < limit:
        a -= 1
    b = end
    while b < len(s) and s[b] not in breaks and b - end < limit:
        b += 1
    return a, b


def _change(s: str, q: numbers.Quantity, previous: numbers.Quantity | None, previous_cmp: str) -> str:
    """up/down when a change verb governs the figure, else its own bound comparator."""
    if previous is not None and previous_cmp in ("up", "down") and LIST_JOIN_RE.match(s[previous.end:q.start]):
        return previous_cmp  # 同比分别增加1695万元、180万元 …: the verb governs the whole list
    clause_start, _ = _bounds(s, q.start, q.end, CLAUSE_BREAKS)
    head = s[clause_start:q.start]
    last = None
    for m in CHANGE_RE.finditer(head):
        last = m
    if last is None:
        return _compared(head, q)
    between = head[last.end():]
    if between[:1] in LEVEL_AFTER_VERB or (last.group() == "少" and between):
        return q.comparator  # 提高到80%: the level reached, not the change
    if FILLER_RE.match(between):
        if last.group() == "改善":  # of a concentration (改善16.7%) a fall; of a share in points a rise
            return "up" if q.unit in ("个百分点", "百分点") else "down"
        return "up" if last.group() in UP_VERBS else "down"
    return q.comparator


COMPARED_RE = re.compile(r"(好于|优于|高于|高出|超出|超过|低于|差于)([^，,。；;\d]{0,8}(?:目标值?|平均水平|平均值|"
                         r"同期|上年|去年|要求|控制值|考核值)[)(\d.%微克/立方米]*)$")


def _compared(head: str, q: numbers.Quantity) -> str:
    """好于年度目标1.5个百分点, 高出全国平均水平6.5个百分点: a difference against a reference,
    read as a change; of a concentration, 优于 means lower (优于年度目标2.9微克/立方米)."""
    m = COMPARED_RE.search(head)
    if m is None:
        return q.comparator
    word = m.group(1)
    if q.unit in ("个百分点", "百分点", "%"):
        return "down" if word in ("低于", "差于") else "up"
    if word in ("好于", "优于") and q.unit:
        return "down"
    return q.comparator


def _ranks(text: str, s: str, tokens: list[numbers.Quantity]) -> list[Fact]:
    """由第12名提升到第1名, 从去年的30名提升至今年的17名: the rank reached, with the rank before it."""
    ords = [q for q in tokens if q.kind in ("ordinal", "rank", "quantity") and q.unit in ("名", "位") and not q.masked
            and q.value_max is None]
    out = []
    for a, b in pairwise(ords):
        between = s[a.end:b.start]
        if len(between) > 14 or any(ch in between for ch in SENTENCE_BREAKS + "，,") or not RANK_VERB_RE.search(between):
            continue
        head = s[max(0, a.start - 15):a.start]
        if "由" not in head and "从" not in head and "比" not in head:
            continue
        comparator = "up" if b.value < a.value else "down"
        f = _fact(text, s, a.start, b.end, b.value, b.unit, comparator, False, "rank")
        f.from_value = a.value
        out.append(f)
    return out


def _subject(text: str, s: str, start: int, end: int) -> str:
    """The clause around the figure, without the figure: what the figure is about."""
    a, b = _bounds(s, start, end, CLAUSE_BREAKS + "、", limit=40)
    before = text[a:start].strip()
    after = text[end:b].strip()
    before = re.sub(r"(分别|均|已|共|累计|同比|达到|达|为|是|了|约|近|超过|完成|增长|增加|下降|减少|提高)+$", "", before)
    return (before + ("…" if before and after else "") + after)[:60]


def _years(s: str, tokens: list[numbers.Quantity]) -> tuple[str | None, list[tuple[int, str | None]]]:
    marks: list[tuple[int, str | None]] = []
    titles = [(a, b) for a, b, book in numbers.quoted_spans(s) if book]
    for q in tokens:
        if q.kind != "year" or q.unit != "年" or any(a < q.start < b for a, b in titles):
            continue  # a year in a title (《规划(2016—2020年)》) is not the year of the facts
        if q.masked:
            marks.append((q.start, None))
        elif q.value is not None and years.in_range(q.value):
            marks.append((q.start, str(int(q.value))))
    for m in FIVE_YEAR_RE.finditer(s):
        n = CN_FIVE_YEAR.get(m.group(1))
        if n:
            first = 1981 + 5 * (n - 6)
            marks.append((m.start(), f"{first}-{first + 4}"))
    marks.sort()
    # The first year near the top is the document's year; a masked one (XX年) means unknown.
    head = [y for pos, y in marks if pos < 300]
    counted = Counter(y for _, y in marks if y)
    doc_year = head[0] if head else (counted.most_common(1)[0][0] if counted else None)
    return doc_year, marks


def _period(pos: int, s: str, marks, doc_year: str | None) -> str | None:
    para_start = s.rfind("\n", 0, pos) + 1
    found = None
    for p, y in marks:
        if p >= pos:
            break
        if p >= para_start:
            found = (p, y)
    if found is not None:
        return found[1]
    return doc_year


def _regions(s: str, known: list[str]) -> tuple[str | None, list[tuple[int, str]]]:
    """Names like 渭源县 named at least twice (or known from the database), and the most named one."""
    marks: list[tuple[int, str]] = []
    for m in REGION_RE.finditer(s):
        name, suffix = m.group(1), m.group(2)
        after = s[m.end():m.end() + 1]
        if name in REGION_STOP or name[-1] + suffix in REGION_STOP or set(name) & FUNCTION_CHARS \
                or suffix + after in REGION_STOP:
            continue
        marks.append((m.start(), m.group()))
    counted = Counter(name for _, name in marks)
    marks = [(p, name) for p, name in marks if counted[name] >= 2]
    for name in known:
        marks += [(m.start(), name) for m in re.finditer(re.escape(name), s)]
    marks.sort()
    best = Counter(name for _, name in marks).most_common(1)
    return (best[0][0] if best else None), marks


def _region_for(pos: int, s: str, marks, doc_region: str | None) -> str | None:
    a, b = _bounds(s, pos, pos, SENTENCE_BREAKS)
    inside = {name for p, name in marks if a <= p < b}
    return inside.pop() if len(inside) == 1 else doc_region


def _map(f: Fact, s: str, catalogue: Catalogue, region_level: str) -> None:
    if f.kind in OWN_COMPARATOR:
        f.explanation = {"rank": "名次不是指标值", "class": "水质类别，不是指标的比例值",
                         "duration": "时长，不是指标值"}[f.kind]
        return
    a, b = _bounds(s, f.start, f.end, SENTENCE_BREAKS, limit=80)
    # A clause for naming runs over parentheses: 水质优良(Ⅰ至Ⅲ类)湖库个数占比80.3% is one subject.
    ca, cb = _bounds(s, f.start, f.end, MAP_CLAUSE_BREAKS, limit=80)
    ca = _enumeration_item(s, ca, f.start, catalogue)
    where = "同一分句"
    if not catalogue._has_subject(s[ca:cb], f.start - ca):
        sa = catalogue.subject_start(s, ca)
        if sa is not None:
            a, ca = min(a, sa), sa
            where = f"前文“{s[sa:min(sa + 16, f.start)].strip()}…”"
        else:
            where = "本句"
    window = s[a:b]
    anchor = f.start - a
    cands = catalogue.match(window, anchor, f.unit, region_level, (ca - a, cb - a))
    best = next((c for c in cands if c.kind == "indicator"), None)
    if best is not None and best.score >= BEST_THRESHOLD:
        f.indicator = best.code
        cands = [c for c in cands if c is not best]
        f.explanation = f"“{best.matched}”是指标 {best.code} {best.name} 的名称（{where}）"
        _level_or_change(f, catalogue)
    elif best is not None:
        f.explanation = f"最接近的是 {best.code} {best.name}（“{best.matched}”），把握不足，未采用"
    else:
        f.explanation = "句中没有单位相符的指标名称"
    f.candidates = [c.as_dict() for c in cands[:5]]


def _enumeration_item(s: str, ca: int, start: int, catalogue: Catalogue) -> int:
    """PM2.5浓度同比下降4%、重污染天数同比减少6%: after a figure and 、 a new item with a subject of
    its own begins; the figure of that item is about it, not about the clause's first words."""
    head = s[ca:start]
    for m in reversed(list(re.finditer(r"(?<=[\d%])、", head))):
        item = head[m.end():]
        if catalogue._has_subject(item, len(item)):
            return ca + m.end()
        break
    return ca


def _level_or_change(f: Fact, catalogue: Catalogue) -> None:
    """A level of a quantity whose change is a sub-indicator goes to the level's indicator."""
    rule = catalogue.level_of.get(f.indicator or "")
    if not rule:
        return
    _, base = numbers.magnitude(f.unit)
    change = f.comparator in ("up", "down") and (base in rule["change_units"] or f.unit in rule["change_units"])
    sub = f"{f.indicator} {catalogue.names.get(f.indicator, '')}"
    level = f"{rule['level']} {catalogue.names.get(rule['level'], '')}"
    if change:
        f.explanation += f"；此数是变化量（{'上升' if f.comparator == 'up' else '下降'}），取 {sub}，而非水平值所属的 {level}"
    else:
        f.explanation += f"；此数是该量本身的水平值，不是变化量，取 {level}，而非 {sub}"
        f.indicator = rule["level"]
