"""Air/water results -> indicator values of the region-year, with their lineage.

`computed_values` is pure (no ORM) so that what will be written can be tested and shown before
anything is saved; `feed_indicators` hands the rows to the entry app's action, which owns
permission checks, the audit row and the review workflow.
"""
from __future__ import annotations

from decimal import Decimal

from ecociv.monitoring.engine.api import AirResult

# national-2019 sub-items fed directly from one year's figures. 7.2 (PM2.5浓度下降幅度) and
# 8.x (提高/下降幅度) compare with a base year and are derived by the assessment, not here.
AIR_INDICATORS = {"7.1": ("good_rate", "优良天数比例（%）")}
WATER_INDICATORS = {"share_I_III": "水质达到或优于Ⅲ类比例（%）", "share_worse_V": "劣Ⅴ类水体比例（%）"}


def computed_values(result: AirResult, *, standard: str = "national-2019", parameters: dict | None = None) -> list[dict]:
    """One row per (region id, year, indicator code) with value and lineage JSON."""
    rows = []
    for r in result.results:
        for code, (key, label) in AIR_INDICATORS.items():
            v = r.get(key)
            if v is None:
                continue
            rows.append({
                "region": r["id"], "year": r["year"], "standard": standard, "indicator": code,
                "value": Decimal(str(v)),
                "note": f"由监测数据计算：{label}，有效天数 {r['valid_days']}，优良天数 {r['good_days']}",
                "lineage": {
                    "source": "computed",
                    "inputs": result.inputs,
                    "engine": result.engine, "engine_version": result.engine_version,
                    "parameters": parameters or {},
                    "rule_sets": r.get("standard", result.rulesets),
                    "figures": {k: r[k] for k in ("valid_days", "good_days", "good_rate", "days_by_level")},
                },
            })
    return rows


def feed_indicators(result: AirResult, *, by, standard: str = "national-2019", parameters: dict | None = None):
    """Write the computed rows through the entry app's action (see the report for its contract)."""
    try:
        from ecociv.entry.actions import save_computed_values
    except ImportError as e:  # the foundation has not provided the action yet
        raise NotImplementedError(
            "需要 ecociv.entry.actions.save_computed_values(rows, *, by)：按地区编码、年度、指标写入 "
            "source='computed' 的数值与 lineage，并记审计、进入审核流程"
        ) from e
    return save_computed_values(computed_values(result, standard=standard, parameters=parameters), by=by)
