"""Ledger benchmarks (not tests): run with `.venv/bin/python benchmarks/ledger/run.py`.

1. `ecociv ledger import --kind projects` of 2,000 rows (.xlsx), dry run and applied (one
   audit row per project), against a per-row baseline in the same run: `update_or_create` and
   `audit.record` for each row, the way a first implementation would write it.
2. `ledger_summary` of a city with 10 counties × 100 projects (plus funds with 12 months of
   execution and responsibility items), against a baseline that loads every model instance and
   its executions one fund at a time.
3. `rank_children` of 100 counties with the packaged rules (entry metrics, assessment of 40
   indicators, projects, funds), against calling `ledger_summary` + `assess` once per county.

Runs on a throwaway SQLite database in a temporary directory (or DATABASE_URL if set).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="ecociv-bench-ledger-")
os.environ.setdefault("ECOCIV_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecociv.settings")
os.environ["AXES_ENABLED"] = "0"

import django

django.setup()

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db import transaction

HEADERS = ["区划代码", "年度", "项目名称", "类别", "牵头单位", "状态", "计划投资(万元)", "中央资金(万元)",
           "省级资金(万元)", "市级资金(万元)", "县级资金(万元)", "社会资本(万元)", "累计完成投资(万元)"]
STATUSES = ["未开工", "在建", "已完成", "部分完成"]


CPU = {}


def best(fn, n=3, label=None):
    """Best wall time of n runs; the best CPU time is kept under `label` (the machine is shared)."""
    times, cpus = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    if label:
        CPU[label] = min(cpus)
    return min(times), out


def setup():
    from ecociv.regions.models import Region, RegionLink

    call_command("migrate", "--noinput", verbosity=0)
    call_command("standards", "load", "--builtin", stdout=StringIO())
    prov = Region.objects.create(code="890000", name="基准省", level="province", zone="central")
    big = Region.objects.create(code="890100", name="基准市", level="city", parent=prov, admin_class="city")
    counties = []
    for i in range(100):
        c = Region.objects.create(code=f"89{1 + i // 99:02d}{1 + i % 99:02d}", name=f"基准县{i + 1}",
                                  level="county", parent=big, admin_class="county", zone="central", terrain="hill")
        RegionLink.objects.create(child=c, parent=big)
        counties.append(c)
    city = Region.objects.create(code="896000", name="十县市", level="city", parent=prov, admin_class="city")
    ten = []
    for i in range(10):
        c = Region.objects.create(code=f"8960{i + 1:02d}", name=f"十县市{i + 1}县", level="county", parent=city,
                                  admin_class="county", zone="central", terrain="hill")
        RegionLink.objects.create(child=c, parent=city)
        ten.append(c)
    return big, counties, city, ten


def project_file(regions, per_region, path: Path):
    import openpyxl

    rng = random.Random(7)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for reg in regions:
        for j in range(per_region):
            parts = [Decimal(rng.randint(0, 5000)) / 10 for _ in range(5)]
            planned = sum(parts) + (Decimal(7) if j % 50 == 0 else 0)  # some splits disagree
            # Amounts as number cells, as Excel stores what people type.
            ws.append([reg.code, 2025, f"项目{j + 1:04d}", "污水处理", "住房和城乡建设局", STATUSES[j % 4], planned,
                       *parts, planned * Decimal("0.6")])
    wb.save(path)
    return path


def bench_import(counties):
    from ecociv.audit.actions import record
    from ecociv.core.system import system_user
    from ecociv.ledger.actions import apply_import
    from ecociv.ledger.importing import plan_import
    from ecociv.ledger.models import Project
    from ecociv.ledger.summary import ledger_summary  # noqa: F401 - warm the import
    from ecociv.regions.models import Region

    by = system_user()
    f = project_file(counties[:20], 100, Path(TMP) / "projects.xlsx")
    t_dry, plan = best(lambda: plan_import(f, "projects", by=by), 3, "dry")
    assert plan.ok and len(plan.rows) == 2000

    def applied():
        Project.objects.all().delete()
        t, c = time.perf_counter(), time.process_time()
        p = plan_import(f, "projects", by=by)
        apply_import(p, by=by)
        return time.perf_counter() - t, time.process_time() - c
    runs = [applied() for _ in range(2)]
    t_apply, CPU["apply"] = min(r[0] for r in runs), min(r[1] for r in runs)
    t_again, plan2 = best(lambda: plan_import(f, "projects", by=by), 1)
    assert plan2.counts()["unchanged"] == 2000

    # Baseline: the same rows read with the same reader, written one at a time.
    from ecociv.core.tabular import read_table
    from ecociv.ledger.engine import parse_wan

    def baseline():
        Project.objects.all().delete()
        t, c = time.perf_counter(), time.process_time()
        _, rows = read_table(f)
        regions = {}
        with transaction.atomic():
            for r in rows:
                v = r.values
                reg = regions.get(v["区划代码"]) or Region.objects.get(code=v["区划代码"])
                regions[v["区划代码"]] = reg
                obj, _ = Project.objects.update_or_create(
                    region=reg, year=int(v["年度"]), name=v["项目名称"],
                    defaults={"category": v["类别"], "lead_department": v["牵头单位"], "status": "in_progress",
                              "planned": parse_wan(v["计划投资(万元)"]), "central": parse_wan(v["中央资金(万元)"]),
                              "provincial": parse_wan(v["省级资金(万元)"]), "municipal": parse_wan(v["市级资金(万元)"]),
                              "county": parse_wan(v["县级资金(万元)"]), "social": parse_wan(v["社会资本(万元)"]),
                              "completed": parse_wan(v["累计完成投资(万元)"])})
                record(user=by, action="bench", obj=obj, region=reg, after={"name": obj.name})
        return time.perf_counter() - t, time.process_time() - c
    runs = [baseline() for _ in range(2)]
    t_base, CPU["import_base"] = min(r[0] for r in runs), min(r[1] for r in runs)
    return t_dry, t_apply, t_again, t_base


def fill_city(city, ten):
    from ecociv.ledger.models import Fund, FundExecution, Project, Responsibility

    rng = random.Random(11)
    projects, funds = [], []
    for c in ten:
        for j in range(100):
            parts = [Decimal(rng.randint(0, 5000)) / 10 for _ in range(5)]
            projects.append(Project(region=c, year=2025, name=f"项目{j}", category="产业", status="in_progress",
                                    planned=sum(parts), central=parts[0], provincial=parts[1], municipal=parts[2],
                                    county=parts[3], social=parts[4], completed=sum(parts) / 2))
            if j % 10 == 0:
                funds.append(Fund(region=c, year=2025, name=f"资金{j}", source="中央", budget=Decimal(1000)))
        for j in range(20):
            Responsibility.objects.create(region=c, year=2025, title=f"任务{j}", lead_department=f"部门{j % 8}",
                                          deadline=dt.date(2025, 1 + j % 12, 28), progress=j * 5 % 101)
    Project.objects.bulk_create(projects, batch_size=500)
    Fund.objects.bulk_create(funds)
    FundExecution.objects.bulk_create([FundExecution(fund=f, month=m, amount=Decimal(70)) for f in funds
                                       for m in range(1, 13)])


def bench_summary(city, ten):
    from ecociv.ledger import engine
    from ecociv.ledger.models import SOURCE_FIELDS, Fund, Project
    from ecociv.ledger.summary import ledger_summary

    fill_city(city, ten)
    today = dt.date(2026, 12, 1)
    t_sum, s = best(lambda: ledger_summary(city, 2025, today=today), 5, "summary")
    assert s["projects"]["total"] == 1000

    def baseline():
        out = {"planned": Decimal(0), "by_source": dict.fromkeys(SOURCE_FIELDS, Decimal(0)), "findings": []}
        for p in Project.objects.filter(region__path__startswith=city.path, year=2025).select_related("region"):
            out["planned"] += p.planned or 0
            for label, f in SOURCE_FIELDS.items():
                out["by_source"][label] += getattr(p, f) or 0
            out["findings"] += engine.project_findings(p.name, p.planned, p.source_amounts(), p.completed)
        for f in Fund.objects.filter(region__path__startswith=city.path, year=2025):
            executed = sum(e.amount for e in f.executions.all())
            out["findings"] += engine.fund_findings(str(f), f.budget, executed, Decimal(1), Decimal(10))
        return out
    t_base, b = best(baseline, 5, "summary_base")
    assert engine.wan_str(b["planned"]) == s["investment_wanyuan"]["planned"]
    return t_sum, t_base


def bench_ranking(big, counties):
    from ecociv.assessment.engine import assess
    from ecociv.ledger.models import Fund, FundExecution, Project
    from ecociv.ledger.ranking import load_rules, rank_children
    from ecociv.ledger.summary import ledger_summary

    rng = random.Random(3)
    Project.objects.bulk_create([Project(region=c, year=2026, name=f"p{j}", category="产业", planned=Decimal(100),
                                         completed=Decimal(rng.randint(0, 100))) for c in counties for j in range(10)])
    funds = Fund.objects.bulk_create([Fund(region=c, year=2026, name="f", source="县级", budget=Decimal(100))
                                      for c in counties])
    FundExecution.objects.bulk_create([FundExecution(fund=f, month=m, amount=Decimal(rng.randint(0, 9)))
                                       for f in funds for m in range(1, 13)])
    rules = load_rules()
    t_rank, rows = best(lambda: rank_children(big, 2026, rules), 3, "rank")
    assert len(rows) == 100

    def baseline():
        return [(ledger_summary(c, 2026), assess(c, 2026)) for c in counties]
    t_base, _ = best(baseline, 1, "rank_base")
    return t_rank, t_base


def main():
    big, counties, city, ten = setup()
    t_dry, t_apply, t_again, t_base = bench_import(counties)
    print(f"import 2,000 project rows (.xlsx): dry run {t_dry:.2f} s (target ≤ 1 s); applied with 2,000 audit rows "
          f"{t_apply:.2f} s (target ≤ 3 s); re-import (all 未变) {t_again:.2f} s; "
          f"per-row baseline {t_base:.2f} s ({t_base / t_apply:.1f}× slower than applied)")
    t_sum, t_base = bench_summary(city, ten)
    print(f"ledger_summary of a city with 10 counties × 100 projects: {t_sum * 1000:.0f} ms (target ≤ 200 ms); "
          f"instance-by-instance baseline {t_base * 1000:.0f} ms ({t_base / t_sum:.1f}×)")
    t_rank, t_base = bench_ranking(big, counties)
    print(f"rank_children of 100 counties (packaged rules): {t_rank * 1000:.0f} ms (target ≤ 500 ms); "
          f"per-county summary + assess baseline {t_base * 1000:.0f} ms ({t_base / t_rank:.1f}×)")
    print("CPU seconds (best run): " + ", ".join(f"{k} {v:.3f}" for k, v in CPU.items()))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
