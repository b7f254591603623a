"""Synthetic monthly surface-water samples in the import format of `ecociv water-eval`
(section,region,date,water_type,<GB 3838 items>), deterministic (seed).

One sample per section and month; sections are grouped into regions of 1–16 sections (so both
region methods of the 2011 办法 occur: fewer than 5 sections → means of the sections, otherwise
class shares); 85 % rivers, 10 % lakes, 5 % reservoirs. Values carry the decimals of real
reports (pH 0.1, NH3-N 0.001, Hg 0.00001 mg/L …), around 3 % of cells are empty and 0.2 %
negative (both "missing"), and about 1 row in 5,000 has a text value ("未检出") so the bad-row
path is exercised.

    python benchmarks/monitoring/gen_water.py --sections 5000 --years 10 --out var/bench/water_5000x10y.csv
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

# item, decimals, typical level (gamma mean), shape; DO is a lower bound, pH a range.
ITEMS = [("pH", 1), ("DO", 1), ("CODMn", 1), ("COD", 0), ("BOD5", 1), ("NH3-N", 3), ("TP", 3),
         ("F", 2), ("Hg", 5)]


def write(n_sections: int, first_year: int, years: int, path: Path, seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    # Regions: consecutive sections, sizes 1..16 (a quarter of the regions below 5).
    sizes = []
    while sum(sizes) < n_sections:
        sizes.append(int(rng.integers(1, 5)) if rng.random() < 0.25 else int(rng.integers(5, 17)))
    region_of = np.repeat(np.arange(len(sizes)), sizes)[:n_sections]
    wtype = rng.choice(np.array(["river", "lake", "reservoir"]), n_sections, p=[0.85, 0.10, 0.05])
    quality = rng.gamma(2.0, 0.5, n_sections)      # section pollution level, ~1 = class II–III
    months = [f"{y}-{m:02d}-10" for y in range(first_year, first_year + years) for m in range(1, 13)]
    nm = len(months)
    n = n_sections * nm
    q = np.repeat(quality, nm) * rng.lognormal(0, 0.35, n)
    vals = {
        "pH": np.clip(rng.normal(7.6, 0.6, n), 4.5, 10.5),
        "DO": np.clip(9.5 - 2.5 * q + rng.normal(0, 0.8, n), 0.2, 14),
        "CODMn": 3.0 * q,
        "COD": 14 * q,
        "BOD5": 2.6 * q,
        "NH3-N": 0.45 * q ** 1.5,
        "TP": 0.09 * q,
        "F": 0.5 * q ** 0.5,
        "Hg": 0.00003 * q,
    }
    for k in ("CODMn", "COD", "BOD5", "NH3-N", "TP", "F", "Hg"):
        vals[k] = vals[k] * rng.lognormal(0, 0.15, n)   # each item its own noise
    cols = {}
    for item, dec in ITEMS:
        s = np.char.mod(f"%.{dec}f", np.round(vals[item], dec))
        r = rng.random(n)
        s[r < 0.03] = ""
        s[(r >= 0.03) & (r < 0.032)] = "-1"
        cols[item] = s
    bad = rng.random(n) < 0.0002
    cols["NH3-N"][bad] = "未检出"
    sec = np.repeat(np.array([f"W{i:05d}" for i in range(n_sections)]), nm)
    reg = np.repeat(np.array([f"{880000 + i:06d}" for i in region_of]), nm)
    wt = np.repeat(wtype, nm)
    date = np.tile(np.array(months), n_sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("section,region,date,water_type," + ",".join(i for i, _ in ITEMS) + "\n")
        step = 100_000
        for a in range(0, n, step):
            b = min(n, a + step)
            parts = [sec[a:b], reg[a:b], date[a:b], wt[a:b]] + [cols[i][a:b] for i, _ in ITEMS]
            fh.write("\n".join(",".join(row) for row in zip(*(p.tolist() for p in parts))))
            fh.write("\n")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sections", type=int, default=5000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--first-year", type=int, default=2016)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    print(write(a.sections, a.first_year, a.years, a.out, a.seed), "rows")


if __name__ == "__main__":
    main()
