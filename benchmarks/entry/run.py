"""Entry benchmarks (not tests): run with `.venv/bin/python benchmarks/entry/run.py`.

1. `ecociv import-values` on 10,000 long-format rows (200 counties × 50 indicators), whole
   command: read, dry-run plan with all checks (incl. sibling outliers), apply with one audit
   row per value. Target ≤ 10 s.
2. The entry page of a task with 40 indicators (with three past years of values, evidence,
   200 sibling counties for the outlier check), 200 GETs through Django's test client. Target
   p95 ≤ 300 ms.

Runs on a throwaway SQLite database in a temporary directory (or DATABASE_URL if set).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="ecociv-bench-entry-")
os.environ.setdefault("ECOCIV_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecociv.settings")
os.environ["AXES_ENABLED"] = "0"

import django

django.setup()

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import Client

from ecociv.entry.actions.tasks import create_task
from ecociv.entry.actions.values import save_value

ROWS_COUNTIES = 200
YEAR = 2025


def setup_world():
    from ecociv.accounts.models import Department, User
    from ecociv.core.roles import Role
    from ecociv.core.system import system_user
    from ecociv.regions.models import Region, RegionLink

    call_command("migrate", "--noinput", verbosity=0)
    call_command("standards", "load", "--builtin", stdout=StringIO())
    prov = Region.objects.create(code="890000", name="基准省", level="province", zone="central")
    city = Region.objects.create(code="890100", name="基准市", level="city", parent=prov, admin_class="city")
    counties = Region.objects.bulk_create([
        Region(code=f"89{1 + i // 99:02d}{1 + i % 99:02d}", name=f"基准县{i + 1}", level="county", parent=city,
               admin_class="county", zone="central", terrain="hill", path=f"890000/890100/89{1 + i // 99:02d}{1 + i % 99:02d}/")
        for i in range(ROWS_COUNTIES)])
    RegionLink.objects.bulk_create([RegionLink(child=c, parent=city) for c in counties])
    county = counties[0]
    dept = Department.objects.create(region=county, name="生态环境局")
    filler = User.objects.create(username="bench_filler", role=Role.FILLER, region=county, department=dept)
    admin = User.objects.create(username="bench_admin", role=Role.ADMIN, region=city)
    return system_user(), city, counties, dept, filler, admin


def leaf_indicators(region):
    from ecociv.entry.actions.tasks import applicable_indicators
    from ecociv.standards.models import Standard

    return applicable_indicators(region, Standard.objects.get(code="national-2019"))


def plausible(ind, i):
    from ecociv.core.targets import select_target

    spec = select_target(ind.target_specs(), ind_region_class)
    if spec is not None and spec.value is not None:
        base = spec.value
    else:
        base = Decimal(60)
    v = base * (Decimal(1) + Decimal((i * 37) % 11 - 5) / 100)
    if ind.unit == "%":
        v = min(v, Decimal(100))
    return v.quantize(Decimal("0.01")), (spec is not None and spec.op == "text")


def bench_import(counties):
    global ind_region_class
    ind_region_class = counties[0].as_class()
    inds = leaf_indicators(counties[0])
    # 10,000 rows: 200 counties × 50 indicators (the county list has fewer leaves; repeat
    # the first ones for a second year to reach exactly 10,000).
    rows = []
    for year in (YEAR, YEAR - 1):
        for c_i, c in enumerate(counties):
            for ind in inds:
                if len(rows) == 10_000:
                    break
                v, qual = plausible(ind, c_i)
                rows.append(f"{c.code},{year},{ind.code},{v},基准数据,national-2019,{'是' if qual else ''}")
    path = Path(TMP) / "values.csv"
    path.write_text("区划代码,年度,指标编码,数值,说明,标准,是否完成\n" + "\n".join(rows) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    call_command("import_values", str(path), "--dry-run", stdout=StringIO())
    dry = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = StringIO()
    call_command("import_values", str(path), "--draft", stdout=out, verbosity=0)
    full = time.perf_counter() - t0
    from ecociv.entry.models import IndicatorValue

    assert IndicatorValue.objects.count() == len(rows), out.getvalue()
    return len(rows), dry, full


def bench_page(county, dept, filler, admin):
    from ecociv.entry.models import IndicatorValue, ValueStatus

    inds = leaf_indicators(county)[:40]
    # Indicators beyond the county list fill the 40 (a county has fewer applicable leaves).
    if len(inds) < 40:
        from ecociv.standards.models import Standard

        extra = [i for i in Standard.objects.get(code="national-2019").indicators.filter(sub_items__isnull=True)
                 .order_by("order") if i not in inds]
        inds += extra[: 40 - len(inds)]
    # The import above entered 2025 and 2024 values (drafts) for these counties; remove them
    # so the page shows empty inputs (the expensive case), and add 2023/2022 history.
    IndicatorValue.objects.filter(region=county, year=YEAR).delete()
    for year in (YEAR - 3, YEAR - 2):
        IndicatorValue.objects.bulk_create([IndicatorValue(region=county, year=year, indicator=i, value=Decimal(80),
                                                           status=ValueStatus.APPROVED) for i in inds],
                                           ignore_conflicts=True)
    task = create_task(county, YEAR, dept, by=admin, indicators=inds, title="基准任务（40项指标）")
    for n, i in enumerate(inds):
        save_value(task, i, by=filler, raw=str(70 + n % 20), achieved=True, note="基准")
    client = Client()
    client.force_login(filler)
    url = f"/entry/tasks/{task.pk}/"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
    times.sort()
    return len(inds), statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


def main():
    _by, _city, counties, dept, filler, admin = setup_world()
    n, dry, full = bench_import(counties)
    print(f"import-values: {n} rows, dry run {dry:.2f} s, import --draft {full:.2f} s (target ≤ 10 s)")
    k, p50, p95, worst = bench_page(counties[0], dept, filler, admin)
    print(f"entry page: {k} indicators, 200 GETs, p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms "
          f"(target p95 ≤ 300 ms)")
    ok = full <= 10 and p95 <= 300
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
