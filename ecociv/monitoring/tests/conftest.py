import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

HEADER = ["station", "time", "SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]


def write_stations(path: Path, stations: dict[str, str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["station", "region", "name"])
        for s, r in stations.items():
            w.writerow([s, r, f"站点{s}"])
    return path


def write_air(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def random_world(seed: int = 7, start=dt.date(2025, 12, 20), end=dt.date(2026, 3, 12)):
    """4 stations in 2 regions, crossing a year end and the 2026-03-01 rule change.

    Values include decimals (up to 3 places), empty and negative cells, outages that break the
    20-hour and 8-hour validity, extreme values above the tables and O3 above 800.
    """
    rng = random.Random(seed)
    stations = {"A1": "R1", "A2": "R1", "B1": "R2", "B2": "R2"}
    rows = []
    day = start
    while day <= end:
        for s in stations:
            outage = rng.random()
            skip_hours = set(rng.sample(range(24), rng.choice([0, 0, 0, 3, 4, 5, 8, 12]))) if outage < 0.5 else set()
            o3_high = rng.random() < 0.03
            k = rng.choice([0.25, 0.25, 0.5, 1])   # clean, clean, moderate, polluted day
            for h in range(24):
                if h in skip_hours and rng.random() < 0.5:
                    continue                      # row absent
                t = dt.datetime.combine(day, dt.time(h)).strftime("%Y-%m-%d %H:%M")

                def val(lo, hi, dec=0, p_missing=0.03, h=h, skip_hours=skip_hours):
                    r = rng.random()
                    if h in skip_hours or r < p_missing:
                        return ""
                    if r < p_missing + 0.005:
                        return "-1"
                    x = Decimal(rng.randint(int(lo * 10**dec), int(hi * 10**dec))).scaleb(-dec)
                    return str(x)
                pm = val(2, 320 * k if rng.random() < 0.98 else 650, rng.choice([0, 0, 1]))
                o3 = val(850, 1100) if o3_high and 8 <= h <= 20 else val(0, 320 * k, rng.choice([0, 0, 2]))
                rows.append([s, t, val(1, 90 * k), val(5, 200 * k, rng.choice([0, 3])),
                             val(0, 6 * k, rng.choice([1, 1, 2, 3])), o3, val(5, 500 * k), pm])
        day += dt.timedelta(days=1)
    return stations, rows


@pytest.fixture
def air_world(tmp_path):
    stations, rows = random_world()
    return (write_stations(tmp_path / "stations.csv", stations), write_air(tmp_path / "air.csv", rows),
            stations, rows)
