"""The kinds a ledger accepts: the built-in ones of data/kinds.yaml plus the local ones an
office added (ledger.Kind). One place for every import, page and check to ask."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "kinds.yaml"
GROUP_LABELS = {"publicity": "宣传", "green_unit": "绿色创建", "volunteer": "志愿服务", "enforcement": "执法"}


@lru_cache(maxsize=1)
def builtin() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def project_categories() -> list[str]:
    from ecociv.ledger.models import Kind

    local = list(Kind.objects.filter(group=Kind.Group.PROJECT).values_list("name", flat=True))
    return builtin()["project_categories"] + [n for n in local if n not in builtin()["project_categories"]]


def activity_kinds() -> dict[str, dict]:
    """name → {group, unit}."""
    from ecociv.ledger.models import Kind

    out = {k["name"]: {"group": k["group"], "unit": k.get("unit", "")} for k in builtin()["activity_kinds"]}
    for k in Kind.objects.exclude(group=Kind.Group.PROJECT):
        out.setdefault(k.name, {"group": k.group, "unit": k.unit})
    return out


def fund_sources() -> list[str]:
    return list(builtin()["fund_sources"])


def lag_points() -> Decimal:
    return Decimal(str(builtin()["execution_lag_points"]))


def deviation_share() -> Decimal:
    return Decimal(str(builtin()["performance_deviation_share"]))
