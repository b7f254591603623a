"""Proposing which indicator, project, fund or activity a figure belongs to.

Pure (no database): the indicator names and aliases come from the standard's files, read by
the standards loader, so `ecociv extract` works on a machine without a database. The mapper
only proposes; a person accepts on the review page.

Score of an indicator for a figure: the best of its name and aliases found in the sentence
around the figure — whole (0.6 … 1.0, more the closer it stands to the figure) or by shared
character pairs (at most 0.7, at least 60 % of the term's pairs) — and only when the
figure's unit fits the indicator's unit (a sum of money is never an indicator rate).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ecociv.extraction.numbers import magnitude

DATA_DIR = Path(__file__).resolve().parent / "data"
BEST_THRESHOLD = 0.5
CANDIDATE_THRESHOLD = 0.3
PERCENT_UNITS = {"%", "个百分点", "百分点", "‰"}
# Indicator unit → fact units (magnitude removed) that can carry it.
UNIT_FIT = {
    "%": PERCENT_UNITS,
    "平方米/人": {"平方米/人", "平方米"},
    "吨标准煤/万元": {"吨标准煤/万元", "吨标准煤"},
    "立方米/万元": {"立方米/万元", "立方米"},
    "吨/万元": {"吨/万元"},
    "公里": {"公里", "千米", "km", "米"},
    "公顷": {"公顷", "亩", "平方公里"},
    "千克": {"千克", "公斤", "kg"},
}


@dataclass
class Term:
    code: str
    name: str
    text: str
    units: set[str]
    applies_to: str = "both"
    pairs: frozenset = field(default_factory=frozenset)


@dataclass
class Candidate:
    kind: str  # indicator | fund | project | activity
    score: float
    code: str | None = None
    name: str = ""
    matched: str = ""

    def as_dict(self) -> dict:
        d = {"kind": self.kind, "score": round(self.score, 2), "name": self.name, "matched": self.matched}
        if self.code is not None:
            d["code"] = self.code
        return d


def _pairs(text: str) -> frozenset:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _fact_units(indicator_unit: str) -> set[str]:
    units: set[str] = set()
    for part in indicator_unit.split("/") if indicator_unit in ("%/-", "%/千克", "公里/公顷") else [indicator_unit]:
        units |= UNIT_FIT.get(part, {part} if part not in ("-", "") else set())
    return units


class Catalogue:
    """Indicator terms of one standard plus the ledger words, ready to score sentences."""

    def __init__(self, indicators: list[dict], ledger: dict | None = None, extra: dict | None = None,
                 parent_names: dict[str, str] | None = None):
        self.terms: list[Term] = []
        self.names: dict[str, str] = dict(parent_names or {})
        extra = extra or {}
        self.level_of: dict[str, dict] = extra.get("level_of", {})
        # Every name, also of qualitative indicators and of units no figure here fits: a clause
        # that names one has a subject of its own (单位地区生产总值能耗下降3%, 生态保护红线…).
        self.subject_names: list[str] = []
        more = extra.get("terms", {})
        for ind in indicators:
            units = _fact_units(ind.get("unit") or "")
            self.names[ind["code"]] = ind["name"]
            spec = more.get(ind["code"], {})
            names = [ind["name"], *ind.get("aliases", []), *spec.get("names", [])]
            if ind["code"] == "8.1":
                names += class_ranges("Ⅰ", "Ⅲ")
            if spec.get("units"):
                units = units | set(spec["units"])
            exact = set(spec.get("names", [])) | set(class_ranges("Ⅰ", "Ⅲ"))
            for text in dict.fromkeys(names):
                for variant in _variants(_clean_term(text)):
                    if len(variant) < 2:
                        continue
                    self.subject_names.append(variant)
                    if units:  # qualitative (建立/实施): no figure can be its value
                        # Names from indicator-terms.yaml match whole only: 细颗粒物 by character
                        # pairs would also be 可吸入颗粒物 (PM10).
                        self.terms.append(Term(ind["code"], ind["name"], variant, units,
                                               ind.get("applies_to", "both"),
                                               frozenset() if text in exact else _pairs(variant)))
        self.subject_names = sorted(set(self.subject_names), key=len, reverse=True)
        # One pattern for "does this clause name any indicator": far faster than a loop of `in`.
        self.subject_re = re.compile("|".join(re.escape(n) for n in self.subject_names))
        # Words a traditional document's conversion must leave as they are (textio.to_simplified).
        self.keep_words = (*tuple(n for n in self.subject_names if not n.isascii()), "指标")
        self.ledger = ledger or {}

    @classmethod
    def from_files(cls, standard: str = "national-2019") -> Catalogue:
        return _catalogue(standard)

    def match(self, window: str, anchor: int, unit: str, region_level: str = "",
              clause: tuple[int, int] | None = None) -> list[Candidate]:
        """Candidates for a figure of `unit` at position `anchor` of `window`, best first.

        `clause`: the figure's clause within the window; a term inside it outranks one that is
        only elsewhere in the sentence (满意度为88.6%，参与度达到82%). When the clause has a
        subject of its own (an indicator's name, or a measure word: 受污染耕地安全利用率达到93%),
        terms elsewhere in the sentence are not looked at: they name other figures. A clause
        without one (较上年提高2.1个百分点, 县城94.6%) takes the sentence's. In a list after
        分别 (秸秆、畜禽粪污、农膜综合利用率分别达到93.5%、91%和85.2%) the figure takes its item."""
        _, base_unit = magnitude(unit)
        clause = clause or (0, len(window))
        own, tail = _list_item(window, anchor, clause, self.subject_names)
        item = own + tail
        indicator_cands = self._indicators(item, len(item), unit, base_unit, region_level, (0, len(item))) \
            if item else {}
        if tail and not any(c.score >= BEST_THRESHOLD for c in indicator_cands.values()):
            indicator_cands = self._list_fallback(own, tail, unit, base_unit)
        if not indicator_cands and not own:  # a list item names its own subject (SO2 of SO2、PM2.5浓度分别为…)
            a, b = clause
            if self._has_subject(window[a:b], anchor - a):
                window, anchor, clause = window[a:b], anchor - a, (0, b - a)
            indicator_cands = self._indicators(window, anchor, unit, base_unit, region_level, clause)
        out = sorted(indicator_cands.values(), key=lambda c: -c.score)
        out += self._ledger(window, anchor, base_unit)
        return [c for c in sorted(out, key=lambda c: -c.score) if c.score >= CANDIDATE_THRESHOLD]

    def subject_start(self, s: str, clause_start: int, limit: int = 150) -> int | None:
        """Where the clause that names what a subjectless figure measures begins: the nearest
        clause before it (within its paragraph) that names an indicator or any other subject;
        None when there is none. 比例为4.9% after Ⅳ类轻度污染水质断面3个 is that section class's
        share, not the Ⅰ~Ⅲ类 share named two clauses earlier; 同比下降5.9% after PM2.5浓度为32
        is the fall of PM2.5; 较“十三五”末提升13.5个百分点 goes back past clauses that only compare."""
        end = clause_start - 1
        while end > 0 and clause_start - end < limit:
            if s[end] in "。\n！!？?":
                return None
            a = end
            while a > 0 and s[a - 1] not in CLAUSE_STOPS:
                a -= 1
            text = s[a:end]
            if self.subject_re.search(text):
                return a
            head = COMPARE_HEAD_RE.sub("", VERB_TAIL_RE.sub("", DATE_RE.sub("", FIGURE_TAIL_RE.sub("", text)).strip()))
            if len(head) > 4 and not COMPARE_HEAD_RE.match(text) and not NO_SUBJECT_HEAD_RE.match(text.strip()):
                return a  # a subject of its own (Ⅳ类轻度污染水质断面): no indicator of ours
            end = a - 1
        return None

    def _has_subject(self, clause_text: str, anchor: int) -> bool:
        """The clause names what its figure measures. A bare measure of at most 4 characters
        (培训比例达到100%, (一、二类)比例为83.5%) refers back to the sentence: no subject of its own."""
        if self.subject_re.search(clause_text):
            return True
        head = VERB_TAIL_RE.sub("", DATE_RE.sub("", clause_text[:anchor]).strip())
        if COMPARE_HEAD_RE.match(head) or head.startswith(("其中", "分别")):
            return False
        # 重污染天数同比下降39%, 二氧化硫排放量下降5.6%: a subject of its own, though not ours;
        # 比例为4.9%, 培训比例达到100%, 县城94.6%, 2022年为22% refer back.
        return len(head) > 4

    def _indicators(self, window: str, anchor: int, unit: str, base_unit: str, region_level: str,
                    clause: tuple[int, int]) -> dict[str, Candidate]:
        # A figure without a unit (为零, an index value) fits any indicator, but only by name.
        unitless = base_unit == ""
        window_pairs = _pairs(window)
        scored = []
        for term in self.terms:
            if not unitless and base_unit not in term.units and unit not in term.units:
                continue
            score, span = _term_score(term, window, window_pairs, anchor, clause)
            if not score or (unitless and span is None):
                continue
            scored.append((score, span, term))
        # Longest match wins: 自然岸线保有率 inside 河湖自然岸线保有率 is not indicator 18.
        spans = [(sp, t.code) for _, sp, t in scored if sp is not None]
        best: dict[str, Candidate] = {}
        for score, span, term in scored:
            if span is not None and any(o[0] <= span[0] and span[1] <= o[1] and o != span and code != term.code
                                        for o, code in spans):
                continue
            if region_level and term.applies_to not in ("both", region_level):
                score *= 0.8
            if score > (best[term.code].score if term.code in best else 0):
                best[term.code] = Candidate("indicator", score, term.code, term.name, term.text)
        return best

    def _list_fallback(self, own: str, tail: str, unit: str, base_unit: str) -> dict[str, Candidate]:
        """An item whose words with the shared tail make no name (农膜 + 综合利用率): the terms that
        contain the item's own words (农膜回收利用率) and end as the tail does."""
        best: dict[str, Candidate] = {}
        for term in self.terms:
            if base_unit and base_unit not in term.units and unit not in term.units:
                continue
            common = _longest_common(own, term.text)
            if len(common) < 2 or common in tail or term.text[-1] != tail[-1]:
                continue
            score = 0.5 + 0.05 * min(len(common), 4)
            if score > (best[term.code].score if term.code in best else 0):
                best[term.code] = Candidate("indicator", score, term.code, term.name, term.text)
        return best

    def _ledger(self, window: str, anchor: int, base_unit: str) -> list[Candidate]:
        out = []
        for kind, spec in self.ledger.items():
            if base_unit not in spec["units"]:
                continue
            found = []
            for w in spec["words"]:
                i = window.rfind(w, 0, anchor) if w in window[:anchor] else window.find(w, anchor)
                if i >= 0:
                    found.append((abs(anchor - i), w))
            if found:
                found.sort()
                near = 1 / (1 + found[0][0] / 25)
                score = min(0.95, 0.35 + 0.15 * len(found) + 0.25 * near)
                out.append(Candidate(kind, score, None, spec.get("label", kind), found[0][1]))
        return out


def _clean_term(text: str) -> str:
    for a, b in (("（", "("), ("）", ")")):
        text = text.replace(a, b)
    return text.strip()


_ROMAN_TO_ASCII = (("Ⅲ", "III"), ("Ⅱ", "II"), ("Ⅳ", "IV"), ("Ⅴ", "V"), ("Ⅰ", "I"))


def _variants(text: str) -> list[str]:
    """劣Ⅴ类 / 劣V类, 达到或优于Ⅲ类 / III类: documents write both; the matching copy keeps each as written."""
    ascii_form = text
    for a, b in _ROMAN_TO_ASCII:
        ascii_form = ascii_form.replace(a, b)
    roman = ascii_form
    for a, b in _ROMAN_TO_ASCII:
        roman = re.sub(rf"(?<![A-Za-z]){b}(?![A-Za-z])", a, roman)
    return list(dict.fromkeys([ascii_form, roman]))


# Words that make a clause's own subject a measure: its figure is not the sentence's other indicator.
MEASURE_RE = re.compile(r"率|比例|比重|占比|指数|浓度|能耗|用水量|满意度|参与度|覆盖度|强度")
VERB_TAIL_RE = re.compile(r"(?:分别|均|已|共|累计|同比|较上年|比上年|达到|达|为|是|了|约|近|仅|超过|保持|稳定在|"
                          r"提高到|提高|提升到|提升|上升|下降|降至|降到|控制在|不低于|不少于|不高于|不超过)+$")
CLAUSE_STOPS = "，,。；;：:！!？?\n"
# A clause that only compares (较上年, 同比, 优于年度目标) or only states a figure names no subject.
COMPARE_HEAD_RE = re.compile(r"^(?:较|比|与|同比|相比|对比|优于|好于|高于|低于|超过|低于|其中)[^，,]*$")
# Clauses that qualify or state a result without naming what is measured (扣除沙尘异常超标天后,
# 创历史最好水平, 实现“七连降”): looking back for the subject goes past them.
NO_SUBJECT_HEAD_RE = re.compile(r"^(?:扣除|剔除|除去|不含|按照|根据|截至|截止|创|实现|首次|均|位居|位列|居|达到|完成|"
                                r"超额完成|好于|优于|高于|低于|处于|保持|稳定|持续)")
DATE_RE = re.compile(r"\d{2,4}年度?|\d{1,2}[-—~至]\d{1,2}月份?|\d{1,2}月份?|\d{1,2}日|上半年|下半年|全年|今年|去年|年底|年末|"
                     r"截至目前|目前")
FIGURE_TAIL_RE = re.compile(r"[\d.]+[^\d]*$")
LIST_SPLIT_RE = re.compile(r"、|和|及|与|以及")
LIST_SEP_RE = re.compile(r"、|和|及|与")


def _list_item(window: str, anchor: int, clause: tuple[int, int], names: list[str]) -> tuple[str, str]:
    """(the item's own words, the list's shared tail) of the 分别 list item that the figure at
    `anchor` belongs to: 秸秆、畜禽粪污、农膜综合利用率分别达到93.5%、91%和85.2% → (畜禽粪污, 综合利用率)
    for 91%; ("", "") when the figure is not in such a list."""
    head = window[clause[0]:anchor]
    k = head.rfind("分别")
    if k < 0:
        return "", ""
    index = len(LIST_SEP_RE.findall(head[k + 2:]))
    items = [x.strip() for x in LIST_SPLIT_RE.split(head[:k]) if x.strip()]
    if len(items) < 2 or index >= len(items):
        return "", ""
    if all(MEASURE_RE.search(x) for x in items[:-1]):
        return items[index], ""  # full names: 优良天数比例、PM2.5浓度分别为…
    last = items[-1]
    # The tail: the longest end of the last item that ends some indicator name too (综合利用率).
    # Never inside a Latin token: PM2.5年均浓度 splits as PM2.5 + 年均浓度, not P + M2.5年均浓度.
    cut = next((i for i in range(1, len(last) - 1) if not (last[i].isascii() and last[i - 1].isascii())
                and any(n.endswith(last[i:]) for n in names)), len(last))
    own = last[:cut] if index == len(items) - 1 else items[index]
    return own, last[cut:]


def class_ranges(low: str, high: str) -> list[str]:
    """Ⅰ~Ⅲ类, Ⅰ-Ⅲ类, Ⅰ—Ⅲ类, Ⅰ至Ⅲ类, I-III类 …: one range of water classes as documents join it."""
    latin = dict(_ROMAN_TO_ASCII)
    out = []
    for a, b in ((low, high), (latin[low], latin[high])):
        for sep in ("~", "-", "—", "–", "至", "到", "－", "～"):
            out.append(f"{a}{sep}{b}类")
    return out


def _longest_common(a: str, b: str) -> str:
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def _term_score(term: Term, window: str, window_pairs: frozenset, anchor: int,
                clause: tuple[int, int]) -> tuple[float, tuple[int, int] | None]:
    """(score, span of the whole term in the window or None when matched by character pairs)."""
    i = window.rfind(term.text, 0, anchor + len(term.text))
    if i < 0:
        i = window.find(term.text, anchor)
    if i >= 0:
        end = i + len(term.text)
        distance = anchor - end if end <= anchor else max(0, i - anchor)
        near = 1 / (1 + distance / 20)
        specific = min(1.0, len(term.text) / 6)
        inside = clause[0] <= i and end <= clause[1]
        return 0.55 + 0.2 * near + 0.1 * specific + (0.15 if inside else 0), (i, end)
    if len(term.pairs) < 3:
        return 0.0, None
    # The head of a Chinese noun phrase is its end: without it (污水处理设施负荷率 for 污水处理率)
    # the words around are about something else.
    if term.text[-2:] not in window_pairs:
        return 0.0, None
    shared = len(term.pairs & window_pairs) / len(term.pairs)
    if shared < 0.6:
        return 0.0, None
    return 0.7 * shared, None


@lru_cache(maxsize=4)
def _catalogue(standard: str) -> Catalogue:
    from ecociv.standards.loader import DATA_DIR as STANDARDS_DIR
    from ecociv.standards.loader import parse_file

    path = STANDARDS_DIR / f"{standard}.yaml"
    if not path.exists():  # before the standards data is in the package
        path = Path(__file__).resolve().parents[3] / "shared" / "standards" / f"{standard}.yaml"
    rows = []
    for std in parse_file(path):
        for r in std.indicators:
            rows.append({"code": r.code, "name": r.name, "unit": r.unit, "aliases": r.aliases,
                         "applies_to": r.applies_to})
    # A composite indicator (7 环境空气质量) holds no name of its own to match: its sub-items do;
    # a level of a sub-item's quantity is proposed for it through `level_of` (indicator-terms.yaml).
    parents = {r["code"].rsplit(".", 1)[0] for r in rows if "." in r["code"]}
    parent_names = {r["code"]: r["name"] for r in rows if r["code"] in parents}
    rows = [r for r in _inherit_units(rows) if r["code"] not in parents]
    ledger = yaml.safe_load((DATA_DIR / "ledger-terms.yaml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((DATA_DIR / "indicator-terms.yaml").read_text(encoding="utf-8"))
    return Catalogue(rows, ledger, extra, parent_names)


def _inherit_units(rows: list[dict]) -> list[dict]:
    """Sub-items (7.1) without a unit of their own take their parent's."""
    by_code = {r["code"]: r for r in rows}
    for r in rows:
        parent = by_code.get(r["code"].rsplit(".", 1)[0]) if "." in r["code"] else None
        if parent and r["unit"] in ("", None):
            r["unit"] = parent["unit"]
    return rows
