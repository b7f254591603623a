"""What the dashboard pages show, computed from the one assessment (engine.assess_many) and the
scoped region family. No page computes a status itself."""
from __future__ import annotations

import datetime as dt
import gc
from collections import OrderedDict, defaultdict

from django.db.models import Max
from django.urls import reverse

from ecociv.assessment.engine import Assessment, IndicatorResult, assess_many, number
from ecociv.assessment.present import ASSESSED_LEVELS, value_text
from ecociv.assessment.templatetags.assess import json_data
from ecociv.core.targets import Status, format_decimal
from ecociv.entry.models import IndicatorValue, Task, TaskItem, TaskStatus, ValueStatus
from ecociv.regions.models import Region
from ecociv.regions.scope import visible_regions

STATUS_ORDER = [Status.MET, Status.NOT_MET, Status.PENDING, Status.MISSING, Status.NOT_APPLICABLE]
STATUS_COLORS = {Status.MET: "#43a047", Status.NOT_MET: "#e53935", Status.PENDING: "#ffb300",
                 Status.MISSING: "#90a4ae", Status.NOT_APPLICABLE: "#eceff1"}
VALUE_STATUS_LABELS = dict(ValueStatus.choices)


def matrix_regions(user, region: Region) -> list[Region]:
    """Rows of the matrix: the region itself when it is assessed (a city), then every city and
    county below it that the user may see, in code order."""
    qs = visible_regions(user).filter(path__startswith=region.path, level__in=ASSESSED_LEVELS)
    return list(qs.order_by("path"))


def siblings(user, region: Region) -> list[Region]:
    if region.parent_id is None:
        return [region]
    qs = visible_regions(user).filter(parent_id=region.parent_id, level=region.level)
    return list(qs.order_by("code")) or [region]


def _fmt(value) -> str:
    return format_decimal(value) if value is not None else ""


# Recent matrices, keyed by the regions shown, the year and the data version. Kept in-process
# (no pickling: the entries hold the assessment objects the template reads) and small.
_MATRIX_CACHE: OrderedDict = OrderedDict()
_MATRIX_CACHE_SIZE = 16


def data_version() -> tuple:
    """Changes to anything an assessment reads leave an audit row (every write goes through an
    audited action), so the newest audit id versions the data; the newest value id also
    catches bulk loads written without one (benchmarks). Both are index lookups: a count of
    the values scanned a whole nation's table on every request."""
    from ecociv.audit.models import AuditLog

    return (AuditLog.objects.aggregate(m=Max("id"))["m"], IndicatorValue.objects.aggregate(m=Max("id"))["m"])


def matrix(user, region: Region, year: int) -> dict:
    rows = matrix_regions(user, region)
    key = (tuple(r.pk for r in rows), year, data_version())
    hit = _MATRIX_CACHE.get(key)
    if hit is not None:
        _MATRIX_CACHE.move_to_end(key)
        return hit
    data = _matrix(rows, year)
    _MATRIX_CACHE[key] = data
    while len(_MATRIX_CACHE) > _MATRIX_CACHE_SIZE:
        _MATRIX_CACHE.popitem(last=False)
    return data


def matrix_assessments(user, region: Region, year: int) -> tuple[list[dict], list[Assessment]]:
    """The matrix's columns and every row's full assessment (the export's 明细 sheet). Not kept:
    the page keeps only what it shows (`matrix`)."""
    rows = matrix_regions(user, region)
    results = assess_many(rows, [year], with_trend=False)
    assessments = [results[(reg.pk, year)] for reg in rows]
    return _columns(assessments), assessments


def _columns(assessments: list[Assessment]) -> list[dict]:
    columns: list[dict] = []
    seen = set()
    for a in assessments:
        for r in a.indicators:
            if r.code not in seen:
                seen.add(r.code)
                columns.append({"code": r.code, "name": r.name, "area": r.area, "type": r.type})
    return columns


def _matrix(rows: list[Region], year: int) -> dict:
    # A province's page builds ~100,000 result objects that all live until the matrix is made
    # and are then dropped: the cyclic collector's passes over them found nothing and were the
    # slow tail of the page (p95 − p50 ≈ 20 ms). Collection is off while they live; what is kept
    # (text, numbers, tuples) is a few thousand small objects.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _matrix_data(rows, year)
    finally:
        if enabled:
            gc.enable()


def _matrix_data(rows: list[Region], year: int) -> dict:
    results = assess_many(rows, [year], with_trend=False)
    columns = _columns([results[(reg.pk, year)] for reg in rows])
    index = {c["code"]: i for i, c in enumerate(columns)}
    # Each cell carries its tooltip: [x, y, status, value, target, gap, reason], the target and the
    # reason as positions in `texts` — a province's 4,000 cells share a few dozen of each, so the
    # page's data and its building shrink (a "y,x"-keyed dict of four strings per cell before).
    cells, texts, verdicts = [], {}, []
    position = {s: i for i, s in enumerate(STATUS_ORDER)}  # a dict: list.index compared enums 50,000 times
    for y, reg in enumerate(rows):
        a = results[(reg.pk, year)]
        verdicts.append(a)
        for r in a.indicators:
            # A local target names itself in the tooltip; the catalogue's is the page's default.
            target = r.target_display + (f"（{r.applied.label}）" if r.target_source == "override" else "")
            cells.append((index[r.code], y, position[r.status], value_text(r),
                          texts.setdefault(target or "—", len(texts)), _fmt(r.gap),
                          texts.setdefault(r.reason[:40], len(texts))))
    areas = []
    for i, c in enumerate(columns):
        if not areas or areas[-1]["name"] != c["area"]:
            areas.append({"name": c["area"], "start": i, "count": 0})
        areas[-1]["count"] += 1
    return {
        "rows": rows, "columns": columns, "areas": areas,
        "passing": sum(a.verdict == "pass" for a in verdicts),
        "verdict_rows": [_verdict_row(a, year) for a in verdicts],
        # The page's data for the chart, kept as the JSON text the page embeds: encoded once,
        # not on every view, and one string instead of 5,000 small objects for the collector.
        "chart_json": json_data({
            "regions": [r.name for r in rows], "codes": [r.code for r in rows],
            "columns": [[c["code"], c["name"], c["area"], c["type"]] for c in columns],
            "areas": areas, "cells": cells, "texts": list(texts),
            "statuses": [[s.value, s.label, STATUS_COLORS[s]] for s in STATUS_ORDER],
        }),
    }


def _trunc(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _verdict_row(a: Assessment, year: int) -> dict:
    """One row of the matrix page's 各区划结论 table, as text: 101 rows of template loops and
    filters (truncatechars above all) were a quarter of a province's cold page."""
    shown = [f"{b.code} {_trunc(b.name, 12)}" if b.kind == "indicator" else _trunc(b.name, 12) for b in a.blocking[:5]]
    why = "；".join(shown) + (f" 等 {len(a.blocking)} 项" if len(a.blocking) > 5 else "")
    s = a.summary
    return {"url": reverse("dashboard:region", args=[a.region.code, year]), "name": a.region.name,
            "passes": a.verdict == "pass", "label": a.verdict_label,
            "binding": f"{s['binding_met']}/{s['binding_total']}",
            "reference": f"{s['reference_met']}/{s['reference_total']}",
            "not_met": s["not_met"], "missing": s["missing"], "pending": s["pending"], "why": why}


def region_overview(a: Assessment) -> dict:
    areas = a.by_area()
    names = list(areas)
    radar = [round(100 * c["met"] / c["applicable"], 1) if c["applicable"] else 0 for c in areas.values()]
    problems = []
    for r in a.indicators:
        if r.status in (Status.NOT_MET, Status.MISSING, Status.PENDING):
            leaves = [s for s in r.sub_items if s.status == r.status] or [r]
            for leaf in leaves:
                problems.append({"top": r, "leaf": leaf, "department": leaf.lead_department or r.lead_department})
    trend_counts: dict[str, int] = defaultdict(int)
    for r in a.indicators:
        if r.applicable and r.trend is not None:
            trend_counts[r.trend.label] += 1
    return {
        "areas": areas,
        "chart": {
            "areas": names,
            "series": [[s.value, s.label, STATUS_COLORS[s], [areas[n][s.value] for n in names]] for s in STATUS_ORDER],
            "radar": radar,
            "trends": [[k, v] for k, v in trend_counts.items()],
        },
        "problems": problems,
    }


def indicator_history(region: Region, icode: str, years: list[int]) -> tuple[list[dict], IndicatorResult | None]:
    """The indicator's result for each year (one assess_many call for all years)."""
    results = assess_many([region], years, with_trend=True)
    out, last = [], None
    for y in years:
        a = results[(region.pk, y)]
        found = next((r for r in a.rows() if r.code == icode), None)
        if found is not None:
            out.append({"year": y, "result": found, "value": number(found.value),
                        "value_status_label": VALUE_STATUS_LABELS.get(found.value_status, "未填报"),
                        "target": number(found.target.value) if found.target and found.target.value is not None
                        else number(found.assigned.value) if found.assigned and found.assigned.value is not None
                        else None})
            last = found
    return out, last


def completeness(user, region: Region, year: int, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    regions = matrix_regions(user, region) or [region]
    results = assess_many(regions, [year], with_trend=False)
    task_dept = {}
    for rid, iid, dept in TaskItem.objects.filter(task__region__in=regions, task__year=year, indicator__isnull=False) \
            .values_list("task__region_id", "indicator_id", "task__department__name"):
        task_dept[(rid, iid)] = dept
    buckets = ["approved", "submitted", "draft", "returned", "missing"]
    by_region, by_dept = [], defaultdict(lambda: dict.fromkeys(buckets, 0))
    for reg in regions:
        counts = dict.fromkeys(buckets, 0)
        for top in results[(reg.pk, year)].indicators:
            for leaf in (top.sub_items or [top]):
                if not leaf.applicable:
                    continue
                b = leaf.value_status or "missing"
                counts[b] += 1
                dept = task_dept.get((reg.pk, leaf.indicator.pk)) or leaf.lead_department or "（未指定部门）"
                by_dept[dept][b] += 1
        total = sum(counts.values())
        by_region.append({"region": reg, "counts": counts, "total": total,
                          "share": round(100 * counts["approved"] / total, 1) if total else 0})
    depts = []
    for name, counts in by_dept.items():
        total = sum(counts.values())
        depts.append({"name": name, "counts": counts, "total": total,
                      "share": round(100 * counts["approved"] / total, 1) if total else 0})
    depts.sort(key=lambda d: (d["share"], -d["total"]))
    late = list(Task.objects.filter(region__in=regions, year=year, deadline__lt=today)
                .exclude(status=TaskStatus.APPROVED).select_related("region", "department").order_by("deadline"))
    for t in late:
        t.days_late = (today - t.deadline).days
    labels = dict(ValueStatus.choices) | {"missing": "未填报"}
    return {"regions": by_region, "departments": depts, "late": late, "buckets": [(b, labels[b]) for b in buckets],
            "today": today}
