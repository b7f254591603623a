"""Everything a report quotes, gathered once: the assessment of the year and of the year
before (for 同比), evidence names, tasks, and — when the ledger app is installed — the ledger
summary and the ranking. Reports never compute a status or a total of their own: they quote
`assessment.engine.assess` and `ledger.summary.ledger_summary`."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from ecociv.assessment.engine import Assessment, IndicatorResult, assess_many
from ecociv.core.targets import Status
from ecociv.entry.models import Evidence, Task, TaskStatus
from ecociv.regions.models import Region

COUNTED = (Status.MET, Status.NOT_MET, Status.PENDING)


@dataclass
class ReportData:
    region: Region
    year: int
    assessment: Assessment
    previous: Assessment | None
    evidence: dict[int, list[str]] = field(default_factory=dict)  # indicator pk → file names
    tasks: dict = field(default_factory=dict)
    ledger: dict | None = None
    ranking: list[dict] | None = None  # the region's children, ranked
    own_rank: dict | None = None  # the region among its siblings
    date: dt.date | None = None

    def previous_result(self, code: str) -> IndicatorResult | None:
        if self.previous is None:
            return None
        if not hasattr(self, "_prev_index"):
            self._prev_index = {r.code: r for r in self.previous.rows()}
        return self._prev_index.get(code)


def counted_value(r: IndicatorResult | None) -> Decimal | None:
    """The value the assessment judged (approved, or submitted = 待核实); None otherwise."""
    if r is None or r.status not in COUNTED or r.value is None or r.sub_items:
        return None
    return r.value


def collect(region: Region, year: int, *, user=None, today: dt.date | None = None,
            with_ledger: bool = True) -> ReportData:
    results = assess_many([region], [year, year - 1])
    data = ReportData(region, year, results[(region.pk, year)], results.get((region.pk, year - 1)),
                      date=today or timezone.localdate())
    ev = defaultdict(list)
    for iid, name in Evidence.objects.filter(value__region=region, value__year=year).values_list(
            "value__indicator_id", "original_name").order_by("value__indicator_id", "uploaded_at", "id"):
        ev[iid].append(name)
    data.evidence = dict(ev)
    data.tasks = task_counts(region, year, data.date)
    if with_ledger:
        data.ledger, data.ranking, data.own_rank = ledger_parts(region, year, user=user, today=data.date)
    return data


def task_counts(region: Region, year: int, today: dt.date) -> dict:
    tasks = list(Task.objects.filter(region=region, year=year).select_related("department"))
    overdue = [t for t in tasks if t.deadline and t.deadline < today and t.status != TaskStatus.APPROVED]
    by_status = defaultdict(int)
    for t in tasks:
        by_status[t.status] += 1
    late_depts = defaultdict(int)
    for t in overdue:
        late_depts[t.department.name] += 1
    return {"total": len(tasks), "departments": len({t.department_id for t in tasks}),
            "approved": by_status[TaskStatus.APPROVED], "submitted": by_status[TaskStatus.SUBMITTED],
            "open": by_status[TaskStatus.OPEN], "returned": by_status[TaskStatus.RETURNED],
            "overdue": len(overdue), "overdue_departments": dict(sorted(late_depts.items(), key=lambda x: -x[1]))}


def ledger_parts(region: Region, year: int, *, user=None, today: dt.date | None = None):
    """The ledger's summary and rankings, or (None, None, None) while the ledger app is absent."""
    if not apps.is_installed("ecociv.ledger"):
        return None, None, None
    try:
        from ecociv.ledger.summary import ledger_summary
    except ImportError:
        return None, None, None
    when = {"today": today} if today else {}
    summary = ledger_summary(region, year, user=user, **when)
    ranking = own = None
    try:
        from ecociv.ledger.ranking import rank_children
    except ImportError:
        return summary, None, None
    if region.children.exists():
        ranking = rank_children(region, year, **when) or None
    if region.parent_id:
        siblings = rank_children(region.parent, year, **when) or []
        own = next((r for r in siblings if r.get("region") == region.code), None)
        if own is not None:
            previous = {r.get("region"): r for r in (rank_children(region.parent, year - 1, **when) or [])}
            own = dict(own, previous_rank=(previous.get(region.code) or {}).get("rank"), of=len(siblings))
    return summary, ranking, own
