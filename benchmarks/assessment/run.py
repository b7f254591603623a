"""Benchmark: assessing a province of 100 counties × 40 indicators × 10 years, and the matrix page.

    .venv/bin/python benchmarks/assessment/run.py [--counties 100] [--repeat 5] [--requests 30]

Builds a throwaway SQLite database under var/bench/ (never the working one): the national-2019
catalogue, one province, 100 counties with mixed classes, an approved value for every applicable
leaf indicator in each of 10 years (≈ 50,000 values), then times
  1. assess_many(100 counties, [last year]) — the province's verdicts with trends over 10 years;
  2. assess_many(100 counties, all 10 years) — 1,000 region-years;
  3. GET /dashboard/matrix/<province>/<year>/ through Django's test client, p50/p95, cold (the
     in-process matrix cache emptied before every request) and cached.
Each against its floor in the same run (issue 17 item 5): the bare SQL fetch of the same value
rows (`values_list` of the region-years' IndicatorValue rows, no assessment, no page).
"""
from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "assessment.sqlite3"
YEARS = list(range(2016, 2026))


def setup_django():
    DB.parent.mkdir(parents=True, exist_ok=True)
    if DB.exists():
        DB.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecociv.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("standards", "load", "--builtin", stdout=io.StringIO())


def build(counties: int):
    from ecociv.accounts.models import User
    from ecociv.core.roles import Role
    from ecociv.core.targets import select_target
    from ecociv.entry.models import IndicatorValue
    from ecociv.regions.models import Region, RegionLink
    from ecociv.standards.models import Standard

    province = Region.objects.create(code="890000", name="基准省", level="province", zone="central")
    city = Region.objects.create(parent=province, code="890100", name="基准市", level="city", admin_class="city",
                                 zone="central", terrain="hill", city_size="large_city")
    RegionLink.objects.create(child=city, parent=province)
    terrains = ["mountain", "hill", "plain"]
    regions = []
    for i in range(counties):
        r = Region.objects.create(parent=city, code=f"89{(i // 99) + 1:02d}{(i % 99) + 1:02d}", name=f"基准{i + 1}县",
                                  level="county", admin_class="county", zone="central", terrain=terrains[i % 3],
                                  coastal=i % 10 == 0)
        RegionLink.objects.create(child=r, parent=city)
        regions.append(r)
    standard = Standard.objects.get(code="national-2019")
    leaves = [i for i in standard.indicators.prefetch_related("targets", "sub_items").select_related("parent")
              if not i.sub_items.exists()]
    rows = []
    for r in regions:
        rng = random.Random(r.code)
        rc = r.as_class()
        for ind in leaves:
            applies = ind.parent.applies_to if ind.parent_id else ind.applies_to
            if applies == "city" or ((ind.coastal_only or (ind.parent_id and ind.parent.coastal_only)) and not r.coastal):
                continue
            spec = select_target(ind.target_specs(), rc)
            base = float(spec.value) if spec is not None and spec.value is not None else 60.0
            for k, year in enumerate(YEARS):
                numeric = (spec is not None and spec.op != "text") or ind.direction != "qualitative"
                value = Decimal(str(round(base * (0.9 + 0.02 * k + rng.uniform(-0.03, 0.03)), 2))) if numeric else None
                rows.append(IndicatorValue(region=r, year=year, indicator=ind, value=value,
                                           achieved=None if numeric and spec is not None and spec.op != "text"
                                           else rng.random() > 0.1, status="approved", source="demo"))
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    user = User(username="bench_superior", role=Role.SUPERIOR_REVIEWER, region=province)
    user.set_password("Bench@2026pass")
    user.save()
    return province, regions, len(rows), len(leaves)


def timed(fn, repeat):
    """Wall and CPU seconds per run: on a shared machine the CPU time is the figure that repeats."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return out, times, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    setup_django()
    t = time.perf_counter()
    province, regions, n_values, n_leaves = build(args.counties)
    print(f"built {len(regions)} counties, {n_values} approved values ({n_leaves} leaf indicators, 40 indicators, "
          f"{len(YEARS)} years) in {time.perf_counter() - t:.1f} s")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from ecociv.accounts.models import User
    from ecociv.assessment.engine import assess_many

    with CaptureQueriesContext(connection) as q:
        res = assess_many(regions, [YEARS[-1]])
    verdicts = sum(a.verdict == "pass" for a in res.values())
    _, one_year, cpu = timed(lambda: assess_many(regions, [YEARS[-1]]), args.repeat)
    print(f"1. assess_many({len(regions)} counties, {YEARS[-1]}, trends over {len(YEARS)} years): "
          f"wall median {statistics.median(one_year):.3f} s (max {max(one_year):.3f}), CPU median "
          f"{statistics.median(cpu):.3f} s, {len(q.captured_queries)} queries, {verdicts} pass")
    _, all_years, cpu = timed(lambda: assess_many(regions, YEARS), args.repeat)
    from ecociv.entry.models import IndicatorValue

    def fetch(years):
        return list(IndicatorValue.objects.filter(region__in=regions, year__in=years).values_list(
            "region_id", "year", "indicator_id", "value", "text_value", "achieved", "status"))

    n_rows = len(fetch(YEARS))
    _, floor, floor_cpu = timed(lambda: fetch(YEARS), args.repeat)
    print(f"2. assess_many({len(regions)} counties, {len(YEARS)} years = {len(regions) * len(YEARS)} region-years): "
          f"wall median {statistics.median(all_years):.3f} s (max {max(all_years):.3f}), CPU median "
          f"{statistics.median(cpu):.3f} s (target ≤ 1 s); floor: fetching the same {n_rows} value rows "
          f"(values_list) wall median {statistics.median(floor):.3f} s, CPU {statistics.median(floor_cpu):.3f} s "
          f"→ {statistics.median(all_years) / statistics.median(floor):.1f}× the fetch")

    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="bench_superior"))
    url = f"/dashboard/matrix/{province.code}/{YEARS[-1]}/"
    assert client.get(url).status_code == 200  # warm-up (template compilation)
    from ecociv.dashboard import queries

    def p95(xs):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(0.95 * len(xs)) - 1)]

    # "cold": the data changed before every request (cache emptied), so each one assesses all
    # 101 regions; "cached": nothing changed since the last view, the usual case for a dashboard.
    for label, clear in (("cold", True), ("cached", False)):
        times, cpu = [], []
        for _ in range(args.requests):
            if clear:
                queries._MATRIX_CACHE.clear()
            t, c = time.perf_counter(), time.process_time()
            resp = client.get(url)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert resp.status_code == 200
        print(f"3. GET {url} {label} ({len(regions) + 1} rows × 40 indicators, {len(resp.content) // 1024} KB): "
              f"wall p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95(times) * 1000:.0f} ms; CPU p50 "
              f"{statistics.median(cpu) * 1000:.0f} ms, p95 {p95(cpu) * 1000:.0f} ms over {len(times)} requests")
    matrix_rows = [province, *regions]
    _, floor, _ = timed(lambda: list(IndicatorValue.objects.filter(region__in=matrix_rows, year=YEARS[-1]).values_list(
        "region_id", "indicator_id", "value", "text_value", "achieved", "status")), args.requests)
    print(f"   floor of the page: fetching the same region-year's value rows (values_list): "
          f"wall p50 {statistics.median(floor) * 1000:.1f} ms, p95 {p95(floor) * 1000:.1f} ms (target of the cold page: "
          f"p95 ≤ 100 ms)")
    print(f"(load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
