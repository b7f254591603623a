"""What the two water baselines share: the limits as a table (from the project's data file, as an
analyst would load it) and the last step, Python over the per-section figures they computed
vectorised: the JSON of sections and regions in the form `ecociv water-eval --json` prints.

Values are integers x 10^5 (the data carry at most 5 decimals, as the limits do), so sums and
"mean <= limit" (sum <= limit x count) are exact.
"""
from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCALE = 10 ** 5
CLASSES = ("I", "II", "III", "IV", "V", "劣V")
CLASS_CN = {"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类", "IV": "Ⅳ类", "V": "Ⅴ类", "劣V": "劣Ⅴ类"}
LAKE = ("lake", "reservoir")


def limits() -> dict[str, dict]:
    """code -> {"river": (direction, [ints]), "lake": (direction, [ints])} for the items that decide a
    section's class (gb3838_limits.csv, in_2011_section_class_eval = Y)."""
    import csv

    out: dict[str, dict] = {}
    with open(ROOT / "ecociv/monitoring/data/gb3838_limits.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["direction"] == "text" or r["in_2011_section_class_eval"] != "Y":
                continue
            if r["direction"] == "range":
                vals = r["class_I"].split("-")
            else:
                vals = [r[f"class_{c}"] for c in ("I", "II", "III", "IV", "V")]
            ints = [int(Fraction(v) * SCALE) for v in vals]
            body = {"all": ("river", "lake"), "river": ("river",), "lake_reservoir": ("lake",)}[r["water_body"]]
            for b in body:
                out.setdefault(r["code"], {})[b] = (r["direction"], ints)
    return out


def rules() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "ecociv/monitoring/data/water_rules.yaml").read_text(encoding="utf-8"))


def rhe(a: int, b: int) -> int:
    q, r = divmod(a, b)
    return q + 1 if 2 * r > b or (2 * r == b and q % 2 == 1) else q


def item_class(lim: tuple[str, list[int]], s: int, n: int) -> int:
    d, b = lim
    if d == "range":
        return 0 if b[0] * n <= s <= b[1] * n else 5
    for i, x in enumerate(b):
        if (s >= x * n) if d == "ge" else (s <= x * n):
            return i
    return 5


def finish(rows: list[tuple], items: list[str], kinds: dict) -> dict:
    """rows: (section, year, region, water_type, samples, [(sum, count, class or None, multiple x100
    or None, mean x 10^4 or None) per item]) sorted by section, year."""
    spec = rules()
    status = spec["class_status"]
    sections, by_region = [], {}
    for sec, year, region, wt, samples, per in rows:
        cls_i = [(it, p[2]) for it, p in zip(items, per) if p[2] is not None]
        worst = max((c for _, c in cls_i), default=None)
        over = [{"item": it, "class": CLASSES[c], "multiple": None if p[3] is None else p[3] / 100}
                for (it, p) in zip(items, per) if p[2] is not None and p[2] > 2 for c in (p[2],)]
        over.sort(key=lambda o: -CLASSES.index(o["class"]))
        cls = CLASSES[worst] if worst is not None else None
        sections.append({"id": sec, "year": year, "region": region, "water_type": wt, "samples": samples,
                         "class": cls, "class_cn": CLASS_CN.get(cls), "status": status.get(cls) if cls else None,
                         "over_III": over,
                         "means": {it: p[4] / 10 ** 4 for it, p in zip(items, per) if p[4] is not None}})
        if cls:
            by_region.setdefault((region, year), []).append((cls, wt, per))
    regions = [{"id": reg, "year": year, **_region(v, items, kinds, spec)} for (reg, year), v in sorted(by_region.items())]
    return {"sections": sections, "regions": regions}


def _region(secs: list, items: list[str], kinds: dict, spec: dict) -> dict:
    classes = [c for c, _, _ in secs]
    n = len(classes)
    good = sum(1 for c in classes if CLASSES.index(c) <= 2)
    bad = classes.count("劣V")
    out = {"sections": n, "share_I_III": rhe(1000 * good, n) / 10, "share_worse_V": rhe(1000 * bad, n) / 10}
    st = None
    for row in spec["status_by_share"]:
        if ("good_at_least" not in row or Fraction(good, n) >= Fraction(row["good_at_least"])) and \
           ("worse_v_below" not in row or Fraction(bad, n) < Fraction(row["worse_v_below"])):
            st = row["status"]
            break
    out.update(status=st, counts={c: classes.count(c) for c in CLASSES}, method="class_proportion")
    if n < spec["min_sections_for_proportion"]:
        # Mean of each item over the sections' means (exact fractions), classified as one section.
        wt = secs[0][1]
        worst = None
        for it, k in zip(items, range(len(items))):
            ms = [Fraction(p[k][0], p[k][1]) for _, _, p in secs if p[k][1]]
            lim = kinds.get(it, {}).get("lake" if wt in LAKE else "river")
            if not ms or lim is None:
                continue
            c = item_class(lim, sum(ms) / len(ms), 1)
            worst = c if worst is None else max(worst, c)
        mc = CLASSES[worst] if worst is not None else None
        out.update(status=spec["class_status"].get(mc) if mc else None, method="mean_of_sections", mean_class=mc)
    return out
