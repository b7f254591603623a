"""Air/water results -> indicator values of the region-year, with their lineage.

`air_values` / `water_values` are pure (no ORM) so that what will be written can be tested and
shown before anything is saved; `ecociv.monitoring.actions.feed_values` writes them (scope,
locks, audit). The entry app's `import_values` is not used: it overwrites `lineage` with the
import file's sheet and row, and the computed values' lineage (files, engine, rule sets) is
the point of feeding them.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath

from ecociv.monitoring.engine.api import AirResult
from ecociv.monitoring.engine.exact import round_half_even

STANDARD = "national-2019"

# national-2019 sub-items that are one year's figure as it stands.
AIR_DIRECT = {"7.1": ("good_rate", "优良天数比例（%）")}
# Sub-items that are a change against a base year: (code, figure, label, formula). Computed only
# when the base year's figure for the same region is known (same files or a stored run); the
# formula is written into the lineage so a reviewer sees how the number came about.
AIR_CHANGE = {"7.2": ("PM2.5_mean", "PM2.5浓度下降幅度（%）", "relative_decrease")}
WATER_CHANGE = {
    "8.1": ("share_I_III", "水质达到或优于Ⅲ类比例提高幅度（百分点）", "increase_points"),
    "8.2": ("share_worse_V", "劣Ⅴ类水体比例下降幅度（百分点）", "decrease_points"),
}
FORMULA = {
    "relative_decrease": "（基准年值 − 当年值）÷ 基准年值 × 100，保留一位小数（四舍六入五成双）",
    "increase_points": "当年比例 − 基准年比例（百分点）",
    "decrease_points": "基准年比例 − 当年比例（百分点）",
}


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


def _row(region, year, code, value, note, lineage) -> dict:
    return {"region": str(region), "year": int(year), "standard": STANDARD, "indicator": code,
            "value": Decimal(str(value)), "note": note, "lineage": lineage}


def _base_lineage(base: dict, base_year: int, figure: str, kind: str) -> dict:
    return {"base_year": base_year, "base_value": base[figure], "current_figure": figure,
            "formula": FORMULA[kind], "base_from": base.get("_from", "同一批输入文件")}


def air_values(results: list[dict], *, year: int, lineage: dict, base_year: int | None = None,
               base_results: list[dict] | None = None) -> list[dict]:
    """Rows for region-level air results of `year`. `lineage` carries the run-wide part (inputs,
    engine, parameters); each row adds the rule sets of its own days and the figures used.

    `base_results` are results of other runs (each dict may carry `_from`, a description of the
    stored run it came from); the run's own results are searched first.
    """
    base = _index([*results, *(base_results or [])], base_year)
    rows = []
    for r in results:
        if r["year"] != year:
            continue
        figures = {k: r.get(k) for k in ("valid_days", "good_days", "good_rate", "PM2.5_mean", "days_by_level")}
        common = {**lineage, "source": "computed", "rule_sets": r.get("standard", lineage.get("rule_sets")),
                  "figures": figures}
        for code, (key, label) in AIR_DIRECT.items():
            if r.get(key) is not None:
                rows.append(_row(r["id"], year, code, r[key],
                                 f"由监测数据计算：{label}，有效天数 {r['valid_days']}，优良天数 {r['good_days']}",
                                 {**common, "indicator": code, "figure": key}))
        b = base.get(r["id"])
        for code, (key, label, kind) in AIR_CHANGE.items():
            if b is None or b.get(key) is None or r.get(key) is None:
                continue
            v = _change(kind, Decimal(str(b[key])), Decimal(str(r[key])))
            if v is None:
                continue
            rows.append(_row(r["id"], year, code, v,
                             f"由监测数据计算：{label}，{base_year}年 {b[key]} → {year}年 {r[key]} μg/m³",
                             {**common, "indicator": code, "figure": key, **_base_lineage(b, base_year, key, kind)}))
    return rows


def water_values(regions: list[dict], *, year: int, lineage: dict, base_year: int | None = None,
                 base_results: list[dict] | None = None) -> list[dict]:
    """Rows for region results of water-eval. Both national-2019 water sub-items fed from
    monitoring are changes, so without a base year this returns nothing."""
    base = _index([*regions, *(base_results or [])], base_year)
    rows = []
    for r in regions:
        b = base.get(r["id"])
        if r["year"] != year or b is None:
            continue
        figures = {k: r.get(k) for k in ("sections", "share_I_III", "share_worse_V", "status", "counts")}
        for code, (key, label, kind) in WATER_CHANGE.items():
            if b.get(key) is None or r.get(key) is None:
                continue
            v = _change(kind, Decimal(str(b[key])), Decimal(str(r[key])))
            rows.append(_row(r["id"], year, code, v,
                             f"由监测数据计算：{label}，{base_year}年 {b[key]}% → {year}年 {r[key]}%，断面 {r['sections']} 个",
                             {**lineage, "source": "computed", "indicator": code, "figure": key, "figures": figures,
                              "rule_sets": lineage.get("rule_sets"), **_base_lineage(b, base_year, key, kind)}))
    return rows


def _index(results: list[dict], base_year: int | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if base_year is None:
        return out
    for r in results:
        if r.get("year") == base_year:
            out.setdefault(r["id"], r)  # first wins: the run's own files before stored runs
    return out


def computed_values(result: AirResult, *, year: int | None = None, parameters: dict | None = None) -> list[dict]:
    """Rows of a command-line AirResult (region level) for one year, or for every year."""
    lineage = {"inputs": input_refs(result.inputs), "engine": result.engine,
               "engine_version": result.engine_version, "parameters": parameters or {},
               "rule_sets": result.rulesets}
    years = sorted({r["year"] for r in result.results}) if year is None else [year]
    return [row for y in years for row in air_values(result.results, year=y, lineage=lineage)]


def feed_indicators(result: AirResult, *, by, year: int, base_year: int | None = None,
                    parameters: dict | None = None):
    """A region-level AirResult -> indicator values: recorded as a finished run, then fed exactly
    as the page's button and `air-eval --feed` do (runs.feed_run -> actions.feed_values)."""
    from ecociv.monitoring.runs import feed_from_command

    inputs = [{**i, "role": role} for i, role in zip(result.inputs, ("stations", "data"))]
    results = {"rows": result.results, "rulesets": result.rulesets, "engine": result.engine,
               "engine_version": result.engine_version, "rows_used": result.rows_used}
    return feed_from_command(by=by, kind="air", inputs=inputs, parameters={"level": "region", **(parameters or {})},
                             results=results, year=year, base_year=base_year)
