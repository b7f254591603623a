"""Reading value files (long format .csv/.xlsx, and the per-task .xlsx template which is the
same long format with extra read-only columns) into a plan: per row created / updated /
unchanged / error, with the checks' findings. Nothing is written here; `actions.values.import_values`
applies a plan that has no errors, all or nothing."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ecociv.core import years
from ecociv.core.tabular import TableError, read_table
from ecociv.entry import checks
from ecociv.entry.engine.checks import NumberFormatError, parse_number
from ecociv.entry.models import Evidence, IndicatorValue, ValueStatus, lock_message
from ecociv.entry.scope import can_administer_tasks, can_fill
from ecociv.regions.models import Region
from ecociv.regions.scope import region_in_scope
from ecociv.standards.models import Indicator, Standard

# The long format's headers, exactly as users type them (PRODUCT §3; `ecociv import-values`).
HEADERS = {"区划代码": "region", "年度": "year", "指标编码": "indicator", "数值": "value", "说明": "note",
           "标准": "standard", "是否完成": "achieved"}
REQUIRED = ["区划代码", "年度", "指标编码", "数值", "说明"]
LABEL = {v: k for k, v in HEADERS.items()}
DEFAULT_STANDARD = "national-2019"
YES = {"是", "完成", "已完成", "yes", "y", "true", "1", "√"}
NO = {"否", "未完成", "no", "n", "false", "0", "×"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, missing headers); message for the user."""


@dataclass
class RowPlan:
    sheet: str
    row: int
    region_code: str
    year: str
    indicator_code: str
    outcome: str = ""  # created | updated | unchanged | locked | error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region: object = None
    indicator: object = None
    value: Decimal | None = None
    achieved: bool | None = None
    note: str = ""
    existing: object = None

    @property
    def outcome_label(self) -> str:
        return {"created": "新增", "updated": "更新", "unchanged": "未变", "locked": "已锁定（未变）",
                "error": "错误"}[self.outcome]

    def where(self, column: str) -> str:
        return f"工作表“{self.sheet}” 第 {self.row} 行，“{column}”列"


@dataclass
class ImportPlan:
    file_name: str
    rows: list[RowPlan]
    target_status: str

    @property
    def errors(self) -> list[str]:
        return [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0, "locked": 0, "error": 0}
        for r in self.rows:
            out[r.outcome] += 1
        return out

    def summary(self) -> str:
        c = self.counts()
        locked = f"，已锁定未变 {c['locked']} 条" if c["locked"] else ""
        return (f"新增 {c['created']} 条，更新 {c['updated']} 条，未变 {c['unchanged']} 条{locked}，"
                f"错误 {c['error']} 条")


def _achieved(raw: str) -> bool | None:
    raw = (raw or "").strip().lower()
    if raw == "":
        return None
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(f"“{raw}”应为 是/否")


def plan_import(path: str | Path, *, by, data: bytes | None = None, name: str | None = None, task=None,
                target_status: str = ValueStatus.SUBMITTED) -> ImportPlan:
    """Check every row against the database and the checks. `task` restricts the file to one
    task's region, year and indicators (the Excel round trip); values then enter as 草稿."""
    name = name or Path(path).name
    try:
        keys, rows = read_table(path, data=data, name=name, aliases=HEADERS)
    except TableError as exc:
        raise ImportFileError(str(exc)) from None
    missing = [h for h in REQUIRED if HEADERS[h] not in keys]
    if missing:
        raise ImportFileError(f"文件 {name} 缺少列：{'、'.join(missing)}（表头须为：{'、'.join(REQUIRED)}，可选“标准”“是否完成”）")
    # Values entering as 已提交 pass the checks a submit on the page runs (evidence for binding
    # indicators included, counted from what the value already has); drafts get save's hints.
    stage = "save" if target_status == ValueStatus.DRAFT else "submit"

    plans: list[RowPlan] = []
    codes = {r.values.get("region", "").strip() for r in rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    std_codes = {(r.values.get("standard") or "").strip() or DEFAULT_STANDARD for r in rows}
    standards = {s.code: s for s in Standard.objects.filter(code__in=std_codes)}
    indicators = {}
    for ind in (Indicator.objects.filter(standard__in=list(standards.values()))
                .select_related("standard", "parent").prefetch_related("targets", "sub_items")):
        indicators[(ind.standard.code, ind.code)] = ind
    task_inds = set(task.items.values_list("indicator_id", flat=True)) if task else None
    scope_cache: dict[int, bool] = {}

    def may_write(region) -> bool:
        if region.pk not in scope_cache:
            if task is not None:
                scope_cache[region.pk] = can_fill(by, task)
            else:
                # A bulk import writes submitted/approved values: an administrator's act.
                scope_cache[region.pk] = region_in_scope(by, region) and can_administer_tasks(by, region)
        return scope_cache[region.pk]

    seen: dict[tuple, int] = {}
    for r in rows:
        v = r.values
        if task is not None and not any((v.get(k) or "").strip() for k in ("value", "achieved", "note")):
            continue  # a template row the filler left blank: nothing to import, not a mistake
        # "2024年" / "2024 年度" as people type them in a sheet: the year is the number.
        raw_year = (v.get("year") or "").strip()
        year = years.parse_year(raw_year)
        p = RowPlan(r.sheet, r.number, v.get("region", "").strip(), str(year) if year else raw_year,
                    v.get("indicator", "").strip(), note=(v.get("note") or "").strip())
        plans.append(p)
        region = regions.get(p.region_code)
        if region is None:
            p.errors.append(f"{p.where('区划代码')}：区划代码“{p.region_code}”不存在")
        elif not region_in_scope(by, region):
            p.errors.append(f"{p.where('区划代码')}：区划代码“{p.region_code}”不存在")  # do not confirm it exists
        elif not may_write(region):
            p.errors.append(f"{p.where('区划代码')}：您无权导入{region.name}的数据")
        p.region = region
        if year is None:
            p.errors.append(f"{p.where('年度')}：“{p.year}”不是有效年度（{years.FIRST_YEAR}–{years.LAST_YEAR}）")
        std_code = (v.get("standard") or "").strip() or DEFAULT_STANDARD
        ind = indicators.get((std_code, p.indicator_code))
        if std_code not in standards:
            p.errors.append(f"{p.where('标准')}：指标体系“{std_code}”不存在")
        elif ind is None:
            p.errors.append(f"{p.where('指标编码')}：{std_code} 中没有指标“{p.indicator_code}”")
        elif not ind.parent_id and ind.sub_items.all():
            subs = "、".join(s.code for s in ind.sub_items.all())
            p.errors.append(f"{p.where('指标编码')}：指标 {ind.code} 由分项组成，请按分项（{subs}）填报")
            ind = None
        p.indicator = ind
        try:
            p.value = parse_number(v.get("value"))
        except NumberFormatError as exc:
            p.errors.append(f"{p.where('数值')}：{exc}")
        try:
            p.achieved = _achieved(v.get("achieved", ""))
        except ValueError as exc:
            p.errors.append(f"{p.where('是否完成')}：{exc}")
        if p.value is None and p.achieved is None and not [e for e in p.errors if "“数值”列" in e]:
            p.errors.append(f"{p.where('数值')}：数值为空")
        if task is not None and not p.errors:
            if region.pk != task.region_id or int(p.year) != task.year:
                p.errors.append(f"{p.where('区划代码')}：该行不属于本任务（{task.region.name} {task.year}年）")
            elif ind.pk not in task_inds:
                p.errors.append(f"{p.where('指标编码')}：指标 {ind.code} 不在本任务中")
        if not p.errors:
            key = (region.pk, int(p.year), ind.pk)
            if key in seen:
                p.errors.append(f"{p.where('指标编码')}：与第 {seen[key]} 行重复（同一区划、年度、指标）")
            seen[key] = p.row

    good = [p for p in plans if not p.errors]
    keys = {(p.region.pk, int(p.year), p.indicator.pk) for p in good}
    existing = {}
    if keys:
        region_ids = {k[0] for k in keys}
        key_years = {k[1] for k in keys}
        ind_ids = {k[2] for k in keys}
        for iv in IndicatorValue.objects.filter(region_id__in=region_ids, year__in=key_years, indicator_id__in=ind_ids):
            existing[(iv.region_id, iv.year, iv.indicator_id)] = iv
    ev_counts = defaultdict(int)
    for vid in Evidence.objects.filter(value_id__in=[iv.pk for iv in existing.values()]).values_list(
            "value_id", flat=True):
        ev_counts[vid] += 1

    # What the checks compare against: the database overlaid with the file itself (check_many).
    def evidence_of(p):
        iv = existing.get((p.region.pk, int(p.year), p.indicator.pk))
        return ev_counts.get(iv.pk, 0) if iv else 0

    candidates = [checks.Candidate(p.region, int(p.year), p.indicator, p.value, p.achieved, evidence_of(p))
                  for p in good]
    findings_of = {id(p): f for p, f in zip(good, checks.check_many(candidates, stage=stage), strict=True)}
    for p in plans:
        if p.errors:
            p.outcome = "error"
            continue
        k = (p.region.pk, int(p.year), p.indicator.pk)
        iv = existing.get(k)
        p.existing = iv
        ind = p.indicator
        findings = findings_of[id(p)]
        same = iv is not None and iv.value == p.value and iv.achieved == p.achieved and iv.note == p.note
        locked = lock_message(iv.status) if iv is not None else None
        if locked and same:
            # The platform's own template lists locked rows too: as they are, they are no change.
            p.outcome = "locked"
            continue
        for f in findings:
            msg = f"{p.where('数值')}：{f.name}：{f.message}"
            (p.errors if f.blocking else p.warnings).append(msg)
        if locked:
            p.errors.append(f"{p.where('数值')}：{p.region.name} {p.year}年 指标 {ind.code} "
                            f"{iv.get_status_display()}，{locked}")
        if p.errors:
            p.outcome = "error"
        elif iv is None:
            p.outcome = "created"
        elif same and (iv.status == target_status or target_status == ValueStatus.DRAFT):
            # A draft upload leaves an editable value's status as it is (returned stays returned
            # until the task is submitted), as saving on the page does.
            p.outcome = "unchanged"
        else:
            p.outcome = "updated"
    return ImportPlan(name, plans, target_status)
