"""Benchmark: a county's 工作总结 as .docx and as PDF, and the batch .zip for many counties.

    .venv/bin/python benchmarks/reports/run.py [--counties 100] [--repeat 5] [--batch-format docx]

Builds a throwaway SQLite database under var/bench/ (never the working one): the national-2019
catalogue, one province → one city → N counties with demo-like values for 2024 and 2025 (the
values `ecociv demo` would make, a mix of approved, submitted and missing). Then times, in one run:
  1. the county's 工作总结 .docx through `reports.generate` (data + prose + docxtpl template);
     baseline in the same run: the assessment alone (`assess`, the figures the prose quotes),
     so the ratio is what writing the document costs on top of computing its figures;
  2. the same document as PDF (WeasyPrint), against the .docx;
  3. the batch .zip of every county of the city (`generate_batch`), against N × the single
     document of step 1 (the batch should cost no more than making them one by one).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "reports.sqlite3"


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
    from ecociv.core.system import system_user
    from ecociv.regions.models import Region, RegionLink
    from ecociv.reports.tests.helpers import fill_values

    by = system_user()
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
        fill_values(r, [2024, 2025], by=by)
        regions.append(r)
    return by, city, regions


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-format", default="docx", choices=["docx", "pdf"])
    args = ap.parse_args()
    setup_django()
    t = time.perf_counter()
    by, city, regions = build(args.counties)
    print(f"setup: {args.counties} counties with values in {time.perf_counter() - t:.1f} s")
    from ecociv.assessment.engine import assess
    from ecociv.reports.generate import generate, generate_batch

    county = regions[0]
    generate(county, 2025, "summary", "docx", user=by)  # warm imports and the template cache
    base, _ = timed(lambda: (assess(county, 2025), assess(county, 2024)), args.repeat)
    docx_s, out = timed(lambda: generate(county, 2025, "summary", "docx", user=by), args.repeat)
    print(f"county 工作总结 .docx: {docx_s:.3f} s median of {args.repeat} ({len(out.data) / 1024:.0f} KB); "
          f"assessment alone (this year and last): {base:.3f} s; ratio {docx_s / base:.1f}×  [target ≤ 1 s]")
    pdf_s, out = timed(lambda: generate(county, 2025, "summary", "pdf", user=by), max(1, args.repeat // 2))
    print(f"county 工作总结 PDF: {pdf_s:.3f} s ({len(out.data) / 1024:.0f} KB); {pdf_s / docx_s:.1f}× the .docx  "
          f"[target ≤ 3 s]")
    t = time.perf_counter()
    out = generate_batch(city, 2025, "summary", args.batch_format, user=by)
    batch_s = time.perf_counter() - t
    single = docx_s if args.batch_format == "docx" else pdf_s
    print(f"batch of {len(regions)} counties (.{args.batch_format} in one .zip): {batch_s:.1f} s "
          f"({len(out.data) / 1024 / 1024:.1f} MB); {len(regions)} × single = {single * len(regions):.1f} s, "
          f"ratio {batch_s / (single * len(regions)):.2f}  [target ≤ 120 s]")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
