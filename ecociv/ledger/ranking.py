"""考核 ranking of a region's children (towns of a county, counties of a city) and of its
departments, by scoring rules kept as data (data/ranking-rules.yaml, or an uploaded file).

Each metric is a ratio in [0, 1] gathered from the platform's data for the subject and year
(with the child's whole subtree); the pure scoring and the tie rule are in `engine`.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

from ecociv.ledger import engine
from ecociv.ledger.engine import ratio
from ecociv.regions.models import Region

DEFAULT_RULES = Path(__file__).parent / "data" / "ranking-rules.yaml"
REGION_METRICS = {"timeliness", "completeness", "achievement", "project_progress", "fund_execution",
                  "responsibilities", "not_overdue"}
DEPARTMENT_METRICS = {"timeliness", "completeness", "responsibilities", "not_overdue"}


class RulesError(ValueError):
    pass


def parse_rules(text: str) -> dict:
    """A rules file checked as a whole; the message names what is wrong, in Chinese."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"规则文件不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict) or not str(data.get("name") or "").strip():
        raise RulesError("规则文件须包含 name（规则名称）")
    for section, allowed in (("regions", REGION_METRICS), ("departments", DEPARTMENT_METRICS)):
        parts = data.get(section) or []
        if section == "regions" and not parts:
            raise RulesError("规则文件须包含 regions（区划考核的得分项）")
        if not isinstance(parts, list):
            raise RulesError(f"{section} 应为得分项列表")
        for i, p in enumerate(parts, start=1):
            if not isinstance(p, dict) or p.get("key") not in allowed:
                raise RulesError(f"{section} 第{i}项：key 应为 {', '.join(sorted(allowed))} 之一")
            try:
                w = Decimal(str(p.get("weight")))
            except Exception:  # noqa: BLE001 - any unreadable weight is the same mistake
                raise RulesError(f"{section} 第{i}项：weight 应为数字") from None
            if not w.is_finite() or w < 0:
                raise RulesError(f"{section} 第{i}项：weight 应为非负数")
            p["weight"] = str(w)
            p.setdefault("label", p["key"])
        data[section] = parts
    data["name"] = str(data["name"]).strip()
    return data


def load_rules(path: str | Path | None = None) -> dict:
    path = Path(path) if path else DEFAULT_RULES
    return parse_rules(path.read_text(encoding="utf-8"))


def active_rules() -> dict:
    """The newest uploaded rules that are active, else the packaged file."""
    from ecociv.ledger.models import RankingRules

    uploaded = RankingRules.objects.filter(active=True).first()
    return parse_rules(uploaded.content) if uploaded else load_rules()


def children_of(parent: Region, year: int) -> list[Region]:
    kids = list(parent.children_in(year))
    return sorted(kids or parent.children.all(), key=lambda r: r.code)


def _child_of(parent_path: str, path: str) -> str | None:
    rest = path[len(parent_path):]
    return rest.split("/", 1)[0] if rest else None


def _entry_metrics(task_rows) -> tuple[Decimal, Decimal]:
    """(timeliness, completeness) over task items: (deadline, item done, value status, submitted_at)."""
    total = complete = timely = 0
    for deadline, indicator_id, done, status, submitted_at in task_rows:
        total += 1
        if indicator_id is None:
            ok, on_time = bool(done), bool(done)
        else:
            ok = status in ("submitted", "approved")
            on_time = ok and (deadline is None or (submitted_at is not None and submitted_at.date() <= deadline))
        complete += ok
        timely += on_time
    return ratio(timely, total), ratio(complete, total)


def _task_items(year: int, **filters):
    """One row per task item with its value's status and submission time."""
    from django.db.models import OuterRef, Subquery

    from ecociv.entry.models import IndicatorValue, TaskItem

    values = IndicatorValue.objects.filter(region=OuterRef("task__region"), year=OuterRef("task__year"),
                                           indicator=OuterRef("indicator"))
    return (TaskItem.objects.filter(task__year=year, **filters)
            .annotate(v_status=Subquery(values.values("status")[:1]),
                      v_submitted=Subquery(values.values("submitted_at")[:1])))


def _metrics_for_children(parent: Region, kids: list[Region], year: int, rules_keys: set[str],
                          today: dt.date) -> dict[str, dict[str, Decimal]]:
    from ecociv.ledger.models import Fund, FundExecution, Project, Responsibility

    codes = {k.code for k in kids}
    m: dict[str, dict[str, Decimal]] = {k.code: {} for k in kids}
    under = {"region__path__startswith": parent.path}
    if rules_keys & {"timeliness", "completeness"}:
        rows = defaultdict(list)
        for path, deadline, ind, done, st, sub in _task_items(year, task__region__path__startswith=parent.path
                                                             ).values_list("task__region__path", "task__deadline",
                                                                           "indicator_id", "done", "v_status",
                                                                           "v_submitted"):
            c = _child_of(parent.path, path)
            if c in codes:
                rows[c].append((deadline, ind, done, st, sub))
        for c in codes:
            m[c]["timeliness"], m[c]["completeness"] = _entry_metrics(rows[c])
    if "achievement" in rules_keys:
        from ecociv.assessment.engine import assess_many

        results = assess_many(kids, [year], with_trend=False)
        for k in kids:
            a = results.get((k.pk, year))
            s = a.summary if a else {}
            m[k.code]["achievement"] = ratio(s.get("met", 0), s.get("total", 0) - s.get("not_applicable", 0))
    if "project_progress" in rules_keys:
        sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for path, planned, completed in Project.objects.filter(year=year, **under).values_list(
                "region__path", "planned", "completed"):
            s = sums[_child_of(parent.path, path)]
            s[0] += planned or 0
            s[1] += completed or 0
        for c in codes:
            m[c]["project_progress"] = ratio(sums[c][1], sums[c][0])
    if "fund_execution" in rules_keys:
        budget = defaultdict(Decimal)
        executed = defaultdict(Decimal)
        for path, b in Fund.objects.filter(year=year, **under).values_list("region__path", "budget"):
            budget[_child_of(parent.path, path)] += b or 0
        for path, a in FundExecution.objects.filter(fund__year=year, fund__region__path__startswith=parent.path
                                                    ).values_list("fund__region__path", "amount"):
            executed[_child_of(parent.path, path)] += a
        for c in codes:
            m[c]["fund_execution"] = ratio(executed[c], budget[c])
    if rules_keys & {"responsibilities", "not_overdue"}:
        items = defaultdict(list)
        for path, progress, deadline, status in Responsibility.objects.filter(year=year, **under).values_list(
                "region__path", "progress", "deadline", "status"):
            items[_child_of(parent.path, path)].append((progress, deadline, status))
        for c in codes:
            _responsibility_metrics(m[c], items[c], today)
    return m


def _responsibility_metrics(out: dict, items: list[tuple], today: dt.date) -> None:
    out["responsibilities"] = ratio(sum(p for p, _, _ in items), 100 * len(items))
    late = sum(1 for _, d, s in items if engine.overdue(d, s, today))
    out["not_overdue"] = Decimal(1) - ratio(late, len(items)) if items else Decimal(0)


def _ranked(subjects: list[tuple[str, str]], metrics: dict, parts: list[dict], key_name: str) -> list[dict]:
    scored = [(key, name, *engine.score(metrics[key], parts)) for key, name in subjects]
    ranks = engine.competition_ranks([s[2] for s in scored])
    out = [{key_name: key, "name": name, "score": format(total, "f"), "rank": rank, "parts": parts_}
           for (key, name, total, parts_), rank in zip(scored, ranks, strict=True)]
    return sorted(out, key=lambda r: (r["rank"], r[key_name]))


def rank_children(parent: Region, year: int, rules: dict | None = None, *, today: dt.date | None = None) -> list[dict]:
    """`ecociv ranking --json`: [{"region", "name", "score", "rank", "parts"}], best first."""
    rules = rules or active_rules()
    kids = children_of(parent, year)
    parts = rules["regions"]
    metrics = _metrics_for_children(parent, kids, year, {p["key"] for p in parts}, today or dt.date.today())
    return _ranked([(k.code, k.name) for k in kids], metrics, parts, "region")


def rank_departments(region: Region, year: int, rules: dict | None = None, *,
                     today: dt.date | None = None) -> list[dict]:
    """Departments of `region` (its accounts' departments and the units leading its
    responsibility items): [{"name", "score", "rank", "parts"}]."""
    from ecociv.accounts.models import Department
    from ecociv.ledger.models import Responsibility

    rules = rules or active_rules()
    parts = rules.get("departments") or []
    if not parts:
        return []
    today = today or dt.date.today()
    depts = {d.name: d.pk for d in Department.objects.filter(region=region)}
    items = defaultdict(list)
    for name, progress, deadline, status in Responsibility.objects.filter(region=region, year=year).values_list(
            "lead_department", "progress", "deadline", "status"):
        items[name].append((progress, deadline, status))
        depts.setdefault(name, None)
    rows = defaultdict(list)
    for dept_id, deadline, ind, done, st, sub in _task_items(year, task__region=region).values_list(
            "task__department_id", "task__deadline", "indicator_id", "done", "v_status", "v_submitted"):
        rows[dept_id].append((deadline, ind, done, st, sub))
    metrics = {}
    for name, pk in depts.items():
        m = {}
        m["timeliness"], m["completeness"] = _entry_metrics(rows.get(pk, []))
        _responsibility_metrics(m, items[name], today)
        metrics[name] = m
    return [{k: v for k, v in r.items() if k != "key"} | {"name": r["key"]}
            for r in _ranked([(n, n) for n in sorted(depts)], metrics, parts, "key")]


def history(parent: Region, subject: str = "region") -> dict[str, dict[int, int]]:
    """Published ranks by subject key and year: {"870121": {2025: 12, 2026: 1}}."""
    from ecociv.ledger.models import RankingResult

    out: dict[str, dict[int, int]] = defaultdict(dict)
    for key, year, rank in RankingResult.objects.filter(parent=parent, subject=subject).values_list(
            "key", "year", "rank"):
        out[key][year] = rank
    return dict(out)
