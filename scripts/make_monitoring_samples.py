"""Writes the small fictional monitoring files offered on the 监测数据 page (ecociv/monitoring/
data/samples): two air stations with a year of hourly data and water sections sampled monthly
over two years. Deterministic (seeded); run again only to change them.

    python scripts/make_monitoring_samples.py
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "ecociv" / "monitoring" / "data" / "samples"
REGION = "880102"  # 临江区 of the demo world; the page writes the chosen region's code instead
YEAR = 2025


def air(rng: random.Random) -> None:
    stations = [("LJ01", REGION, "滨江监测站（示例）"), ("LJ02", REGION, "新港监测站（示例）")]
    with open(OUT / "air-stations.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["station", "region", "name"])
        w.writerows(stations)
    with open(OUT / f"air-hourly-{YEAR}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["station", "time", "SO2", "NO2", "CO", "O3", "PM10", "PM2.5"])
        day = dt.date(YEAR, 1, 1)
        while day.year == YEAR:
            season = 1 + 0.6 * math.cos((day.timetuple().tm_yday - 15) / 365 * 2 * math.pi)  # winter high
            episode = rng.random() < 0.06
            for sid, _, _ in stations:
                down = rng.random() < 0.01  # a station out for the day
                for h in range(24):
                    if down or rng.random() < 0.01:
                        continue
                    k = season * (2.2 if episode else 1) * rng.uniform(0.6, 1.4)
                    sun = max(0.0, math.sin((h - 6) / 12 * math.pi))
                    pm25 = round(28 * k)
                    w.writerow([sid, f"{day:%Y-%m-%d} {h:02d}:00", round(8 * k), round(24 * k),
                                f"{0.5 * k + 0.2:.1f}", round(30 + 75 * sun * rng.uniform(0.6, 1.2) / season),
                                round(pm25 * 1.6), pm25])
            day += dt.timedelta(days=1)


def water(rng: random.Random) -> None:
    sections = [("LJ-W1", "river", 0.25), ("LJ-W2", "river", 0.6), ("LJ-W3", "lake", 0.45), ("LJ-W4", "river", 1.1)]
    with open(OUT / f"water-{YEAR - 1}-{YEAR}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["section", "region", "date", "water_type", "pH", "DO", "NH3-N", "TP", "COD"])
        for year in (YEAR - 1, YEAR):
            better = 0.85 if year == YEAR else 1.0  # the later year a little cleaner
            for sec, wtype, level in sections:
                for month in range(1, 13):
                    k = level * better * rng.uniform(0.8, 1.2)
                    w.writerow([sec, REGION, f"{year}-{month:02d}-10", wtype, f"{rng.uniform(6.8, 8.2):.1f}",
                                f"{max(2.0, 8.5 - 3 * k):.1f}", f"{0.9 * k:.2f}",
                                f"{(0.04 if wtype == 'lake' else 0.15) * k:.3f}", round(12 + 14 * k)])


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20251201)
    air(rng)
    water(rng)
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)
