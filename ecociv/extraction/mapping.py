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

    def __init__(self, indicators: list[dict], ledger: dict | None = None):
        self.terms: list[Term] = []
        self.names: dict[str, str] = {}
        for ind in indicators:
            units = _fact_units(ind.get("unit") or "")
            self.names[ind["code"]] = ind["name"]
            if not units:
                continue  # qualitative (建立/实施): no figure can be its value
            for text in dict.fromkeys([ind["name"], *ind.get("aliases", [])]):
                text = _clean_term(text)
                if len(text) >= 2:
                    self.terms.append(Term(ind["code"], ind["name"], text, units,
                                           ind.get("applies_to", "both"), _pairs(text)))
        self.ledger = ledger or {}

    @classmethod
    def from_files(cls, standard: str = "national-2019") -> Catalogue:
        return _catalogue(standard)

    def match(self, window: str, anchor: int, unit: str, region_level: str = "",
              clause: tuple[int, int] | None = None) -> list[Candidate]:
        """Candidates for a figure of `unit` at position `anchor` of `window`, best first.

        `clause`: the figure's clause within the window; a term inside it outranks one that is
        only elsewhere in the sentence (满意度为88.6%，参与度达到82%)."""
        _, base_unit = magnitude(unit)
        clause = clause or (0, len(window))
        best: dict[str, Candidate] = {}
        window_pairs = _pairs(window)
        for term in self.terms:
            if base_unit not in term.units and unit not in term.units:
                continue
            score = _term_score(term, window, window_pairs, anchor, clause)
            if not score:
                continue
            if region_level and term.applies_to not in ("both", region_level):
                score *= 0.8
            if score > (best[term.code].score if term.code in best else 0):
                best[term.code] = Candidate("indicator", score, term.code, term.name, term.text)
        out = sorted(best.values(), key=lambda c: -c.score)
        out += self._ledger(window, anchor, base_unit)
        return [c for c in sorted(out, key=lambda c: -c.score) if c.score >= CANDIDATE_THRESHOLD]

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
    for a, b in (("Ⅲ", "III"), ("Ⅴ", "V"), ("（", "("), ("）", ")")):
        text = text.replace(a, b)
    return text.strip()


def _term_score(term: Term, window: str, window_pairs: frozenset, anchor: int,
                clause: tuple[int, int]) -> float:
    i = window.rfind(term.text, 0, anchor + len(term.text))
    if i < 0:
        i = window.find(term.text, anchor)
    if i >= 0:
        end = i + len(term.text)
        distance = anchor - end if end <= anchor else max(0, i - anchor)
        near = 1 / (1 + distance / 20)
        specific = min(1.0, len(term.text) / 6)
        inside = clause[0] <= i and end <= clause[1]
        return 0.55 + 0.2 * near + 0.1 * specific + (0.15 if inside else 0)
    if len(term.pairs) < 3:
        return 0.0
    shared = len(term.pairs & window_pairs) / len(term.pairs)
    if shared < 0.6:
        return 0.0
    return 0.7 * shared


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
    # A composite indicator (7 环境空气质量) holds no value of its own: its sub-items do.
    parents = {r["code"].rsplit(".", 1)[0] for r in rows if "." in r["code"]}
    rows = [r for r in _inherit_units(rows) if r["code"] not in parents]
    ledger = yaml.safe_load((DATA_DIR / "ledger-terms.yaml").read_text(encoding="utf-8"))
    return Catalogue(rows, ledger)


def _inherit_units(rows: list[dict]) -> list[dict]:
    """Sub-items (7.1) without a unit of their own take their parent's."""
    by_code = {r["code"]: r for r in rows}
    for r in rows:
        parent = by_code.get(r["code"].rsplit(".", 1)[0]) if "." in r["code"] else None
        if parent and r["unit"] in ("", None):
            r["unit"] = parent["unit"]
    return rows
