"""Synthetic hourly air data in the import format (station,time,SO2,NO2,CO,O3,PM10,PM2.5).

Values follow plausible seasonal/diurnal shapes, integers in ug/m3 and CO to 0.1 mg/m3 as real
monitoring exports are; about 2 % of cells are empty and 0.2 % negative (both mean "missing"),
and a few station-days lose most hours, so the validity rules are exercised.

    python benchmarks/monitoring/gen_data.py --stations 1000 --year 2024 --out /tmp/air.csv
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def station_ids(n: int) -> list[str]:
    return [f"S{i:05d}" for i in range(n)]


def write_stations(n: int, path: Path, stations_per_region: int = 5) -> None:
    ids = station_ids(n)
    t = pa.table({
        "station": ids,
        "region": [f"R{i // stations_per_region:04d}" for i in range(n)],
        "name": [f"监测站{i}" for i in range(n)],
    })
    pacsv.write_csv(t, path)


def hours_of_year(year: int) -> list[str]:
    start = dt.datetime(year, 1, 1)
    n = (dt.datetime(year + 1, 1, 1) - start).days * 24
    return [(start + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M") for h in range(n)]


def generate(n_stations: int, year: int, seed: int = 1, chunk: int = 100):
    """Yield pyarrow tables of `chunk` stations each (keeps memory flat for 5,000 stations)."""
    rng = np.random.default_rng(seed)
    times = hours_of_year(year)
    nh = len(times)
    t = np.arange(nh)
    season = 1 + 0.5 * np.cos(2 * np.pi * t / nh)           # winter high
    diurnal = 1 + 0.4 * np.sin(2 * np.pi * ((t % 24) - 9) / 24)  # afternoon peak for O3
    times_arr = pa.array(times)
    ids = station_ids(n_stations)
    for c0 in range(0, n_stations, chunk):
        cols = {"station": [], "time": []}
        vals = {k: [] for k in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")}
        for sid in ids[c0:c0 + chunk]:
            base = rng.uniform(0.5, 1.6)
            pm25 = rng.gamma(2.0, 18 * base, nh) * season
            vals["PM2.5"].append(np.round(pm25))
            vals["PM10"].append(np.round(pm25 * rng.uniform(1.3, 2.0) + rng.gamma(2, 5, nh)))
            vals["SO2"].append(np.round(rng.gamma(2, 5 * base, nh) * season))
            vals["NO2"].append(np.round(rng.gamma(3, 9 * base, nh)))
            vals["CO"].append(np.round(rng.gamma(3, 0.25 * base, nh) * season, 1))
            vals["O3"].append(np.round(rng.gamma(4, 18, nh) * diurnal * (2.2 - season)))
            cols["station"].append(np.full(nh, sid, dtype=object))
        n = nh * len(cols["station"])
        out = {
            "station": pa.array(np.concatenate(cols["station"]), pa.string()),
            "time": pa.concat_arrays([times_arr] * len(cols["station"])),
        }
        for k, parts in vals.items():
            x = np.concatenate(parts)
            r = rng.random(n)
            x[r < 0.02] = np.nan                  # empty cell
            x[(r >= 0.02) & (r < 0.022)] = -99    # negative = missing, as the format says
            out[k] = x
        # A few station-days with a long outage: fewer than 20 hours -> invalid daily values.
        outage = rng.random(n // 24) < 0.01
        mask = np.repeat(outage, 24) & (np.tile(np.arange(24), n // 24) < 6)
        for k in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"):
            out[k][mask] = np.nan
        yield out


def _as_text(out: dict) -> pa.Table:
    cols = {"station": out["station"], "time": out["time"]}
    for k in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"):
        x = out[k]
        if k == "CO":
            s = pa.array(np.char.mod("%.1f", x), pa.string())
        else:
            s = pa.array(np.char.mod("%d", np.nan_to_num(x, nan=0).astype(np.int64)), pa.string())
        s = pa.compute.if_else(pa.array(np.isnan(x)), pa.scalar("", pa.string()), s)
        cols[k] = s
    return pa.table(cols)


def write(n_stations: int, year: int, out: Path, fmt: str, seed: int = 1, years: int = 1) -> None:
    import pyarrow.compute  # noqa: F401  (pa.compute used in _as_text)

    writer = None
    parts = (p for k in range(years) for p in generate(n_stations, year + k, seed + k))
    for part in parts:
        if fmt == "csv":
            t = _as_text(part)
            if writer is None:
                writer = pacsv.CSVWriter(out, t.schema, write_options=pacsv.WriteOptions(quoting_style="none"))
            writer.write_table(t)
        else:
            # Parquet keeps numbers as numbers (what a database export gives); CO stays 1 decimal.
            t = pa.table({
                "station": part["station"], "time": part["time"],
                **{k: pa.array(part[k], pa.float64(), from_pandas=True) for k in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")},
            })
            if writer is None:
                writer = pq.ParquetWriter(out, t.schema, compression="zstd")
            writer.write_table(t)
    writer.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--stations-out", type=Path)
    ap.add_argument("--format", choices=("csv", "parquet"), default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--years", type=int, default=1)
    a = ap.parse_args()
    fmt = a.format or ("parquet" if a.out.suffix == ".parquet" else "csv")
    write(a.stations, a.year, a.out, fmt, a.seed, a.years)
    write_stations(a.stations, a.stations_out or a.out.with_name(a.out.stem + "_stations.csv"))


if __name__ == "__main__":
    main()
