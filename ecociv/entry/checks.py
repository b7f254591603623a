"""Runs the checks of data/checks.yaml on values, loading what they compare against
(previous year, sibling regions, evidence) in a few batch queries: the entry page of 40
indicators and an import of 10,000 rows use the same code."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from ecociv.core.targets import NUMERIC_OPS, Status, TargetSpec, evaluate, flag_decides, format_decimal
from ecociv.entry.engine import checks as math

CHECKS_FILE = Path(__file__).parent / "data" / "checks.yaml"
BLOCKING, WARNING, OFF = "blocking", "warning", "off"


@dataclass(frozen=True)
class CheckDef:
    code: str
    name: str
    severity: str
    description: str
    params: dict


@lru_cache(maxsize=1)
def definitions() -> dict[str, CheckDef]:
    data = yaml.safe_load(CHECKS_FILE.read_text(encoding="utf-8"))
    out = {}
    for c in data["checks"]:
        sev = c["severity"]
        if sev not in (BLOCKING, WARNING, OFF):
            raise ValueError(f"{CHECKS_FILE}: 检查 {c['code']} 的严重程度“{sev}”无效")
        out[c["code"]] = CheckDef(c["code"], c["name"], sev, c.get("description", ""), c.get("params") or {})
    return out


@dataclass
class Finding:
    code: str
    name: str
    severity: str  # blocking | warning, for the stage the checks ran for
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING


@dataclass
class CheckInput:
    indicator: object  # standards.Indicator with targets prefetched
    region: object
    year: int
    value: Decimal | None
    achieved: bool | None = None
    raw: str | None = None  # what was typed, when it could not be read as a number
    evidence_count: int = 0
    target: TargetSpec | None = None  # standards.resolve's target in force
    target_source: str = ""  # where it came from, in words (Applied.source_text)
    assigned: TargetSpec | None = None  # the superior's assigned target (Applied.assigned)
    previous: Decimal | None = None
    peers: list[Decimal] = field(default_factory=list)
    peer_stats: math.GroupStats | None = None  # of peers + [value], when precomputed


def _dec(x) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def _range_for(ind, params) -> math.Range:
    key = f"{ind.standard.code}:{ind.code}" if hasattr(ind, "standard") else ind.code
    bounds = params.get("indicators", {}).get(key)
    if bounds is None:
        bounds = params.get("units", {}).get((ind.unit or "").strip(), params.get("default", [None, None]))
    low, high = (_dec(b) for b in bounds)
    if high is not None and (ind.unit or "").strip() == "%" and getattr(ind, "allow_over_100", False):
        high = None
    return math.Range(low, high)


def needs_achieved(target: TargetSpec | None) -> bool:
    """Whether the entry form asks 是否完成 (a qualitative target); whether the answer is
    required for a given value is `core.targets.flag_decides`, the verdict's own rule."""
    return target is not None and target.op == "text"


def check(item: CheckInput, *, stage: str = "save") -> list[Finding]:
    """Findings for one value. `stage`: save (every finding a hint) | submit."""
    defs = definitions()
    out: list[Finding] = []

    def add(code, message):
        d = defs[code]
        sev = d.severity
        if sev == OFF:
            return
        if stage == "save":
            sev = WARNING if code != "format" else BLOCKING
        out.append(Finding(code, d.name, sev, message))

    if item.raw is not None:
        try:
            math.parse_number(item.raw)
        except math.NumberFormatError as exc:
            add("format", str(exc))
            return out
    value = item.value
    qualitative = needs_achieved(item.target)
    if qualitative:
        if item.achieved is None and flag_decides(item.target, value=value, previous=item.previous,
                                                  assigned=item.assigned):
            add("required", "请选择是否完成（定性目标）")
    elif value is None and (item.target is None or item.target.op in NUMERIC_OPS) and not (
            item.target is None and item.achieved is not None):
        add("required", "尚未填写数值")
    if value is not None:
        ind = item.indicator
        msg = math.out_of_range(value, _range_for(ind, defs["range"].params))
        if msg:
            add("range", msg + ("" if (ind.unit or "").strip() != "%" else "；如该指标允许超过100%，请联系管理员设置"))
        p = defs["yoy"].params
        key = f"{ind.standard.code}:{ind.code}" if hasattr(ind, "standard") else ind.code
        share = _dec(p.get("indicators", {}).get(key, p.get("max_share", "0.5")))
        msg = math.yoy_jump(value, item.previous, share)
        if msg:
            add("yoy", msg)
        t = item.target
        if t is not None and t.op in NUMERIC_OPS and t.value is not None:
            ev = evaluate(t, value)
            if ev.status == Status.NOT_MET:
                src = f"（{item.target_source}）" if item.target_source else ""
                add("target", f"未达到目标{t.display}{src}，差{format_decimal(abs(ev.gap))}")
        p = defs["outlier"].params
        msg = math.outlier(value, item.peers, _dec(p.get("threshold", "3.5")), int(p.get("min_peers", 4)),
                           stats=item.peer_stats)
        if msg:
            add("outlier", msg)
    if item.indicator.effective_type == "binding" and item.evidence_count == 0 and (
            value is not None or item.achieved is not None):
        add("evidence", "约束性指标须上传佐证材料")
    return out


# ---- batch context ---------------------------------------------------------------------

PEER_STATUSES = ("submitted", "approved")


def previous_values(keys: set[tuple[int, int, int]]) -> dict[tuple[int, int, int], Decimal]:
    """(region_id, year, indicator_id) → value of the year before."""
    from ecociv.entry.models import IndicatorValue

    if not keys:
        return {}
    regions = {k[0] for k in keys}
    years = {k[1] - 1 for k in keys}
    inds = {k[2] for k in keys}
    out = {}
    rows = IndicatorValue.objects.filter(region_id__in=regions, year__in=years, indicator_id__in=inds,
                                         value__isnull=False).values_list("region_id", "year", "indicator_id", "value")
    for r, y, i, v in rows:
        if (r, y + 1, i) in keys:
            out[(r, y + 1, i)] = v
    return out


def sibling_values(regions: dict[int, object], years: set[int], indicator_ids: set[int]
                   ) -> dict[tuple[int, int, int], list[Decimal]]:
    """(region_id, year, indicator_id) → values of the same indicator and year in the regions
    sharing the region's parent and level (submitted or approved: a sibling's half-typed
    draft is no yardstick)."""
    from ecociv.entry.models import IndicatorValue

    parents = {r.parent_id for r in regions.values() if r.parent_id}
    if not parents:
        return {}
    rows = IndicatorValue.objects.filter(
        region__parent_id__in=parents, year__in=years, indicator_id__in=indicator_ids, value__isnull=False,
        status__in=PEER_STATUSES).values_list("region_id", "region__parent_id", "region__level", "year",
                                              "indicator_id", "value")
    group: dict[tuple, list[tuple[int, Decimal]]] = defaultdict(list)
    for rid, parent, level, y, i, v in rows:
        group[(parent, level, y, i)].append((rid, v))
    out = {}
    for region in regions.values():
        for y in years:
            for i in indicator_ids:
                vals = group.get((region.parent_id, region.level, y, i))
                if vals:
                    out[(region.pk, y, i)] = [v for rid, v in vals if rid != region.pk]
    return out


# ---- a batch of values about to be written ---------------------------------------------

@dataclass
class Candidate:
    region: object
    year: int
    indicator: object  # standards.Indicator with standard, parent and targets loaded
    value: Decimal | None
    achieved: bool | None = None
    evidence_count: int = 0


def check_many(items: list[Candidate], *, stage: str) -> list[list[Finding]]:
    """Findings for each of a batch of values about to be written together (an import file, a
    monitoring feed), in the order given. What they are compared against is the database
    overlaid with the batch itself: a province loading every county at once compares them with
    each other, and a file's 2024 row is the previous year of its 2025 row. One (region, year,
    indicator) appears at most once in a batch."""
    from ecociv.entry.models import IndicatorValue
    from ecociv.standards.resolve import Resolver

    keys = {(c.region.pk, c.year, c.indicator.pk) for c in items}
    prev = previous_values(keys)
    for c in items:
        if c.value is not None and (c.region.pk, c.year + 1, c.indicator.pk) in keys:
            prev[(c.region.pk, c.year + 1, c.indicator.pk)] = c.value
    # Sibling regions (same parent and level): stored submitted/approved values, overridden by
    # the batch's own rows.
    groups: dict[tuple, dict[int, Decimal]] = defaultdict(dict)
    if items:
        parents = {c.region.parent_id for c in items if c.region.parent_id}
        for rid, parent, level, y, iid, val in IndicatorValue.objects.filter(
                region__parent_id__in=parents, year__in={c.year for c in items},
                indicator_id__in={c.indicator.pk for c in items}, value__isnull=False,
                status__in=PEER_STATUSES).values_list("region_id", "region__parent_id", "region__level",
                                                      "year", "indicator_id", "value"):
            groups[(parent, level, y, iid)][rid] = val
        for c in items:
            if c.value is not None and c.region.parent_id:
                groups[(c.region.parent_id, c.region.level, c.year, c.indicator.pk)][c.region.pk] = c.value
    # Each sibling group's median/MAD once (value included), not once per row.
    stats = {key: math.GroupStats.of(list(vals.values())) for key, vals in groups.items() if len(vals) >= 3}
    resolver = Resolver({c.region.pk: c.region for c in items}.values(), {c.year for c in items})
    out = []
    for c in items:
        k = (c.region.pk, c.year, c.indicator.pk)
        gkey = (c.region.parent_id, c.region.level, c.year, c.indicator.pk)
        group = groups.get(gkey, {})
        in_group = c.value is not None and group.get(c.region.pk) == c.value
        applied = resolver.applied(c.region, c.year, c.indicator)
        out.append(check(CheckInput(
            indicator=c.indicator, region=c.region, year=c.year, value=c.value, achieved=c.achieved,
            evidence_count=c.evidence_count, target=applied.target, target_source=applied.source_text,
            assigned=applied.assigned, previous=prev.get(k),
            peers=[] if in_group else [val for rid, val in group.items() if rid != c.region.pk],
            peer_stats=stats.get(gkey) if in_group else None), stage=stage))
    return out


def findings_for(value, *, indicator, region, year, stage="save", raw=None,
                 evidence_count=None) -> list[Finding]:
    """The findings for one value (or none yet) of a region-year, against the target in force."""
    from ecociv.standards import resolve

    applied = resolve.applied(region, year, indicator)
    prev = previous_values({(region.pk, year, indicator.pk)})
    peers = sibling_values({region.pk: region}, {year}, {indicator.pk})
    if evidence_count is None:
        evidence_count = value.evidence.count() if value and value.pk else 0
    return check(CheckInput(
        indicator=indicator, region=region, year=year, value=value.value if value else None,
        achieved=value.achieved if value else None, raw=raw, evidence_count=evidence_count, target=applied.target,
        target_source=applied.source_text, assigned=applied.assigned,
        previous=prev.get((region.pk, year, indicator.pk)),
        peers=peers.get((region.pk, year, indicator.pk), [])),
        stage=stage)


def task_findings(task, *, stage="save", applied=None) -> dict[int, list[Finding]]:
    """indicator_id → findings, for every indicator of the task, in batch queries. `applied`
    (indicator id → standards.resolve.Applied) when the caller has resolved the targets already."""
    from ecociv.entry.task_status import task_values
    from ecociv.standards import resolve

    items = list(task.items.select_related("indicator", "indicator__standard", "indicator__parent")
                 .prefetch_related("indicator__targets").filter(indicator__isnull=False))
    values = task_values(task)
    ev_counts = {}
    if values:
        from django.db.models import Count

        from ecociv.entry.models import Evidence

        ev_counts = dict(Evidence.objects.filter(value__in=list(values.values())).values("value_id")
                         .annotate(n=Count("id")).values_list("value_id", "n"))
    keys = {(task.region_id, task.year, it.indicator_id) for it in items}
    prev = previous_values(keys)
    peers = sibling_values({task.region_id: task.region}, {task.year}, {it.indicator_id for it in items})
    if applied is None:
        applied = resolve.applied_many(task.region, task.year, [it.indicator for it in items])
    out = {}
    for it in items:
        ind = it.indicator
        v = values.get(ind.pk)
        key = (task.region_id, task.year, ind.pk)
        out[ind.pk] = check(CheckInput(
            indicator=ind, region=task.region, year=task.year, value=v.value if v else None,
            achieved=v.achieved if v else None, evidence_count=ev_counts.get(v.pk, 0) if v else 0,
            target=applied[ind.pk].target, target_source=applied[ind.pk].source_text,
            assigned=applied[ind.pk].assigned, previous=prev.get(key),
            peers=peers.get(key, [])),
            stage=stage)
    return out
