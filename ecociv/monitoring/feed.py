"""Air/water results -> indicator values of the region-year, with their lineage.

`air_values` / `water_values` are pure (no ORM): rows of every measure listed in
data/indicator-map.yaml, keyed by measure, so that what will be written can be tested and shown
before anything is saved. `ecociv.monitoring.actions.feed_values` maps each measure to the
indicator of the catalogue in force for the region-year (standards.resolve) and writes them
(scope, locks, audit). The entry app's `import_values` is not used: it overwrites `lineage` with
the import file's sheet and row, and the computed values' lineage (files, engine, rule sets) is
the point of feeding them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path, PurePath

import yaml

from ecociv.monitoring.engine.exact import round_half_even

MAP_FILE = Path(__file__).parent / "data" / "indicator-map.yaml"
FORMULA = {
    "relative_decrease": "（基准年值 − 当年值）÷ 基准年值 × 100，保留一位小数（四舍六入五成双）",
    "increase_points": "当年比例 − 基准年比例（百分点）",
    "decrease_points": "基准年比例 − 当年比例（百分点）",
}


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str  # air | water
    figure: str  # key of an engine region result
    label: str
    change: str = ""  # "" (the year's figure as it stands) or a FORMULA key


@lru_cache(maxsize=1)
def _map() -> tuple[dict[str, Measure], dict[str, dict]]:
    data = yaml.safe_load(MAP_FILE.read_text(encoding="utf-8"))
    measures = {}
    for key, m in data["measures"].items():
        if m.get("change") and m["change"] not in FORMULA:
            raise ValueError(f"{MAP_FILE.name}: {key} 的 change “{m['change']}” 无效")
        measures[key] = Measure(key, m["kind"], m["figure"], m["label"], m.get("change") or "")
    standards = data["standards"]
    for std, entry in standards.items():
        for code, key in entry["indicators"].items():
            if key not in measures:
                raise ValueError(f"{MAP_FILE.name}: {std} 指标 {code} 的 measure “{key}” 未定义")
    return measures, standards


def measures() -> dict[str, Measure]:
    return _map()[0]


def indicator_map() -> dict[str, dict[str, str]]:
    """standard code → {indicator code: measure key}: the catalogues monitoring can feed."""
    return {std: dict(entry["indicators"]) for std, entry in _map()[1].items()}


def codes_for(standard_code: str) -> dict[str, str]:
    """measure key → indicator code in one catalogue; empty when monitoring feeds nothing there."""
    entry = _map()[1].get(standard_code)
    return {m: code for code, m in entry["indicators"].items()} if entry else {}


class FeedError(ValueError):
    """Nothing was written; the message says why, in Chinese."""


def _change(kind: str, base: Decimal, cur: Decimal) -> Decimal | None:
    if kind == "relative_decrease":
        if base == 0:
            return None
        return round_half_even((Fraction(base) - Fraction(cur)) / Fraction(base) * 100, 1)
    if kind == "increase_points":
        return cur - base
    return base - cur


def input_refs(inputs: list[dict]) -> list[dict]:
    """Lineage names a file by what the user called it and its content hash, never a server path."""
    return [{"name": i.get("name") or PurePath(i["path"]).name, "sha256": i["sha256"],
             **({"role": i["role"]} if i.get("role") else {})} for i in inputs]


def _row(region, year, measure: Measure, value, note, lineage) -> dict:
    return {"region": str(region), "year": int(year), "measure": measure.key, "value": Decimal(str(value)),
            "note": note, "lineage": {**lineage, "measure": measure.key, "figure": measure.figure}}


def _base_lineage(base: dict, base_year: int, figure: str, kind: str) -> dict:
    return {"base_year": base_year, "base_value": base[figure], "current_figure": figure,
            "formula": FORMULA[kind], "base_from": base.get("_from", "同一批输入文件")}


def _values(kind: str, results: list[dict], *, year: int, base_year, base_results, common, note) -> list[dict]:
    base = _index([*results, *(base_results or [])], base_year)
    rows = []
    for r in results:
        if r["year"] != year:
            continue
        b = base.get(r["id"])
        shared = common(r)
        for m in measures().values():
            if m.kind != kind or r.get(m.figure) is None:
                continue
            if not m.change:
                rows.append(_row(r["id"], year, m, r[m.figure], note(r, m, None), shared))
                continue
            if b is None or b.get(m.figure) is None:
                continue  # a change needs the base year's figure of the same region
            v = _change(m.change, Decimal(str(b[m.figure])), Decimal(str(r[m.figure])))
            if v is not None:
                rows.append(_row(r["id"], year, m, v, note(r, m, b),
                                 {**shared, **_base_lineage(b, base_year, m.figure, m.change)}))
    return rows


def air_values(results: list[dict], *, year: int, lineage: dict, base_year: int | None = None,
               base_results: list[dict] | None = None) -> list[dict]:
    """Rows for region-level air results of `year`. `lineage` carries the run-wide part (inputs,
    engine, parameters); each row adds the rule sets of its own days and the figures used.

    `base_results` are results of other runs (each dict may carry `_from`, a description of the
    stored run it came from); the run's own results are searched first.
    """
    def common(r):
        figures = {k: r.get(k) for k in ("valid_days", "good_days", "good_rate", "PM2.5_mean", "days_by_level")}
        return {**lineage, "source": "computed", "rule_sets": r.get("standard", lineage.get("rule_sets")),
                "figures": figures}

    def note(r, m, b):
        if b is None:
            return f"由监测数据计算：{m.label}，有效天数 {r['valid_days']}，优良天数 {r['good_days']}"
        return f"由监测数据计算：{m.label}，{base_year}年 {b[m.figure]} → {year}年 {r[m.figure]} μg/m³"

    return _values("air", results, year=year, base_year=base_year, base_results=base_results, common=common,
                   note=note)


def water_values(regions: list[dict], *, year: int, lineage: dict, base_year: int | None = None,
                 base_results: list[dict] | None = None) -> list[dict]:
    """Rows for region results of water-eval; a change measure only with a base year's result."""
    def common(r):
        figures = {k: r.get(k) for k in ("sections", "share_I_III", "share_worse_V", "status", "counts")}
        return {**lineage, "source": "computed", "figures": figures, "rule_sets": lineage.get("rule_sets")}

    def note(r, m, b):
        if b is None:
            return f"由监测数据计算：{m.label}，{year}年 {r[m.figure]}%，断面 {r['sections']} 个"
        return f"由监测数据计算：{m.label}，{base_year}年 {b[m.figure]}% → {year}年 {r[m.figure]}%，断面 {r['sections']} 个"

    return _values("water", regions, year=year, base_year=base_year, base_results=base_results, common=common,
                   note=note)


def _index(results: list[dict], base_year: int | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if base_year is None:
        return out
    for r in results:
        if r.get("year") == base_year:
            out.setdefault(r["id"], r)  # first wins: the run's own files before stored runs
    return out
