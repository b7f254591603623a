"""Surface water (GB 3838-2002 + 2011 评价办法): sample class, section annual class, region shares.

Water files are small (sections x samples per year), so this runs in-process with Decimal on
every engine; the result does not depend on --engine.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from .exact import round_half_even
from .ingest import BadRow, InputError
from .rules import DATA_DIR

CLASSES = ("I", "II", "III", "IV", "V", "劣V")
CLASS_CN = {"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类", "IV": "Ⅳ类", "V": "Ⅴ类", "劣V": "劣Ⅴ类"}
WATER_TYPES = {"river": "river", "lake": "lake_reservoir", "reservoir": "lake_reservoir"}


@lru_cache(maxsize=1)
def water_rules() -> dict:
    """water_rules.yaml: status words, the section-count rule, the class-proportion thresholds."""
    import yaml

    spec = yaml.safe_load((DATA_DIR / "water_rules.yaml").read_text(encoding="utf-8"))
    assert set(spec["class_status"]) == set(CLASSES), spec["class_status"]
    for row in spec["status_by_share"]:
        for k in ("good_at_least", "worse_v_below"):
            if k in row:
                row[k] = Fraction(row[k])
    assert "good_at_least" not in spec["status_by_share"][-1] and "worse_v_below" not in spec["status_by_share"][-1]
    return spec


def status_of(cls: str | None) -> str | None:
    return water_rules()["class_status"].get(cls) if cls else None


@dataclass(frozen=True)
class Limit:
    code: str
    name: str
    direction: str                  # le | ge | range
    limits: tuple[Decimal, ...]     # classes I..V (range: (6, 9))
    in_section_class: bool


@lru_cache(maxsize=1)
def load_limits() -> dict[tuple[str, str], Limit]:
    out = {}
    with open(DATA_DIR / "gb3838_limits.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["direction"] == "text":
                continue
            if r["direction"] == "range":
                lo, hi = r["class_I"].split("-")
                lims = (Decimal(lo), Decimal(hi))
            else:
                lims = tuple(Decimal(r[f"class_{c}"]) for c in ("I", "II", "III", "IV", "V"))
            out[(r["code"], r["water_body"])] = Limit(r["code"], r["item_cn"], r["direction"], lims,
                                                      r["in_2011_section_class_eval"] == "Y")
    return out


def limit_for(code: str, water_type: str) -> Limit | None:
    lims = load_limits()
    return lims.get((code, WATER_TYPES[water_type])) or lims.get((code, "all"))


def item_class(code: str, water_type: str, value: Decimal) -> str:
    """Best class the value meets (equal limits: the better class wins, rules.md D2)."""
    lim = limit_for(code, water_type)
    if lim is None:
        raise KeyError(code)
    if lim.direction == "range":
        return "I" if lim.limits[0] <= value <= lim.limits[1] else "劣V"
    for cls, bound in zip(CLASSES, lim.limits):
        if (value >= bound) if lim.direction == "ge" else (value <= bound):
            return cls
    return "劣V"


def exceedance_multiple(code: str, water_type: str, value: Decimal) -> Decimal | None:
    """(C − C_III) / C_III, to 2 decimals; none for DO and pH (rules.md D6, unverified)."""
    lim = limit_for(code, water_type)
    if lim is None or lim.direction != "le" or value <= lim.limits[2]:
        return None
    digits = water_rules()["decimals"]["exceedance_multiple"]
    return round_half_even(Fraction(value - lim.limits[2]) / Fraction(lim.limits[2]), digits)


def classify(values: dict[str, Decimal], water_type: str) -> dict:
    """Class of a sample (or of annual means) = worst class among the evaluated items."""
    classes, over = {}, []
    for code, v in values.items():
        lim = limit_for(code, water_type)
        if v is None or lim is None or not lim.in_section_class:
            continue
        classes[code] = item_class(code, water_type, v)
    if not classes:
        return {"class": None, "items": {}, "over_III": []}
    worst = max(classes.values(), key=CLASSES.index)
    for code, cls in classes.items():
        if CLASSES.index(cls) > 2:
            over.append({"item": code, "class": cls,
                         "multiple": _num(exceedance_multiple(code, water_type, values[code]))})
    # Main pollutants: the worst three items over class III (rules.md D6).
    over.sort(key=lambda o: -CLASSES.index(o["class"]))
    return {"class": worst, "items": classes, "over_III": over}


def _num(d: Decimal | None):
    return None if d is None else float(d)


def region_status(classes: list[str], section_means: list[tuple[str, dict]] | None = None) -> dict:
    """Shares of Ⅰ–Ⅲ and 劣Ⅴ (1 decimal) and the 2011 办法 status.

    Fewer than `min_sections_for_proportion` sections (5): each item is averaged over the sections
    and the means are classified (rules.md D7); that many or more: class-proportion method.
    Thresholds and words from water_rules.yaml.
    """
    spec = water_rules()
    n = len(classes)
    if not n:
        return {"sections": 0, "share_I_III": None, "share_worse_V": None, "status": None}
    if n < spec["min_sections_for_proportion"] and section_means:
        pooled: dict[str, list[Decimal]] = defaultdict(list)
        for _wt, means in section_means:
            for k, v in means.items():
                pooled[k].append(v)
        wt = section_means[0][0]
        c = classify({k: _mean(v) for k, v in pooled.items()}, wt)["class"]
        out = region_status(classes)
        out.update(status=status_of(c), method="mean_of_sections", mean_class=c)
        return out
    good = sum(1 for c in classes if CLASSES.index(c) <= 2)
    bad = sum(1 for c in classes if c == "劣V")
    g, b = Fraction(good, n), Fraction(bad, n)
    status = next(row["status"] for row in spec["status_by_share"]
                  if ("good_at_least" not in row or g >= row["good_at_least"])
                  and ("worse_v_below" not in row or b < row["worse_v_below"]))
    digits = spec["decimals"]["share"]
    return {
        "sections": n,
        "share_I_III": float(round_half_even(g * 100, digits)),
        "share_worse_V": float(round_half_even(b * 100, digits)),
        "status": status,
        "counts": {c: classes.count(c) for c in CLASSES},
        "method": "class_proportion",
    }


def _mean(xs: list[Decimal]) -> Decimal:
    # Exact mean; classes are decided on it before any display rounding.
    f = sum((Fraction(x) for x in xs), Fraction(0)) / len(xs)
    return Decimal(f.numerator) / Decimal(f.denominator)


def read_water(path: str | Path) -> tuple[list[dict], list[BadRow], list[str]]:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from .ingest import _xlsx_rows
        header, body = _xlsx_rows(path)
    else:
        from .ingest import read_text

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


def evaluate_water(path: str | Path) -> dict:
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
