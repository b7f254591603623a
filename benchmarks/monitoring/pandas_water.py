"""The surface-water evaluation in vectorised pandas/numpy, as a competent analyst writes it.

pyarrow CSV reader (values as text, `pd.to_numeric(errors="coerce")`; a row with a cell that is
not a number is dropped), values as integers x 10^5 (exact in int64), one groupby for sums and
counts per section-year, classes with numpy comparisons against the limit table (sum <= limit x
count), exceedance multiples and 4-decimal means with GB/T 8170 rounding in integer arithmetic;
then water_common.finish() for the JSON and the region shares. No row numbers or reasons, the
region of a section-year from its first row: the floor, not the same work as the engine.

    .venv/bin/python benchmarks/monitoring/pandas_water.py DATA.csv > out.json
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import water_common as wc


def rhe(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    q, r = np.divmod(a, b)
    return q + ((2 * r > b) | ((2 * r == b) & (q % 2 == 1)))


def classes(lim, s: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d, b = lim
    if d == "range":
        c = np.where((s >= b[0] * n) & (s <= b[1] * n), 0, 5)
        return c, np.full(len(s), -1)
    ok = [(s >= x * n) if d == "ge" else (s <= x * n) for x in b]
    c = np.select(ok, range(5), 5)
    if d != "le":
        return c, np.full(len(s), -1)
    c3 = b[2] * n
    over = s > c3
    m = np.where(over, rhe(np.where(over, 100 * (s - c3), 0), np.maximum(c3, 1)), -1)
    return c, m


def run(path: str) -> dict:
    df = pd.read_csv(path, engine="pyarrow", dtype="string", keep_default_na=False)
    items = [c for c in df.columns[4:] if c != "WT"]
    kinds = wc.limits()
    vals, ok = {}, np.ones(len(df), bool)
    for it in items:
        txt = df[it].str.strip()
        x = pd.to_numeric(txt, errors="coerce").to_numpy("float64")
        ok &= ~(np.isnan(x) & (txt != "").to_numpy(bool))
        vals[it] = np.where(x >= 0, np.round(x * wc.SCALE), np.nan)   # exact: at most 5 decimals
    w = pd.DataFrame({"section": df["section"], "region": df["region"], "year": df["date"].str[:4].astype(int),
                      "wt": df["water_type"], **{f"v{k}": vals[it] for k, it in enumerate(items)}})[ok]
    g = w.groupby(["section", "year"], sort=True)
    head = g.agg(region=("region", "first"), wt=("wt", "min"), samples=("wt", "size"))
    vcols = [f"v{k}" for k in range(len(items))]
    s = g[vcols].sum().to_numpy(np.int64)
    n = g[vcols].count().to_numpy(np.int64)
    lake = head["wt"].isin(wc.LAKE).to_numpy()
    per_item = []
    for k, it in enumerate(items):
        lims = kinds.get(it, {})
        c = np.full(len(head), -1)
        m = np.full(len(head), -1)
        for body, mask in (("river", ~lake), ("lake", lake)):
            if body in lims:
                cb, mb = classes(lims[body], s[:, k], n[:, k])
                c, m = np.where(mask, cb, c), np.where(mask, mb, m)
        c = np.where(n[:, k] > 0, c, -1)
        a = np.where(n[:, k] > 0, rhe(s[:, k], np.maximum(n[:, k], 1) * 10), -1)
        per_item.append((s[:, k].tolist(), n[:, k].tolist(), c.tolist(), m.tolist(), a.tolist()))
    rows = []
    idx = head.index.tolist()
    hv = head[["region", "wt", "samples"]].itertuples(index=False, name=None)
    for i, ((sec, year), (region, wt, samples)) in enumerate(zip(idx, hv)):
        per = [(p[0][i], p[1][i], None if p[2][i] < 0 else p[2][i], None if p[3][i] < 0 else p[3][i],
                None if p[4][i] < 0 else p[4][i]) for p in per_item]
        rows.append((sec, int(year), region, wt, int(samples), per))
    return wc.finish(rows, items, kinds)


if __name__ == "__main__":
    json.dump(run(sys.argv[1]), sys.stdout, ensure_ascii=False)
