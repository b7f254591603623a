"""Which standard and which target apply to a region, year and indicator — and where they came from.

The one answer that the entry page, the checks run on save and submit, the Excel template, the
API, the monitoring feed, the extraction accept, the assessment and the dashboard all use, so
that a filler is never shown one target while the assessment applies another:

- the standard in force is the region's own choice for the year (RegionStandard), else the
  nearest ancestor's, else national-2019;
- the target is that standard's target for the region's class (core.targets.select_target),
  replaced by a local override recorded for the region-year (RegionTarget kind override);
- a target the superior assigned (RegionTarget kind assigned) is carried beside it: it answers
  完成上级规定的考核任务.

`Resolver(regions, years)` answers for many region-years in a constant number of queries
(4 + 1 for the catalogue targets of indicators not already loaded); `standard_for` and
`applied` are the single-region forms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ecociv.core.targets import CLASS_LABELS, NUMERIC_OPS, TargetSpec, select_target

DEFAULT_STANDARD = "national-2019"
CATALOGUE, OVERRIDE = "catalogue", "override"
SCOPE_LABELS = {"national": "国家标准", "provincial": "省级标准", "local": "地方标准"}


@dataclass(frozen=True)
class Applied:
    """The target a value is judged against, and its origin in words a user reads."""

    target: TargetSpec | None  # None: no target of the catalogue fits the region's class
    source: str  # catalogue | override | "" (no target known)
    label: str  # 国家标准（2019年版·县） / 本地从严 / 本地目标 / 无适用目标
    candidates: tuple[TargetSpec, ...] = ()  # the catalogue's targets of the indicator, every class
    catalogue: TargetSpec | None = None  # the catalogue's own target for the class (shown beside an override)
    assigned: TargetSpec | None = None  # 上级下达
    document: str = ""  # 依据文件 of the override
    assigned_document: str = ""

    @property
    def display(self) -> str:
        return self.target.display if self.target else ""

    @property
    def source_text(self) -> str:
        """Where the target comes from, in one line: what every page shows beside it."""
        parts = [self.label]
        if self.source == OVERRIDE and self.document:
            parts[0] += f"（依据：{self.document}）"
        if self.source == OVERRIDE and self.catalogue is not None:
            parts.append(f"标准值{self.catalogue.display}")
        if self.assigned is not None:
            doc = f"（依据：{self.assigned_document}）" if self.assigned_document else ""
            parts.append(f"上级下达{self.assigned.display}{doc}")
        return "；".join(p for p in parts if p)

    @property
    def for_evaluate(self) -> TargetSpec | list[TargetSpec]:
        """What core.targets.evaluate takes: the target, or (none fitting) the whole list so that
        it answers 不适用 rather than 待核实."""
        return self.target if self.target is not None else list(self.candidates)


def standard_label(standard) -> str:
    kind = SCOPE_LABELS.get(getattr(standard, "scope", ""), "指标体系")
    year = re.search(r"(19|20)\d\d", getattr(standard, "code", "") or "")
    return f"{kind}（{year.group(0)}年版" if year else f"{kind}（"


def catalogue_label(standard, region_class: str) -> str:
    head = standard_label(standard) if standard is not None else "指标体系（"
    cls = "" if region_class in ("", "all") else CLASS_LABELS.get(region_class, region_class)
    if head.endswith("（"):
        return head[:-1] + (f"（{cls}）" if cls else "")
    return head + (f"·{cls}" if cls else "") + "）"


def _stricter(override: TargetSpec, catalogue: TargetSpec | None) -> bool:
    if catalogue is None or override.op not in NUMERIC_OPS or catalogue.op not in NUMERIC_OPS:
        return False
    if override.value is None or catalogue.value is None:
        return False
    if override.op in (">=", ">") and catalogue.op in (">=", ">"):
        return override.value > catalogue.value
    if override.op in ("<=", "<") and catalogue.op in ("<=", "<"):
        return override.value < catalogue.value
    return False


class Resolver:
    """Standards and targets in force for a set of regions and years, fetched once."""

    def __init__(self, regions, years):
        from django.db.models import Q

        from ecociv.regions.models import Region
        from ecociv.standards.models import RegionStandard, RegionTarget, Standard

        regions = list(regions)
        years = {int(y) for y in years}
        self._regions = {r.pk: r for r in regions}
        ancestor_codes = {c for r in regions for c in r.path.split("/") if c and c != r.code}
        by_code = dict(Region.objects.filter(code__in=ancestor_codes).values_list("code", "pk")) \
            if ancestor_codes else {}
        # Nearest first: the region's own choice, then its parent's, …
        self._chain = {r.pk: [r.pk] + [by_code[c] for c in reversed(r.path.split("/")) if c in by_code and c != r.code]
                       for r in regions}
        chosen = RegionStandard.objects.filter(
            region_id__in={p for ch in self._chain.values() for p in ch}, year__in=years,
        ).values_list("region_id", "year", "standard_id") if regions and years else []
        self._choice = {(rid, y): sid for rid, y, sid in chosen}
        std_ids = set(self._choice.values())
        self.standards = {s.pk: s for s in Standard.objects.filter(Q(pk__in=std_ids) | Q(code=DEFAULT_STANDARD))}
        default = next((s for s in self.standards.values() if s.code == DEFAULT_STANDARD), None)
        self.default_standard_id = default.pk if default else None
        self._local: dict[tuple, object] = {}
        if regions and years:
            for rt in RegionTarget.objects.filter(region_id__in=list(self._regions), year__in=years):
                self._local[(rt.region_id, rt.year, rt.indicator_id, rt.kind)] = rt
        self._override, self._assigned = str(RegionTarget.Kind.OVERRIDE), str(RegionTarget.Kind.ASSIGNED)
        self._specs: dict[int, list[TargetSpec]] = {}
        self._chosen: dict[tuple, TargetSpec | None] = {}
        self._labels: dict[tuple, str] = {}
        self._plain: dict[tuple, Applied] = {}  # (indicator, class) → catalogue answer without local targets

    def local_indicator_ids(self) -> set[int]:
        """Indicators with a region-year target of their own (override or assigned) here."""
        return {iid for (_rid, _y, iid, _kind) in self._local}

    # ---- the standard -----------------------------------------------------------------
    def standard_id(self, region_id: int, year: int) -> int | None:
        for rid in self._chain.get(region_id, [region_id]):
            sid = self._choice.get((rid, year))
            if sid is not None:
                return sid
        return self.default_standard_id

    def standard(self, region, year: int):
        return self.standards.get(self.standard_id(region.pk, year))

    # ---- the target -------------------------------------------------------------------
    def add_specs(self, specs: dict[int, list[TargetSpec]]) -> None:
        """Catalogue targets already loaded by the caller (indicator id → specs)."""
        self._specs.update(specs)

    def specs(self, indicator) -> list[TargetSpec]:
        got = self._specs.get(indicator.pk)
        if got is None:
            got = self._specs[indicator.pk] = indicator.target_specs()
        return got

    def applied(self, region, year: int, indicator, rc=None) -> Applied:
        iid = indicator.id  # .id, not .pk: the property costs a lookup, 50,000 times for a province
        rc = rc if rc is not None else region.as_class()
        key = (iid, rc)
        override = assigned = None
        if self._local:
            override = self._local.get((region.id, year, iid, self._override))
            assigned = self._local.get((region.id, year, iid, self._assigned))
        if override is None and assigned is None:
            # The hot path of a province's assessment: same indicator and class, same answer.
            hit = self._plain.get(key)
            if hit is not None:
                return hit
        specs = self.specs(indicator)
        chosen = self._chosen.get(key, self)
        if chosen is self:
            chosen = self._chosen[key] = select_target(specs, rc) if specs else None
        assigned_spec = assigned.spec if assigned is not None else None
        assigned_doc = assigned.source_document if assigned is not None else ""
        if override is not None:
            spec = override.spec
            label = "本地从严" if _stricter(spec, chosen) else "本地目标"
            return Applied(spec, OVERRIDE, label, tuple(specs), chosen, assigned_spec, override.source_document,
                           assigned_doc)
        if chosen is None:
            return Applied(None, "", "无适用目标" if specs else "目标值未知", tuple(specs), None, assigned_spec, "",
                           assigned_doc)
        lkey = (indicator.standard_id, chosen.region_class)
        label = self._labels.get(lkey)
        if label is None:
            std = self.standards.get(indicator.standard_id)
            if std is None:
                std = self.standards[indicator.standard_id] = indicator.standard
            label = self._labels[lkey] = catalogue_label(std, chosen.region_class)
        out = Applied(chosen, CATALOGUE, label, tuple(specs), chosen, assigned_spec, "", assigned_doc)
        if assigned is None:
            self._plain[key] = out
        return out


def standard_for(region, year: int):
    """The standard version a region-year is assessed against (None only when no catalogue is loaded)."""
    return Resolver([region], [year]).standard(region, year)


def applied(region, year: int, indicator) -> Applied:
    return Resolver([region], [year]).applied(region, year, indicator)


def applied_many(region, year: int, indicators) -> dict[int, Applied]:
    """indicator id → Applied, for one region-year (a task page, a template)."""
    r = Resolver([region], [year])
    rc = region.as_class()
    return {ind.pk: r.applied(region, year, ind, rc) for ind in indicators}
