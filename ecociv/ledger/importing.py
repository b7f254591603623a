"""Reading a ledger file (.xlsx, or .csv in UTF-8, UTF-8 with BOM or GB18030) into a plan:
per row 新增 / 更新 / 未变 / 错误, with the parts-vs-total findings as warnings. Nothing is
written here; `actions.apply_import` applies a plan without errors, all or nothing.

Rows are identified (a project by 区划代码 + 年度 + 项目名称, …), so importing the same file
again changes nothing. Errors name the row as 第N行 (the header is row 1) and the column header.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ecociv.core import years
from ecociv.core.tabular import TableError, read_table
from ecociv.entry.engine.checks import NumberFormatError, parse_number
from ecociv.ledger import engine, kinds
from ecociv.ledger.engine import MoneyError, parse_wan
from ecociv.ledger.models import (
    SOURCE_FIELDS,
    Activity,
    Fund,
    ItemStatus,
    Project,
    ProjectStatus,
    Responsibility,
)
from ecociv.ledger.scope import can_manage
from ecociv.regions.models import Region
from ecociv.regions.scope import region_in_scope

MONTHS = [f"{m}月执行(万元)" for m in range(1, 13)]


@dataclass(frozen=True)
class Column:
    header: str  # exactly as in the template (ASCII parentheses, as the contract spells them)
    key: str
    type: str = "text"  # text | money | int | percent | date | status | choice
    required: bool = False  # the cell must be filled
    help: str = ""
    in_header: bool = False  # the column must be present (its cells may be blank)


@dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    model: type
    columns: tuple[Column, ...]
    identity: tuple[str, ...]  # field keys besides region and year


COMMON = (Column("区划代码", "region", required=True, help="6/9/12位行政区划代码"),
          Column("年度", "year", "int", required=True, help="如 2026"))

SPECS = {
    "projects": Spec("projects", "重点项目", Project, (*COMMON,
        Column("项目名称", "name", required=True),
        Column("类别", "category", "choice", required=True, help="见“类别”说明"),
        Column("牵头单位", "lead_department", required=True),
        Column("状态", "status", "status", required=True, help="未开工/在建/已完成/部分完成"),
        Column("计划投资(万元)", "planned", "money", required=True, help="可写 350000元、1.2亿元"),
        Column("中央资金(万元)", "central", "money", in_header=True),
        Column("省级资金(万元)", "provincial", "money", in_header=True),
        Column("市级资金(万元)", "municipal", "money", in_header=True),
        Column("县级资金(万元)", "county", "money", in_header=True),
        Column("社会资本(万元)", "social", "money", in_header=True),
        Column("累计完成投资(万元)", "completed", "money", in_header=True),
        Column("开工日期", "start_date", "date"),
        Column("完工日期", "end_date", "date"),
        Column("备注", "note"),
    ), ("name",)),
    "funds": Spec("funds", "资金与预算执行", Fund, (*COMMON,
        Column("资金名称", "name", required=True, help="项目或专项名称"),
        Column("资金来源", "source", "choice", required=True, help="中央/省级/市级/县级/社会资本"),
        Column("预算金额(万元)", "budget", "money", required=True),
        Column("关联项目", "project", help="同区划同年度的项目名称"),
        Column("主管单位", "department"),
        *(Column(h, f"m{m}", "money") for m, h in enumerate(MONTHS, start=1)),
        Column("绩效指标", "perf_name"),
        Column("绩效目标值", "perf_target", "decimal"),
        Column("绩效实际值", "perf_actual", "decimal"),
        Column("备注", "note"),
    ), ("name", "source")),
    "activities": Spec("activities", "创建活动与执法", Activity, (*COMMON,
        Column("类别", "kind", "choice", required=True, help="如 新闻报道、绿色学校、志愿服务、执法检查"),
        Column("事项", "title", required=True),
        Column("日期", "date", "date"),
        Column("数量", "count", "decimal"),
        Column("级别", "level", help="国家级/省级/市级/县级"),
        Column("参与人数", "participants", "int"),
        Column("金额(万元)", "amount", "money", help="罚款等"),
        Column("牵头单位", "department"),
        Column("备注", "note"),
    ), ("kind", "title")),
    "responsibilities": Spec("responsibilities", "任务分解", Responsibility, (*COMMON,
        Column("任务", "title", required=True),
        Column("牵头单位", "lead_department", required=True),
        Column("配合单位", "helpers", help="多个用、分隔"),
        Column("完成时限", "deadline", "date"),
        Column("进度(%)", "progress", "percent"),
        Column("状态", "status", "status", help="未开始/推进中/已完成"),
        Column("关联指标", "indicator", help="指标编码，如 7.1"),
        Column("备注", "note"),
    ), ("title",)),
}
KINDS = list(SPECS)

STATUS_WORDS = {
    "projects": {**{c.label: c.value for c in ProjectStatus}, "完工": ProjectStatus.DONE,
                 "已完工": ProjectStatus.DONE, "建设中": ProjectStatus.IN_PROGRESS, "在建中": ProjectStatus.IN_PROGRESS},
    "responsibilities": {**{c.label: c.value for c in ItemStatus}, "进行中": ItemStatus.IN_PROGRESS,
                         "完成": ItemStatus.DONE},
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RowPlan:
    sheet: str
    row: int
    ref: str = ""
    outcome: str = ""  # created | updated | unchanged | error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region: Region | None = None
    year: int | None = None
    values: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)  # funds: monthly executions, performance target
    existing: object = None

    @property
    def outcome_label(self) -> str:
        return {"created": "新增", "updated": "更新", "unchanged": "未变", "error": "错误"}[self.outcome]

    def where(self, header: str) -> str:
        return f"工作表“{self.sheet}”第{self.row}行“{header}”列"


@dataclass
class ImportPlan:
    kind: str
    file_name: str
    rows: list[RowPlan]

    @property
    def spec(self) -> Spec:
        return SPECS[self.kind]

    @property
    def errors(self) -> list[str]:
        return [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            out[r.outcome] += 1
        return out

    def summary(self) -> str:
        c = self.counts()
        return f"新增 {c['created']} 条，更新 {c['updated']} 条，未变 {c['unchanged']} 条，错误 {c['error']} 条"


def _norm_header(h: str) -> str:
    return re.sub(r"\s+", "", h).replace("（", "(").replace("）", ")")


def parse_date(raw: str) -> dt.date | None:
    s = (raw or "").strip()
    if not s:
        return None
    s = s.split(" ")[0] if re.match(r"^\d{4}-\d{1,2}-\d{1,2} \d", s) else s
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
    if not m:
        raise ValueError(f"“{raw}”不是日期（如 2026-03-31 或 2026年3月31日）")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"“{raw}”不是有效日期") from None


def _decimal(raw: str) -> Decimal | None:
    return parse_number(raw)


def plan_import(path: str | Path, kind: str, *, by, data: bytes | None = None, name: str | None = None,
                today: dt.date | None = None) -> ImportPlan:
    if kind not in SPECS:
        raise ImportFileError(f"未知的台账类型“{kind}”，可选：{'、'.join(KINDS)}")
    spec = SPECS[kind]
    name = name or Path(path).name
    aliases = {}
    for c in spec.columns:
        aliases[c.header] = c.key
        aliases[_norm_header(c.header)] = c.key
        aliases[c.header.replace("(", "（").replace(")", "）")] = c.key
    try:
        keys, rows = read_table(path, data=data, name=name, aliases=aliases)
    except TableError as exc:
        raise ImportFileError(str(exc)) from None
    # Header spellings with spaces or full-width parentheses are the same column.
    keys = [aliases.get(_norm_header(k), k) for k in keys]
    for r in rows:
        r.values = {aliases.get(_norm_header(k), k): v for k, v in r.values.items()}
    missing = [c.header for c in spec.columns if (c.required or c.in_header) and c.key not in keys]
    if missing:
        raise ImportFileError(f"文件 {name} 缺少列：{'、'.join(missing)}（请使用“下载模板”得到的表头）")
    cols = {c.key: c for c in spec.columns}
    codes = {r.values.get("region", "").strip() for r in rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    manage_cache: dict[int, bool] = {}
    categories = kinds.project_categories() if kind == "projects" else []
    activity_kinds = kinds.activity_kinds() if kind == "activities" else {}
    sources = kinds.fund_sources()
    plans: list[RowPlan] = []
    seen: dict[tuple, int] = {}

    for r in rows:
        v = r.values
        p = RowPlan(r.sheet, r.number)
        plans.append(p)

        def err(key, message, p=p):
            p.errors.append(f"{p.where(cols[key].header)}：{message}")

        code = v.get("region", "").strip()
        region = regions.get(code)
        if region is None or not region_in_scope(by, region):
            err("region", f"区划代码“{code}”不存在或不在您的管辖范围内")  # do not confirm it exists
        else:
            if region.pk not in manage_cache:
                manage_cache[region.pk] = can_manage(by, region)
            if not manage_cache[region.pk]:
                err("region", f"您无权修改{region.name}的台账")
            p.region = region
        year = years.parse_year(v.get("year", ""))
        if year is not None:
            p.year = year
        else:
            err("year", f"“{v.get('year', '').strip()}”不是有效年度（{years.FIRST_YEAR}–{years.LAST_YEAR}）")
        for c in spec.columns:
            if c.key in ("region", "year"):
                continue
            raw = (v.get(c.key) or "").strip()
            if c.required and raw == "":
                err(c.key, "不能为空")
                continue
            try:
                value = _convert(kind, c, raw, categories, activity_kinds, sources)
            except (ValueError, MoneyError, NumberFormatError) as exc:
                err(c.key, str(exc))
                continue
            if c.key.startswith("m") and c.key[1:].isdigit():
                if value is not None:
                    p.extras.setdefault("months", {})[int(c.key[1:])] = value
            elif c.key.startswith("perf_"):
                p.extras[c.key] = value
            else:
                p.values[c.key] = value
        if kind == "activities" and p.values.get("kind") in activity_kinds:
            p.values["group"] = activity_kinds[p.values["kind"]]["group"]
        if kind == "funds":
            _fund_extras(p, err)
        if kind == "responsibilities":
            _responsibility_defaults(p)
        p.ref = " ".join(str(p.values.get(k, "")) for k in spec.identity)
        if p.region is not None and p.year is not None and all(p.values.get(k) for k in spec.identity):
            key = (p.region.pk, p.year, *tuple(p.values[k] for k in spec.identity))
            if key in seen:
                err(spec.identity[0], f"与第{seen[key]}行重复（同一区划、年度、{cols[spec.identity[0]].header}）")
            else:
                seen[key] = p.row

    _resolve_links(kind, plans)
    _compare(spec, plans)
    _warn(kind, plans, today or dt.date.today())
    return ImportPlan(kind, name, plans)


def _convert(kind, c: Column, raw: str, categories, activity_kinds, sources):
    if c.type == "text":
        limit = {"name": 200, "title": 300 if kind == "responsibilities" else 200}.get(c.key, 300)
        if len(raw) > limit:
            raise ValueError(f"内容过长（最多 {limit} 字）")
        return raw
    if raw == "":
        return None
    if c.type == "money":
        return parse_wan(raw)
    if c.type == "decimal":
        return _decimal(raw)
    if c.type == "int":
        n = _decimal(raw)
        if n is None or n != n.to_integral() or n < 0:
            raise ValueError(f"“{raw}”应为非负整数")
        return int(n)
    if c.type == "percent":
        n = _decimal(raw.removesuffix("%").removesuffix("％"))
        if n is None or not (0 <= n <= 100) or n != n.to_integral():
            raise ValueError(f"“{raw}”应为 0 到 100 的整数")
        return int(n)
    if c.type == "date":
        return parse_date(raw)
    if c.type == "status":
        words = STATUS_WORDS[kind]
        if raw not in words:
            labels = "/".join(words)
            raise ValueError(f"“{raw}”不是有效状态（可选：{labels}）")
        return words[raw]
    if c.type == "choice":
        allowed = {"category": categories, "kind": list(activity_kinds), "source": sources}[c.key]
        if raw not in allowed:
            raise ValueError(f"“{raw}”不在类别表中（可选：{'、'.join(allowed)}；新类别请由管理员在后台添加）")
        return raw
    raise AssertionError(c.type)


def _fund_extras(p: RowPlan, err) -> None:
    name = p.extras.get("perf_name")
    target = p.extras.get("perf_target")
    if name and target is None:
        err("perf_target", "填写了绩效指标，需同时填写绩效目标值")
    if not name and (target is not None or p.extras.get("perf_actual") is not None):
        err("perf_name", "填写了绩效目标值或实际值，需同时填写绩效指标")


def _responsibility_defaults(p: RowPlan) -> None:
    v = p.values
    if v.get("progress") is None:
        v["progress"] = 100 if v.get("status") == ItemStatus.DONE else 0
    if v.get("status") is None:
        v["status"] = (ItemStatus.DONE if v["progress"] == 100 else
                       ItemStatus.IN_PROGRESS if v["progress"] > 0 else ItemStatus.NOT_STARTED)


def _resolve_links(kind: str, plans: list[RowPlan]) -> None:
    """Foreign keys named in the file: a fund's project, a responsibility's indicator."""
    good = [p for p in plans if p.region is not None and p.year is not None]
    good_ids = {id(p) for p in good}
    if kind == "funds":
        names = {p.values.get("project") for p in good if p.values.get("project")}
        found = {}
        if names:
            for pid, rid, year, pname in Project.objects.filter(name__in=names, region__in={p.region.pk for p in good}
                                                                ).values_list("pk", "region_id", "year", "name"):
                found[(rid, year, pname)] = pid
        for p in plans:
            pname = p.values.pop("project", None)
            p.values["project_id"] = None
            if not pname or id(p) not in good_ids:
                continue
            pid = found.get((p.region.pk, p.year, pname))
            if pid is None:
                p.errors.append(f"{p.where('关联项目')}：{p.region.name}{p.year}年没有项目“{pname}”（请先导入项目）")
            p.values["project_id"] = pid
    if kind == "responsibilities":
        from ecociv.standards.models import Indicator, RegionStandard

        chosen = {(rs.region_id, rs.year): rs.standard_id for rs in RegionStandard.objects.filter(
            region__in={p.region.pk for p in good})}
        default = {"national-2019"}
        inds = {}
        for ind in Indicator.objects.select_related("standard").filter(
                code__in={p.values.get("indicator") for p in good if p.values.get("indicator")}):
            inds[(ind.standard_id, ind.code)] = ind
            if ind.standard.code in default:
                inds[(None, ind.code)] = ind
        for p in plans:
            code = p.values.pop("indicator", None)
            p.values["indicator_id"] = None
            if not code or id(p) not in good_ids:
                continue
            ind = inds.get((chosen.get((p.region.pk, p.year)), code)) or inds.get((None, code))
            if ind is None:
                p.errors.append(f"{p.where('关联指标')}：指标体系中没有指标“{code}”")
            else:
                p.values["indicator_id"] = ind.pk


def _compare(spec: Spec, plans: list[RowPlan]) -> None:
    good = [p for p in plans if not p.errors]
    existing = {}
    if good:
        qs = spec.model.objects.filter(region__in={p.region.pk for p in good}, year__in={p.year for p in good},
                                       **{f"{spec.identity[0]}__in": {p.values[spec.identity[0]] for p in good}})
        if spec.kind == "funds":
            qs = qs.prefetch_related("executions", "targets")
        for obj in qs:
            existing[(obj.region_id, obj.year, *tuple(getattr(obj, k) for k in spec.identity))] = obj
    for p in plans:
        if p.errors:
            p.outcome = "error"
            continue
        obj = existing.get((p.region.pk, p.year, *tuple(p.values[k] for k in spec.identity)))
        p.existing = obj
        if obj is None:
            p.outcome = "created"
        elif all(getattr(obj, k) == v for k, v in p.values.items()) and (
                spec.kind != "funds" or fund_extras_of(obj) == _extras_key(p.extras)):
            p.outcome = "unchanged"
        else:
            p.outcome = "updated"


def _extras_key(extras: dict) -> tuple:
    perf = (extras.get("perf_name") or "", extras.get("perf_target"), extras.get("perf_actual"))
    return tuple(sorted((extras.get("months") or {}).items())), perf if perf[0] else None


def fund_extras_of(fund) -> tuple:
    months = tuple(sorted((e.month, e.amount) for e in fund.executions.all()))
    targets = list(fund.targets.all())
    perf = (targets[0].name, targets[0].target, targets[0].actual) if len(targets) == 1 else (
        None if not targets else ("*", None, None))
    return months, perf


def _warn(kind: str, plans: list[RowPlan], today: dt.date) -> None:
    """Parts-vs-total findings: accepted, but flagged (pages and the summary show them too)."""
    for p in plans:
        if p.errors:
            continue
        v = p.values
        found = []
        if kind == "projects":
            found = engine.project_findings(v["name"], v.get("planned"),
                                            {label: v.get(f) for label, f in SOURCE_FIELDS.items()}, v.get("completed"))
        elif kind == "funds":
            executed = engine.total((p.extras.get("months") or {}).values())
            found = engine.fund_findings(v["name"], v.get("budget"), executed, Decimal(0), kinds.lag_points())
        p.warnings.extend(f"第{p.row}行：{f.message}" for f in found)
