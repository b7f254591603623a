"""Target evaluation: one place that decides 达标/未达标/缺失/不适用/待核实.

Pure code (no ORM) so the assessment page, the dashboard, the reports and the import
checks all judge a value the same way. Numbers are Decimal: a threshold met exactly
(95.0 against ≥95) must never fail on a float rounding.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path

import yaml


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.MET: "达标",
    Status.NOT_MET: "未达标",
    Status.MISSING: "缺失",
    Status.NOT_APPLICABLE: "不适用",
    Status.PENDING: "待核实",
}

NUMERIC_OPS = (">=", "<=", ">", "<", "=")
OPS = (*NUMERIC_OPS, "text")
# How a person reads each comparison (forms show these; files and the API keep the codes).
OP_LABELS = {">=": "≥ 不低于", "<=": "≤ 不高于", ">": "> 高于", "<": "< 低于", "=": "= 等于", "text": "文字目标（不比较数值）"}

DATA_DIR = Path(__file__).parent / "data"


def _load(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


# Region classes named in the standards' target columns, with the region attribute that
# carries them, in order of precedence (data/region-classes.yaml, with its source and flags).
_CLASSES = _load("region-classes.yaml")
CLASS_ATTRIBUTE = {c["key"]: c["attribute"] for c in _CLASSES["classes"]}
CLASS_LABELS = {c["key"]: c["label"] for c in _CLASSES["fallbacks"]} | \
    {c["key"]: c["label"] for c in _CLASSES["classes"]}
# Chinese spellings found in the standard files → canonical class.
CLASS_ALIASES = {label: key for key, label in CLASS_LABELS.items()} | {
    alias: c["key"] for c in [*_CLASSES["classes"], *_CLASSES["fallbacks"]] for alias in c.get("aliases") or []}
_PRECEDENCE = list(CLASS_ATTRIBUTE)


def normalize_class(raw: str | None) -> str:
    """Canonical region class, or raise ValueError naming what was wrong."""
    if raw is None or str(raw).strip() == "":
        return "all"
    key = str(raw).strip()
    if key in CLASS_LABELS:
        return key
    if key in CLASS_ALIASES:
        return CLASS_ALIASES[key]
    raise ValueError(f"未知的区域类别“{key}”")


@dataclass(frozen=True)
class RegionClass:
    admin_class: str = ""  # city | county
    zone: str = ""  # east | central | west
    terrain: str = ""  # mountain | hill | plain
    special_zone: str = ""  # arid | qinghai_tibet
    city_size: str = ""
    coastal: bool = False

    def has(self, region_class: str) -> bool:
        attr = CLASS_ATTRIBUTE.get(region_class)
        return attr is not None and getattr(self, attr) == region_class

    def __hash__(self) -> int:
        # Kept: targets are chosen per (indicator, class), 50,000 lookups for a province's page.
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.admin_class, self.zone, self.terrain, self.special_zone, self.city_size, self.coastal))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict:
        # String hashes differ between processes: a pickled copy computes its own.
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class TargetSpec:
    region_class: str
    op: str
    value: Decimal | None
    text: str = ""

    @cached_property  # frozen, so computed once: an assessment asks for it tens of thousands of times
    def display(self) -> str:
        if self.op == "text":  # clauses are stored split by ";", read in Chinese with "；"
            return "；".join(c.strip() for c in self.text.replace("；", ";").split(";") if c.strip()) or self.text
        symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}[self.op]
        return f"{symbol}{format_decimal(self.value)}"

    @cached_property
    def clauses(self) -> tuple[str, ...]:
        """A worded target's clauses (stored split by ";" or "；"), each judged on its own."""
        return tuple(c for c in self.text.replace("；", ";").split(";") if c.strip()) or (self.text,)

    @cached_property
    def needs_previous(self) -> bool:
        """Whether judging against this target can compare with last year's value (不降低, 逐步下降…):
        only a worded target with a trend clause does. The assessment fetches last year's values
        for these indicators alone, and looks them up for these leaves alone."""
        return self.op == "text" and any(_clause_kind(c) == "trend" for c in self.clauses)


@dataclass
class Evaluation:
    status: Status
    target: TargetSpec | None = None
    gap: Decimal | None = None
    gap_share: Decimal | None = None
    reason: str = ""
    inputs: dict = field(default_factory=dict)


def to_decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):  # first: the assessment's values already are (and Decimal == "" is slow)
        return value
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # repr round-trips: 0.1 → Decimal("0.1"), not the binary expansion.
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"“{value}”不是有效的数值") from None


def format_decimal(value: Decimal | None) -> str:
    if value is None:
        return ""
    # format "f" never uses an exponent (1E+2 → "100"); trailing zeros go below.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def select_target(targets: list[TargetSpec], region: RegionClass) -> TargetSpec | None:
    """The target whose region class matches the region; None when none does.

    `other` applies when the indicator names specific classes and none of them matches
    (生态环境状况指数: 干旱半干旱地区 ≥35, 其他地区 ≥60).
    """
    matching = [t for t in targets if t.region_class in CLASS_ATTRIBUTE and region.has(t.region_class)]
    if matching:
        return min(matching, key=lambda t: _PRECEDENCE.index(t.region_class))
    for wanted in ("other", "all"):
        for t in targets:
            if t.region_class == wanted:
                return t
    return None


# Qualitative targets are judged from what the region records (data/target-wordings.yaml).
_WORDINGS = _load("target-wordings.yaml")
SUPERIOR_TEXTS = tuple(_WORDINGS["superior"]["wordings"])
TREND_TEXTS = dict(_WORDINGS["trend"])


_SHARE_PLACES = Decimal("0.0001")
_COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "=": operator.eq}


def compare(op: str, value: Decimal, threshold: Decimal) -> bool:
    return _COMPARE[op](value, threshold)


@cache  # a pure function of the clause and the wording table; a province asks it 50,000 times
def _clause_kind(clause: str) -> str:
    clause = clause.strip()
    if any(clause.startswith(s) for s in SUPERIOR_TEXTS):
        return "superior"
    if clause in TREND_TEXTS:
        return "trend"
    return "yes_no"


def _by_flag(clause: str, achieved: bool, value=None) -> str:
    """Why a target with no number to compare is judged by the 是否完成 flag — said so that a
    falling or rising value beside a 未达标 reads as explained, not contradicted."""
    return f"“{clause.strip()}”按填报的“是否完成”判定：{'是' if achieved else '否'}"


def needs_previous(spec: TargetSpec | None) -> bool:
    """TargetSpec.needs_previous, for a target that may be missing."""
    return spec is not None and spec.needs_previous


def flag_decides(spec: TargetSpec | None, *, value=None, previous=None, assigned: TargetSpec | None = None) -> bool:
    """Whether the 是否完成 flag is needed to judge this value, by the same clause rules as
    `evaluate`: a 上级下达 clause is judged by the assigned target when there is one and a value,
    a trend clause by this year's and last year's values when both exist; anything else by the
    flag. The entry checks ask this before requiring 是否完成, so a value the verdict can judge
    without it (a fed PM2.5 share with an assigned target) is not held up for a flag."""
    if spec is None or spec.op != "text":
        return False
    number, previous = to_decimal(value), to_decimal(previous)
    for clause in spec.clauses:
        kind = _clause_kind(clause)
        if kind == "superior" and assigned is not None and assigned.value is not None and number is not None:
            continue
        if kind == "trend" and number is not None and previous is not None:
            continue
        return True
    return False


def _judge_clause(clause: str, *, value, achieved, previous, assigned, direction) -> tuple[bool | None, str]:
    kind = _clause_kind(clause)
    if kind == "superior":
        if assigned is not None and value is not None:
            ok = compare(assigned.op, value, assigned.value)
            return ok, f"上级下达目标{assigned.display}，实际{format_decimal(value)}"
        if achieved is not None:
            return achieved, _by_flag(clause, achieved, value)
        return None, "未录入上级下达的目标或完成情况"
    if kind == "trend":
        if achieved is not None and (value is None or previous is None):
            return achieved, _by_flag(clause, achieved, value)
        if value is None:
            return None, "缺少本年数值"
        if previous is None:
            return None, "缺少上年数值，无法比较"
        how = TREND_TEXTS[clause.strip()]
        if how == "improve":
            how = {"lower": "not_up"}.get(direction, "not_down")
        ok = {"down": value < previous, "up": value > previous, "not_down": value >= previous,
              "not_up": value <= previous}[how]
        return ok, f"本年{format_decimal(value)}，上年{format_decimal(previous)}"
    if achieved is None:
        return None, "未填报是否完成"
    return achieved, "已完成" if achieved else "未完成"


def evaluate(
    target: TargetSpec | list[TargetSpec] | None,
    value=None,
    region: RegionClass | None = None,
    *,
    applies_to: str = "both",
    coastal_only: bool = False,
    achieved: bool | None = None,
    previous=None,
    assigned: TargetSpec | None = None,
    direction: str = "higher",
) -> Evaluation:
    """Judge one value against its target for a region.

    `target` may be the list of an indicator's targets; the one for the region's class is
    picked. `achieved` answers yes/no targets (建立, 实施…); `previous` is last year's value
    for 不降低/逐步下降; `assigned` is the target the superior government set this region.
    """
    region = region or RegionClass()
    if applies_to in ("city", "county") and region.admin_class and region.admin_class != applies_to:
        return Evaluation(Status.NOT_APPLICABLE, reason=f"该指标仅适用于{CLASS_LABELS[applies_to]}")
    if coastal_only and not region.coastal:
        return Evaluation(Status.NOT_APPLICABLE, reason="该指标仅适用于沿海地区")
    spec = select_target(target, region) if isinstance(target, list) else target
    if spec is None:
        if isinstance(target, list) and target:
            return Evaluation(Status.NOT_APPLICABLE, reason="没有适用于该地区类别的目标值")
        return Evaluation(Status.PENDING, reason="该指标的目标值未知")
    number = to_decimal(value)
    previous = to_decimal(previous)
    inputs = {"value": format_decimal(number) if number is not None else None, "target": spec.display,
              "region_class": spec.region_class}
    if spec.op in NUMERIC_OPS:
        if spec.value is None:
            return Evaluation(Status.PENDING, spec, reason="目标值未知", inputs=inputs)
        if number is None:
            return Evaluation(Status.MISSING, spec, reason="未填报数值", inputs=inputs)
        gap = number - spec.value
        share = (gap / abs(spec.value)).quantize(_SHARE_PLACES) if spec.value != 0 else None
        ok = _COMPARE[spec.op](number, spec.value)
        return Evaluation(Status.MET if ok else Status.NOT_MET, spec, gap, share,
                          "达到目标" if ok else f"距目标差{format_decimal(abs(gap))}", inputs)
    if spec.op != "text":
        raise ValueError(f"未知的比较符“{spec.op}”")
    if number is None and achieved is None:
        return Evaluation(Status.MISSING, spec, reason="未填报", inputs=inputs)
    clauses = spec.clauses
    results = [_judge_clause(c, value=number, achieved=achieved, previous=previous, assigned=assigned,
                             direction=direction) for c in clauses]
    reasons = "；".join(r for _, r in results)
    inputs |= {"previous": format_decimal(previous) if previous is not None else None,
               "assigned": assigned.display if assigned else None, "achieved": achieved}
    if any(ok is False for ok, _ in results):
        return Evaluation(Status.NOT_MET, spec, reason=reasons, inputs=inputs)
    if any(ok is None for ok, _ in results):
        return Evaluation(Status.PENDING, spec, reason=reasons, inputs=inputs)
    gap = None
    if assigned is not None and number is not None and assigned.value is not None:
        gap = number - assigned.value
    return Evaluation(Status.MET, spec, gap, None, reasons, inputs)
