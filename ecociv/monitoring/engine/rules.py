"""Rule sets as data: breakpoints, levels, limits and validity loaded from ecociv/monitoring/data.

Numbers are kept as Decimal exactly as printed in the standards; the vectorised and SQL code
paths derive scaled integers from them, so no float ever decides a rounding or a boundary.
"""
from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Input items, in the order of the input header.
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")
# Daily indicators, in the order of the daily output file.
DAILY_ITEMS = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h")
# (pollutant, averaging column in aqi_breakpoints.csv) for each daily indicator.
DAILY_ITEM_TABLE = {
    "SO2": ("SO2", "24h_avg"),
    "NO2": ("NO2", "24h_avg"),
    "CO": ("CO", "24h_avg"),
    "PM10": ("PM10", "24h_avg"),
    "PM2.5": ("PM2.5", "24h_avg"),
    "O3_1h": ("O3", "1h_avg"),
    "O3_8h": ("O3", "8h_sliding_avg"),
}
ITEMS = DAILY_ITEMS
# Column of each daily item in the computation (safe SQL identifiers).
ICOL = {"SO2": "so2", "NO2": "no2", "CO": "co", "PM10": "pm10", "PM2.5": "pm25", "O3_1h": "o3_1h", "O3_8h": "o3_8h"}
# Bits of the primary-pollutant mask (decoded in Python; strings would cost on both backends).
PRIMARY_BIT = {item: 1 << i for i, item in enumerate(ITEMS)}
EPOCH = dt.date(1970, 1, 1)
O3_COMPARE = ("rounded", "raw")


@dataclass(frozen=True)
class Segment:
    bp_lo: Decimal
    bp_hi: Decimal
    iaqi_lo: int
    iaqi_hi: int


@dataclass(frozen=True)
class Level:
    level: int
    category: str
    color: str
    hex: str
    aqi_min: int
    aqi_max: int | None


@dataclass(frozen=True)
class RuleSet:
    id: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None
    daily_items: tuple[str, ...]
    # item -> segments (ascending), from aqi_breakpoints.csv
    tables: dict[tuple[str, str], tuple[Segment, ...]] = field(repr=False)
    levels: tuple[Level, ...] = field(repr=False)
    # (pollutant, averaging) -> grade-2 limit, from gb3095_limits.csv
    limits: dict[tuple[str, str], Decimal] = field(repr=False)
    o3_8h_over_800: int | None
    so2_1h_over_800: int | None
    above_top: int
    aqi_needs_all_items: bool
    primary_above: int          # 首要污染物 named when AQI > this
    good_max: int               # 优良 day when AQI <= this

    def level_of(self, aqi: int) -> Level:
        for lv in self.levels:
            if lv.aqi_max is None or aqi <= lv.aqi_max:
                return lv
        raise AssertionError("levels table has no open top")


@dataclass(frozen=True)
class Rules:
    rulesets: tuple[RuleSet, ...]
    validity: dict
    region: dict
    rounding: dict
    decimals: dict[str, int]                    # reporting decimals per item
    means: tuple[str, ...]                      # items with an annual mean
    percentiles: tuple[tuple[str, int], ...]    # (item, p) of the annual percentiles

    @property
    def o3_compare(self) -> str:
        return self.validity["o3_exceedance_compare"]

    def choices(self) -> list[str]:
        """The project decisions that change a result, as shown with each result (lineage)."""
        v = self.validity
        which = "修约后的日最大值" if self.o3_compare == "rounded" else "未修约的最大值"
        flag = "已核实" if v.get("o3_exceedance_compare_verified") else "未核实"
        return [f"O3 有效数据不足时以{which}与限值比较（{flag}）"]

    def by_id(self, rid: str) -> RuleSet:
        for rs in self.rulesets:
            if rs.id == rid or rs.label == rid:
                return rs
        known = "、".join(r.id for r in self.rulesets)
        raise ValueError(f"未知的标准“{rid}”，可选：{known}")

    def for_date(self, day: dt.date) -> RuleSet:
        for rs in self.rulesets:
            if day >= rs.valid_from and (rs.valid_to is None or day <= rs.valid_to):
                return rs
        # Before 2016 (GB 3095-2012 in force nationwide) the 2012 tables are the only ones held.
        return self.rulesets[0]


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    spec = yaml.safe_load((DATA_DIR / "rulesets.yaml").read_text(encoding="utf-8"))
    bps = _read_csv("aqi_breakpoints.csv")
    lvls = _read_csv("aqi_levels.csv")
    lims = _read_csv("gb3095_limits.csv")
    out = []
    for r in spec["rulesets"]:
        tables: dict[tuple[str, str], list[Segment]] = {}
        for row in bps:
            if row["standard"] != r["aqi_standard"]:
                continue
            tables.setdefault((row["pollutant"], row["averaging"]), []).append(
                Segment(Decimal(row["bp_lo"]), Decimal(row["bp_hi"]), int(row["iaqi_lo"]), int(row["iaqi_hi"]))
            )
        for segs in tables.values():
            segs.sort(key=lambda s: s.bp_lo)
            for a, b in itertools.pairwise(segs):
                # HJ 633's table is continuous; a gap would reintroduce python-aqi's defect.
                assert a.bp_hi == b.bp_lo and a.iaqi_hi == b.iaqi_lo, (r["id"], a, b)
        levels = tuple(
            Level(int(x["level"]), x["category_cn"], x["color_cn"], x["hex"], int(x["aqi_min"]),
                  int(x["aqi_max"]) if x["aqi_max"] else None)
            for x in lvls if x["standard"] == r["levels_standard"]
        )
        limits = {
            (x["pollutant"], x["averaging"]): Decimal(x["grade2_limit"])
            for x in lims
            if x["standard"] == r["limits_standard"] and x["phase"] in (r["limits_phase"], "single")
        }
        o3 = r["o3_8h_over_800"]
        out.append(RuleSet(
            id=str(r["id"]), label=r["label"], valid_from=r["valid_from"], valid_to=r["valid_to"],
            daily_items=tuple(r["daily_items"]),
            tables={k: tuple(v) for k, v in tables.items()}, levels=levels, limits=limits,
            o3_8h_over_800=None if o3 in (None, "none") else int(o3),
            so2_1h_over_800=None if r["so2_1h_over_800"] in (None, "none") else int(r["so2_1h_over_800"]),
            above_top=int(r["above_top"]), aqi_needs_all_items=bool(r["aqi_needs_all_items"]),
            primary_above=int(r["primary_above"]), good_max=int(r["good_max"]),
        ))
    rounding, annual, validity = spec["rounding"], spec["annual"], spec["validity"]
    decimals = {str(k): int(v) for k, v in rounding["reporting_decimals"].items()}
    # The integer pipeline carries thousandths: more than 3 decimals cannot be reported exactly.
    assert set(decimals) >= {*POLLUTANTS, *DAILY_ITEMS} and all(0 <= d <= 3 for d in decimals.values()), decimals
    assert validity["o3_exceedance_compare"] in O3_COMPARE, validity["o3_exceedance_compare"]
    percentiles = tuple((str(k), int(v)) for k, v in annual["percentiles"].items())
    assert all(k in DAILY_ITEMS and 0 < p <= 100 for k, p in percentiles), percentiles
    return Rules(tuple(out), validity, spec["region"], rounding, decimals,
                 tuple(str(m) for m in annual["means"]), percentiles)


def with_validity(rules: Rules, **changes) -> Rules:
    """The same rules with validity parameters changed (tests and what-if runs)."""
    import dataclasses

    return dataclasses.replace(rules, validity={**rules.validity, **changes})


# Reporting precision (GB/T 8170 rounding), from rulesets.yaml.
DECIMALS = load_rules().decimals
