"""The one assessment: per indicator status, value, target applied, gap and trend; the verdict.

`assess(region, year)` for one region-year, `assess_many(regions, years)` for a matrix or a
province: both run the same code over data fetched in a constant number of queries (8, whatever
the number of regions and years), so the 100-county page costs what one county costs plus
the arithmetic. Pages, API, command line, exports and reports call these and nothing else.

Rules of judgement (see ../shared/standards/ and the rules file):
- only an approved (已审核) value is final; a submitted one makes the indicator 待核实 (its
  would-be gap is still shown); a draft or returned one counts as not filled (缺失);
- the standard and the target are standards.resolve's (the catalogue's for the region's class,
  replaced by a local override; a superior-assigned target feeds 完成上级规定的考核任务), as on
  the entry page, in the checks, the template, the API and the feed;
- last year's approved value feeds 不降低 / 逐步下降 / 保持稳定或持续改善;
- a composite indicator (7 → 7.1, 7.2) is met when every applicable sub-item is met.
"""
from __future__ import annotations

import bisect
import gc
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import FloatField, Q
from django.db.models.functions import Cast

from ecociv.assessment.models import FactKind, FactState, RegionYearFact
from ecociv.assessment.rules import Rules, load_rules
from ecociv.assessment.trend import Trend, TrendResult, trend_of_sorted
from ecociv.core.targets import (
    CLASS_LABELS,
    NUMERIC_OPS,
    Status,
    TargetSpec,
    evaluate,
    format_decimal,
    needs_previous,
)
from ecociv.entry.models import IndicatorValue, ValueStatus
from ecociv.regions.models import Region
from ecociv.standards.models import Indicator, Standard, Target
from ecociv.standards.resolve import Applied, Resolver

TYPE_LABELS = {"binding": "约束性", "reference": "参考性", "": "属性未知"}
# Worst first: a composite's trend is its weakest sub-item's.
TREND_ORDER = [Trend.DETERIORATING, Trend.LIMITED, Trend.ACCELERATE, Trend.ON_TRACK, Trend.ACHIEVED]
VALUE_STATUS_REASON = {ValueStatus.DRAFT: "数值为草稿，尚未提交", ValueStatus.RETURNED: "数值已退回修改，尚未重新提交"}


@dataclass
class IndicatorResult:
    indicator: Indicator
    status: Status
    value: Decimal | None = None
    achieved: bool | None = None
    text_value: str = ""
    value_status: str = ""  # the IndicatorValue's workflow status, "" when nothing was entered
    target: TargetSpec | None = None
    target_source: str = ""  # catalogue | override (standards.resolve)
    applied: Applied | None = None  # the resolver's answer, when a target was applied
    assigned: TargetSpec | None = None
    gap: Decimal | None = None
    gap_share: Decimal | None = None
    reason: str = ""
    inputs: dict = field(default_factory=dict)
    trend: TrendResult | None = None
    sub_items: list[IndicatorResult] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def type(self) -> str:
        return self.indicator.type or (self.indicator.parent.type if self.indicator.parent_id else "")

    @property
    def area(self) -> str:
        ind = self.indicator
        return ind.area or (ind.parent.area if ind.parent_id else "") or "（领域未知）"

    @property
    def lead_department(self) -> str:
        ind = self.indicator
        return ind.lead_department or (ind.parent.lead_department if ind.parent_id else "")

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def target_display(self) -> str:
        if self.sub_items:
            return "见分项"
        return self.target.display if self.target else ""

    @property
    def target_label(self) -> str:
        """Where the target came from, in words: 国家标准（2019年版·县） / 本地从严（依据：…）；上级下达…"""
        return self.applied.source_text if self.applied is not None and not self.sub_items else ""

    @property
    def region_class(self) -> str:
        return self.target.region_class if self.target else ""

    @property
    def region_class_label(self) -> str:
        if not self.target:
            return ""
        if self.target_source == "override":
            return "地方目标"
        return CLASS_LABELS.get(self.target.region_class, self.target.region_class)

    @property
    def applicable(self) -> bool:
        return self.status != Status.NOT_APPLICABLE

    def rows(self):
        """This result and its sub-items, in table order."""
        yield self
        yield from self.sub_items


@dataclass
class Blocker:
    code: str
    name: str
    reason: str
    kind: str  # indicator | reference_share | precondition | veto | type_unknown

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "reason": self.reason, "kind": self.kind}


@dataclass
class ConditionState:
    code: str
    name: str
    kind: str
    verified: bool
    state: str  # satisfied | unsatisfied | triggered | clear | unknown
    label: str
    year: int | None = None
    source_document: str = ""
    note: str = ""


@dataclass
class Assessment:
    region: Region
    year: int
    standard: Standard | None
    rules: Rules
    indicators: list[IndicatorResult]
    summary: dict
    blocking: list[Blocker]
    warnings: list[str]
    conditions: list[ConditionState]

    @property
    def verdict(self) -> str:
        return "pass" if not self.blocking else "fail"

    @property
    def verdict_label(self) -> str:
        return "具备申报条件" if self.verdict == "pass" else "暂不具备申报条件"

    def rows(self):
        for r in self.indicators:
            yield from r.rows()

    def by_area(self) -> dict[str, dict]:
        """Counts of top-level statuses per area, in catalogue order."""
        out: dict[str, dict] = {}
        for r in self.indicators:
            c = out.setdefault(r.area, {s.value: 0 for s in Status} | {"applicable": 0})
            c[r.status.value] += 1
            c["applicable"] += r.applicable
        return out


# ---------------------------------------------------------------------------------------------

def assess(region: Region, year: int, *, rules: Rules | None = None) -> Assessment:
    return assess_many([region], [year], rules=rules)[(region.pk, year)]


def assess_many(regions, years, *, rules: Rules | None = None, with_trend: bool = True
                ) -> dict[tuple[int, int], Assessment]:
    """Assessments keyed by (region pk, year). `with_trend=False` skips the trend (and the
    history it needs) for views that show statuses only, such as the matrix."""
    regions = list(regions)
    years = sorted({int(y) for y in years})
    rules = rules or load_rules()
    if not regions or not years:
        return {}
    data = _Data.fetch(regions, years, rules, with_trend=with_trend)
    out = {}
    # A province builds ~100,000 small result objects that all live until the answer is sent:
    # the cyclic collector's passes over them found nothing and cost a fifth of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for region in regions:
            for year in years:
                out[(region.pk, year)] = _assess_one(region, year, data, rules)
    finally:
        if enabled:
            gc.enable()
    return out


class _Data:
    """Everything the assessments need, fetched once."""

    @classmethod
    def fetch(cls, regions, years, rules: Rules, with_trend: bool = True) -> _Data:
        self = cls()
        self.with_trend = with_trend
        self.classes = {}
        region_ids = [r.pk for r in regions]
        # Which standard and target apply: the one resolver every page, check, export and feed uses.
        self.resolver = Resolver(regions, years)
        self.standards = self.resolver.standards
        std_ids = {self.resolver.standard_id(r.pk, y) for r in regions for y in years} - {None}
        inds = list(Indicator.objects.filter(standard_id__in=std_ids).select_related("parent")
                    .order_by("standard_id", "order", "id"))
        self.top: dict[int, list[Indicator]] = defaultdict(list)
        self.children: dict[int, list[Indicator]] = defaultdict(list)
        self.specs: dict[int, list[TargetSpec]] = Target.specs_by_indicator([ind.pk for ind in inds])
        for ind in inds:
            (self.children[ind.parent_id] if ind.parent_id else self.top[ind.standard_id]).append(ind)
        max_year = years[-1]
        # The assessed years, as Decimal so thresholds are judged exactly; and the year before each
        # for the indicators whose target can compare with it (a catalogue target with a trend
        # clause such as 不降低/逐步下降 — core.targets.needs_previous — or a region-year target of
        # its own) — the others never look back, and fetching their previous year doubled the
        # rows of a one-year matrix.
        look_back = {y - 1 for y in years} - set(years)
        in_years = Q(year__in=years)
        if look_back:
            compares = {iid for iid, specs in self.specs.items() if any(needs_previous(s) for s in specs)}
            in_years |= Q(year__in=look_back, indicator_id__in=compares | self.resolver.local_indicator_ids())
        self.values: dict[tuple, tuple] = {}
        rows = IndicatorValue.objects.filter(in_years, region_id__in=region_ids,
                                             indicator__standard_id__in=std_ids).values_list(
            "region_id", "year", "indicator_id", "value", "achieved", "text_value", "status")
        for rid, y, iid, value, achieved, text, status in rows.iterator(chunk_size=5000):
            self.values[(rid, y, iid)] = (value, achieved, text, status)
        # The approved history for trends, as floats straight from the database: growth rates
        # decide nothing exactly, and converting 40,000 Decimals was a third of a province's time.
        self.series: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        if with_trend:
            approved = defaultdict(list)
            history = IndicatorValue.objects.filter(
                region_id__in=region_ids, year__lte=max_year, indicator__standard_id__in=std_ids,
                status=ValueStatus.APPROVED, value__isnull=False,
            ).annotate(fv=Cast("value", FloatField())).values_list("region_id", "indicator_id", "year", "fv")
            for rid, iid, y, fv in history.iterator(chunk_size=5000):
                approved[(rid, iid)].append((y, fv))
            for key, pts in approved.items():
                pts.sort()
                self.series[key] = ([y for y, _ in pts], [v for _, v in pts])
        self.resolver.add_specs(self.specs)
        lookback = max(1, int(rules["veto_lookback_years"]))
        self.facts = defaultdict(dict)
        for f in RegionYearFact.objects.filter(region_id__in=region_ids, year__gte=years[0] - lookback + 1,
                                               year__lte=max_year):
            self.facts[f.region_id][(f.year, f.code)] = f
        return self

    def previous_value(self, region_id: int, indicator_id: int, year: int) -> Decimal | None:
        raw = self.values.get((region_id, year - 1, indicator_id))
        return raw[0] if raw is not None and raw[3] == ValueStatus.APPROVED else None


def _assess_one(region: Region, year: int, data: _Data, rules: Rules) -> Assessment:
    rc = region.as_class()
    rc = data.classes.setdefault(rc, rc)  # one object per class: the resolver's lookups then compare by identity
    std_id = data.resolver.standard_id(region.pk, year)
    standard = data.standards.get(std_id)
    results = []
    for ind in data.top.get(std_id, []):
        subs = data.children.get(ind.pk)
        if subs:
            sub_results = [_leaf(s, region, rc, year, data, rules, parent=ind) for s in subs]
            results.append(_composite(ind, region, rc, sub_results))
        else:
            results.append(_leaf(ind, region, rc, year, data, rules))
    summary, blocking, warnings = _verdict(results, rules)
    conditions, cond_blockers, cond_warnings = _conditions(region, year, data, rules)
    return Assessment(region, year, standard, rules, results, summary, blocking + cond_blockers,
                      warnings + cond_warnings, conditions)


# Plain strings in the hot loop: enum member lookups cost a microsecond each, 50,000 times over.
_APPROVED, _SUBMITTED = str(ValueStatus.APPROVED), str(ValueStatus.SUBMITTED)
_MET, _NOT_MET, _MISSING, _NA = Status.MET, Status.NOT_MET, Status.MISSING, Status.NOT_APPLICABLE


def _leaf(ind: Indicator, region: Region, rc, year: int, data: _Data, rules: Rules, parent=None) -> IndicatorResult:
    rid, iid = region.id, ind.id
    if parent is None:
        applies_to, coastal_only = ind.applies_to, ind.coastal_only
    else:
        applies_to, coastal_only = parent.applies_to, ind.coastal_only or parent.coastal_only
    applied = data.resolver.applied(region, year, ind, rc)
    assigned = applied.assigned
    raw = data.values.get((rid, year, iid))
    if raw is None:
        value = achieved = None
        text_value = value_status = ""
    else:
        value, achieved, text_value, value_status = raw
    counted = value_status in (_APPROVED, _SUBMITTED)
    # Only a target with a trend clause compares with last year (fetched for those alone).
    previous = data.previous_value(rid, iid, year) if needs_previous(applied.target) else None
    ev = evaluate(applied.for_evaluate, value if counted else None, rc, applies_to=applies_to, coastal_only=coastal_only,
                  achieved=achieved if counted else None, previous=previous, assigned=assigned,
                  direction=ind.direction)
    status, reason, gap = ev.status, ev.reason, ev.gap
    if gap is None and assigned is not None and assigned.value is not None and counted and value is not None \
            and (status in (_NOT_MET, _MET)):
        # core.targets gives the gap to an assigned target only when met; the distance matters most when not.
        gap = value - assigned.value
    if status != _NA:
        if value_status == _SUBMITTED:
            # Judged as if approved so the gap is visible, but not final until a reviewer approves.
            would = ev.status.label
            status, reason = Status.PENDING, f"已提交，待审核（按此数值将{would}）；{ev.reason}"
        elif status == _MISSING and value_status in VALUE_STATUS_REASON:
            reason = VALUE_STATUS_REASON[value_status]
    result = IndicatorResult(
        ind, status, value=value, achieved=achieved, text_value=text_value, value_status=value_status,
        target=ev.target, target_source=applied.source if ev.target else "",
        applied=applied if ev.target else None, assigned=assigned, gap=gap, gap_share=ev.gap_share, reason=reason,
        inputs=ev.inputs)
    if not data.with_trend:
        result.trend = None
    elif status != _NA:
        result.trend = _trend(ind, region, year, data, rules, ev.target, assigned)
    else:
        result.trend = _NOT_APPLICABLE_TREND
    return result


_NOT_APPLICABLE_TREND = TrendResult(Trend.UNKNOWN, "不适用")


def _trend(ind, region, year, data: _Data, rules: Rules, target: TargetSpec | None, assigned) -> TrendResult:
    s = data.series.get((region.id, ind.id))
    if s is None:
        return TrendResult(Trend.UNKNOWN, "没有已审核的数值" if ind.direction != "qualitative"
                           else "定性指标，按是否完成判定，不计算趋势")
    end = bisect.bisect_right(s[0], year)
    numeric = next((t for t in (target, assigned) if t is not None and t.op in NUMERIC_OPS and t.value is not None),
                   None)
    direction = ind.direction
    if direction == "qualitative" and numeric is not None:
        direction = "lower" if numeric.op in ("<=", "<") else "higher"
    cfg = rules.trend
    limit = None
    if numeric is None and ind.unit == "%" and direction == "higher" and cfg.get("percent_limit") is not None:
        limit = float(cfg["percent_limit"])
    result = trend_of_sorted(s[0][:end], s[1][:end], direction=direction,
                           target=float(numeric.value) if numeric is not None else None, target_year=year,
                           base_year=cfg.get("base_year"), limit=limit,
                           ratio_thresholds=cfg.get("ratio_thresholds"), growth_thresholds=cfg.get("growth_thresholds"))
    if numeric is not None:
        result.inputs["target_display"] = numeric.display
    return result


def _composite(ind: Indicator, region: Region, rc, subs: list[IndicatorResult]) -> IndicatorResult:
    applicable = [s for s in subs if s.applicable]
    if not applicable:
        reason = subs[0].reason if subs else "没有分项"
        return IndicatorResult(ind, Status.NOT_APPLICABLE, reason=reason, sub_items=subs,
                               trend=TrendResult(Trend.UNKNOWN, "不适用"))
    for status in (Status.NOT_MET, Status.MISSING, Status.PENDING):
        hit = [s for s in applicable if s.status == status]
        if hit:
            names = "、".join(f"{s.code} {s.name}" for s in hit)
            reason = f"分项{status.label}：{names}"
            break
    else:
        status, reason = Status.MET, f"{len(applicable)} 个适用分项全部达标"
    trends = [s.trend for s in applicable if s.trend and s.trend.status != Trend.UNKNOWN]
    if all(s.trend is None for s in subs):
        trend = None
    elif trends:
        worst = min(trends, key=lambda t: TREND_ORDER.index(t.status))
        trend = TrendResult(worst.status, f"按分项中最弱的趋势：{worst.reason}", worst.progress,
                            {"sub_items": {s.code: s.trend.status.value for s in applicable}})
    else:
        trend = TrendResult(Trend.UNKNOWN, "各分项均无法计算趋势")
    return IndicatorResult(ind, status, reason=reason, sub_items=subs, trend=trend)


def _verdict(results: list[IndicatorResult], rules: Rules):
    pending_ok = bool(rules["pending_counts_as_met"])
    ok = {Status.MET} | ({Status.PENDING} if pending_ok else set())
    excluded = rules["not_applicable_excluded"]
    binding, reference, untyped = [], [], []
    for r in results:
        if r.status != _NA or not excluded:
            kind = r.type
            (binding if kind == "binding" else reference if kind == "reference" else untyped).append(r)
    counts = dict.fromkeys(Status, 0)
    for r in results:
        counts[r.status] += 1
    summary = {
        "binding_met": sum(r.status in ok for r in binding), "binding_total": len(binding),
        "reference_met": sum(r.status in ok for r in reference), "reference_total": len(reference),
        "missing": counts[Status.MISSING], "pending": counts[Status.PENDING], "not_met": counts[Status.NOT_MET],
        "not_applicable": counts[Status.NOT_APPLICABLE], "met": counts[Status.MET], "total": len(results),
    }
    share = Decimal(summary["reference_met"]) / summary["reference_total"] if reference else None
    summary["reference_share"] = float(round(share, 4)) if share is not None else None
    summary["reference_min_share"] = rules["reference_min_share"]
    blocking, warnings = [], []
    if rules["binding_all_required"]:
        for r in binding:
            if r.status not in ok:
                blocking.append(Blocker(r.code, r.name, f"{r.status.label}：{r.reason}", "indicator"))
    need = Decimal(str(rules["reference_min_share"]))
    # The share is a decimal written in a file (0.8, or 0.9230769 for 12/13): a share equal to
    # it up to that writing is met, never failed by the last digit.
    if share is not None and share < need - Decimal("1e-9"):
        p = rules.parameters["reference_min_share"]
        blocking.append(Blocker(
            "reference_share", "参考性指标达标比例",
            f"达标 {summary['reference_met']}/{summary['reference_total']}（{share * 100:.1f}%），"
            f"低于 {need * 100:.0f}%{'' if p.verified else '（该比例为未核实的默认参数）'}", "reference_share"))
    if untyped:
        blocking.append(Blocker("type_unknown", "指标属性未知",
                                f"{len(untyped)} 项适用指标未标明约束性/参考性，无法按规则判定："
                                + "、".join(r.code for r in untyped[:8]), "type_unknown"))
    if rules.unverified_warning:
        warnings.append(rules.unverified_warning)
    return summary, blocking, warnings


def _conditions(region: Region, year: int, data: _Data, rules: Rules):
    facts = data.facts.get(region.pk, {})
    out, blocking, warnings = [], [], []
    for cond in rules.preconditions:
        f = facts.get((year, cond.code))
        state = f.state if f else "unknown"
        label = f.get_state_display() if f else "未录入"
        out.append(ConditionState(cond.code, cond.name, FactKind.PRECONDITION, cond.verified, state, label, year,
                                  f.source_document if f else "", f.note if f else ""))
        if state == FactState.UNSATISFIED:
            blocking.append(Blocker(cond.code, cond.name, f"前提条件不满足（依据：{f.source_document}）", "precondition"))
        elif state == "unknown":
            if rules["unknown_precondition_blocks"]:
                blocking.append(Blocker(cond.code, cond.name, "前提条件未录入，无法确认满足", "precondition"))
            else:
                warnings.append(f"前提条件未录入：{cond.name}")
    lookback = max(1, int(rules["veto_lookback_years"]))
    for cond in rules.vetoes:
        hits = [facts[(y, cond.code)] for y in range(year - lookback + 1, year + 1)
                if (y, cond.code) in facts and facts[(y, cond.code)].state == FactState.TRIGGERED]
        f = hits[-1] if hits else facts.get((year, cond.code))
        state = "triggered" if hits else (f.state if f else "unknown")
        label = ("存在" if hits else f.get_state_display() if f else "未录入")
        out.append(ConditionState(cond.code, cond.name, FactKind.VETO, cond.verified, state, label,
                                  f.year if f else year, f.source_document if f else "", f.note if f else ""))
        if hits:
            scope = "" if cond.verified else "（该否决情形适用于普通市县尚未核实）"
            blocking.append(Blocker(cond.code, cond.name,
                                    f"{f.year}年存在否决情形，近{lookback}年内不得申报（依据：{f.source_document}）{scope}",
                                    "veto"))
        elif state == "unknown":
            if rules["unknown_veto_blocks"]:
                blocking.append(Blocker(cond.code, cond.name, "否决情形未录入", "veto"))
            else:
                warnings.append(f"否决情形未录入：{cond.name}")
    return out, blocking, warnings


# ---- JSON (the command line and the API print exactly this) -------------------------------

def number(value) -> int | float | None:
    if value is None:
        return None
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def indicator_json(r: IndicatorResult, parent: str | None = None) -> dict:
    return {
        "code": r.code, "name": r.name, "type": r.type, "status": r.status.value, "value": number(r.value),
        "target": r.target_display, "gap": number(r.gap), "trend": r.trend.as_json() if r.trend else None,
        "parent": parent, "area": r.area, "unit": r.indicator.unit, "status_label": r.status.label,
        "achieved": r.achieved, "value_status": r.value_status, "target_class": r.region_class,
        "target_class_label": r.region_class_label, "target_source": r.target_source,
        "target_label": r.target_label, "assigned": r.assigned.display if r.assigned else None, "gap_share": number(r.gap_share),
        "reason": r.reason, "lead_department": r.lead_department,
        "inputs": {k: (format_decimal(v) if isinstance(v, Decimal) else v) for k, v in r.inputs.items()},
    }


def assessment_json(a: Assessment) -> dict:
    rows = []
    for r in a.indicators:
        rows.append(indicator_json(r))
        rows.extend(indicator_json(s, parent=r.code) for s in r.sub_items)
    return {
        "region": a.region.code, "year": a.year, "standard": a.standard.code if a.standard else None,
        "verdict": a.verdict, "blocking": [b.as_json() for b in a.blocking],
        "summary": {k: a.summary[k] for k in ("binding_met", "binding_total", "reference_met", "reference_total",
                                                 "missing", "pending")}
        | {k: v for k, v in a.summary.items() if k not in ("binding_met", "binding_total", "reference_met",
                                                           "reference_total", "missing", "pending")},
        "indicators": rows,
        "region_name": a.region.name, "verdict_label": a.verdict_label, "warnings": a.warnings,
        "conditions": [c.__dict__ for c in a.conditions],
        "rules": {"version": a.rules.version, "title": a.rules.title,
                  "parameters": [p.as_json() for p in a.rules.parameters.values()]},
    }
