"""The ledger summary of a region and its whole subtree for a year — the one function behind
`ecociv ledger summary --json`, the ledger pages' totals and the reports that quote them.

Amounts are summed in Python from the stored Decimals (a database SUM on SQLite is a float),
so totals agree to the last 元 wherever they are shown.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from ecociv.ledger import engine, kinds
from ecociv.ledger.engine import wan_str
from ecociv.ledger.models import (
    SOURCE_FIELDS,
    Activity,
    Fund,
    FundExecution,
    PerformanceTarget,
    Project,
    ProjectStatus,
    Responsibility,
)
from ecociv.regions.models import Region

STATUS_LABELS = {c.value: c.label for c in ProjectStatus}


def subtree(region: Region):
    return Region.objects.filter(path__startswith=region.path)


def _in(region: Region):
    return {"region__path__startswith": region.path}


def project_rows(region: Region, year: int) -> list[tuple]:
    return list(Project.objects.filter(year=year, **_in(region)).values_list(
        "name", "status", "planned", "completed", *SOURCE_FIELDS.values()))


def project_part(region: Region, year: int) -> tuple[dict, list[engine.Finding]]:
    rows = project_rows(region, year)
    by_status = Counter(r[1] for r in rows)
    labels = list(SOURCE_FIELDS)
    source_sums = [Decimal(0)] * len(labels)
    source_counts = [0] * len(labels)
    planned = completed = Decimal(0)
    findings = []
    for name, _status, p, c, *sources in rows:
        planned += p or 0
        completed += c or 0
        for i, s in enumerate(sources):
            if s is not None:
                source_sums[i] += s
                if s > 0:
                    source_counts[i] += 1
        findings.extend(engine.project_findings(name, p, dict(zip(labels, sources, strict=True)), c))
    out = {
        "projects": {"total": len(rows), "by_status": {lab: by_status.get(v, 0) for v, lab in STATUS_LABELS.items()}},
        "investment_wanyuan": {"planned": wan_str(planned), "completed": wan_str(completed),
                               "by_source": {lab: wan_str(s) for lab, s in zip(labels, source_sums, strict=True)}},
        "projects_by_source": dict(zip(labels, source_counts, strict=True)),
    }
    return out, findings


def fund_rows(region: Region, year: int, today: dt.date) -> tuple[list[dict], list[engine.Finding]]:
    """Each fund with its budget, executed amount, rate, monthly cumulative and findings."""
    funds = list(Fund.objects.filter(year=year, **_in(region)).select_related("region", "project"))
    months = defaultdict(dict)
    for fid, m, amt in FundExecution.objects.filter(fund__in=[f.pk for f in funds]).values_list(
            "fund_id", "month", "amount"):
        months[fid][m] = amt
    targets = defaultdict(list)
    for t in PerformanceTarget.objects.filter(fund__in=[f.pk for f in funds]):
        targets[t.fund_id].append(t)
    elapsed = engine.year_elapsed(year, today)
    lag, share = kinds.lag_points(), kinds.deviation_share()
    out, findings = [], []
    for f in funds:
        executed = engine.total(months[f.pk].values())
        fs = engine.fund_findings(str(f), f.budget, executed, elapsed, lag)
        for t in targets[f.pk]:
            d = engine.performance_finding(str(f), t.name, t.target, t.actual, share)
            if d:
                fs.append(d)
        findings.extend(fs)
        cumulative, run = [], Decimal(0)
        for m in range(1, 13):
            run += months[f.pk].get(m, 0)
            cumulative.append(run)
        out.append({"fund": f, "executed": executed, "rate": engine.execution_rate(executed, f.budget),
                    "cumulative": cumulative, "months": months[f.pk], "targets": targets[f.pk], "findings": fs})
    return out, findings


def execution_curve(funds: list[dict]) -> list[Decimal | None]:
    """Cumulative execution rate of all funds together at the end of each month."""
    budget = engine.total(f["fund"].budget for f in funds)
    if not budget:
        return [None] * 12
    return [engine.total(f["cumulative"][m] for f in funds) / budget for m in range(12)]


def responsibility_part(region: Region, year: int, today: dt.date) -> dict:
    rows = list(Responsibility.objects.filter(year=year, **_in(region)).values_list(
        "lead_department", "deadline", "status", "progress"))
    overdue_by = Counter(d for d, dl, st, _ in rows if engine.overdue(dl, st, today))
    return {"total": len(rows), "done": sum(1 for r in rows if r[2] == "done"),
            "overdue": sum(overdue_by.values()), "overdue_by_department": dict(overdue_by.most_common())}


def activity_part(region: Region, year: int) -> tuple[dict, dict]:
    """(activities by kind, enforcement). A row without a 数量 counts as one."""
    units = {k: v["unit"] for k, v in kinds.activity_kinds().items()}
    counts: dict[str, dict] = {}
    fines = Decimal(0)
    for kind, group, count, amount in Activity.objects.filter(year=year, **_in(region)).values_list(
            "kind", "group", "count", "amount"):
        c = counts.setdefault(kind, {"group": group, "label": kind, "unit": units.get(kind, ""), "items": 0,
                                     "count": Decimal(0)})
        c["items"] += 1
        c["count"] += count if count is not None else 1
        if group == "enforcement" and amount is not None:
            fines += amount
    for c in counts.values():
        c["count"] = engine.plain(c["count"])
    activities = {k: v for k, v in sorted(counts.items()) if v["group"] != "enforcement"}
    enforcement_kinds = {k: v for k, v in sorted(counts.items()) if v["group"] == "enforcement"}
    enforcement = {"inspections": (enforcement_kinds.get("执法检查") or {}).get("count", "0"),
                   "cases": (enforcement_kinds.get("立案查处") or {}).get("count", "0"),
                   "fines_wanyuan": wan_str(fines), "by_kind": enforcement_kinds}
    return activities, enforcement


def percent(ratio: Decimal) -> str:
    return engine.plain((Decimal(ratio) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ledger_summary(region: Region, year: int, *, user=None, today: dt.date | None = None) -> dict:
    """The contract object of `ecociv ledger summary --json`. With `user`, the region must be in
    their scope (Http404 otherwise), as for every read of user data."""
    if user is not None:
        from ecociv.regions.scope import get_region_for_user

        region = get_region_for_user(user, region.code)
    today = today or dt.date.today()
    out, findings = project_part(region, year)
    funds, fund_findings = fund_rows(region, year, today)
    budget = engine.total(f["fund"].budget for f in funds)
    executed = engine.total(f["executed"] for f in funds)
    elapsed = engine.year_elapsed(year, today)
    out["funds"] = {"total": len(funds), "budget_wanyuan": wan_str(budget), "executed_wanyuan": wan_str(executed),
                    # rates in percent (30.58 = 30.58 %), as officials quote them
                    "execution_rate": percent(executed / budget) if budget else None,
                    "time_elapsed": percent(elapsed),
                    "lagging": [{"name": str(f["fund"]), "rate": percent(f["rate"])} for f in funds
                                if any(x.kind == "execution_lag" for x in f["findings"])]}
    out["responsibilities"] = responsibility_part(region, year, today)
    out["activities"], out["enforcement"] = activity_part(region, year)
    out["findings"] = [f.as_json() for f in findings + fund_findings]
    return {"region": region.code, "name": region.name, "year": year, **out}
