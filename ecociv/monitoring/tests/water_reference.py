"""The surface-water evaluation as it was before it became set-based: a loop over rows with
Decimal values, calling the scalar rules of engine/water.py (classify, region_status) row by row.
Kept as the reference the DuckDB engine is checked against (test_water_engine.py)."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from ecociv.monitoring.engine.exact import round_half_even
from ecociv.monitoring.engine.ingest import BadRow, InputError
from ecociv.monitoring.engine.water import (
    CLASS_CN,
    WATER_TYPES,
    classify,
    load_limits,
    region_status,
    status_of,
    water_rules,
)


def _mean(xs: list[Decimal]) -> Decimal:
    # As the engine had it: the exact Fraction, then its quotient in the 28-digit context.
    f = sum((Fraction(x) for x in xs), Fraction(0)) / len(xs)
    return Decimal(f.numerator) / Decimal(f.denominator)


def read_water(path: str | Path) -> tuple[list[dict], list[BadRow], list[str]]:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from ecociv.monitoring.engine.ingest import _xlsx_rows
        header, body = _xlsx_rows(path)
    else:
        from ecociv.monitoring.engine.ingest import read_text

        rd = csv.reader(io.StringIO(read_text(path, "水质文件"), newline=""))
        header = [h.strip() for h in next(rd, [])]
        body = list(rd)
    need = ("section", "region", "date", "water_type")
    missing = [c for c in need if c not in header]
    if missing:
        raise InputError(f"水质文件缺少列：{'、'.join(missing)}（表头应为 section,region,date,water_type,<GB 3838 项目>）")
    known = {code for code, _ in load_limits()}
    items = [h for h in header if h not in need and h]
    unknown = [h for h in items if h not in known and h not in ("WT",)]
    if unknown:
        raise InputError(f"水质文件有未知的项目列：{'、'.join(unknown)}（项目代码见 gb3838_limits.csv）")
    rows, bad = [], []
    for n, r in enumerate(body, start=2):
        r = list(r) + [""] * (len(header) - len(r))
        rec = dict(zip(header, (str(x).strip() for x in r)))
        reasons = []
        if not rec["section"]:
            reasons.append("断面为空")
        if rec["water_type"] not in WATER_TYPES:
            reasons.append(f"水体类型“{rec['water_type']}”应为 river 或 lake")
        year = rec["date"][:4]
        if not (len(rec["date"]) >= 7 and year.isdigit()):
            reasons.append(f"日期“{rec['date']}”格式不对，应为 YYYY-MM-DD")
        vals = {}
        for it in items:
            txt = rec.get(it, "")
            if txt == "" or it == "WT":
                continue
            try:
                v = Decimal(txt)
                if not v.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                reasons.append(f"{it} 的值“{txt}”不是数字")
                continue
            if v < 0:
                continue  # negative = missing, as in the air files
            vals[it] = v
        if reasons:
            bad.append(BadRow(n, "；".join(reasons)))
            continue
        rows.append({"section": rec["section"], "region": rec["region"], "year": int(year),
                     "date": rec["date"], "water_type": rec["water_type"], "values": vals})
    return rows, bad, items


def evaluate_water_reference(path: str | Path) -> dict:
    rows, bad, items = read_water(path)
    samples = []
    by_section: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        c = classify(r["values"], r["water_type"])
        samples.append({"section": r["section"], "date": r["date"], "class": c["class"], "over_III": c["over_III"]})
        by_section[(r["section"], r["year"])].append(r)
    sections = []
    region_of: dict[tuple[str, int], list[str]] = defaultdict(list)
    region_means: dict[tuple[str, int], list] = defaultdict(list)
    for (sec, year), rs in sorted(by_section.items()):
        wtypes = {r["water_type"] for r in rs}
        wt = min(wtypes)
        means = {}
        for it in items:
            xs = [r["values"][it] for r in rs if it in r["values"]]
            if xs:
                means[it] = _mean(xs)
        c = classify(means, wt)
        region = rs[0]["region"]
        sections.append({
            "id": sec, "year": year, "region": region, "water_type": wt, "samples": len(rs),
            "class": c["class"], "class_cn": CLASS_CN.get(c["class"]), "status": status_of(c["class"]),
            "over_III": c["over_III"],
            "means": {k: float(round_half_even(Fraction(v), water_rules()["decimals"]["mean"])) for k, v in means.items()},
        })
        if c["class"]:
            region_of[(region, year)].append(c["class"])
            region_means[(region, year)].append((wt, means))
    regions = [{"id": reg, "year": year, **region_status(cls, region_means[(reg, year)])}
               for (reg, year), cls in sorted(region_of.items())]
    return {"samples": samples, "sections": sections, "regions": regions, "bad_rows": bad}
