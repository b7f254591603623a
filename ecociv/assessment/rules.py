"""The verdict rules as data: loaded from `data/verdict-rules.yaml` (or the file named by
ECOCIV_ASSESSMENT_RULES), checked on load so a typo fails loudly instead of passing a region."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "verdict-rules.yaml"

REQUIRED_PARAMETERS = {
    "binding_all_required": bool,
    "reference_min_share": (int, float),
    "not_applicable_excluded": bool,
    "pending_counts_as_met": bool,
    "veto_lookback_years": int,
    "unknown_precondition_blocks": bool,
    "unknown_veto_blocks": bool,
}


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class Parameter:
    key: str
    value: object
    verified: bool
    label: str
    source: str

    def as_json(self) -> dict:
        return {"key": self.key, "value": self.value, "verified": self.verified, "label": self.label,
                "source": self.source}


@dataclass(frozen=True)
class Condition:
    code: str
    name: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Rules:
    version: str
    title: str
    source_file: str
    sha256: str
    parameters: dict[str, Parameter]
    preconditions: tuple[Condition, ...]
    vetoes: tuple[Condition, ...]
    trend: dict = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.parameters[key].value

    @property
    def version_label(self) -> str:
        """The version as people read it: "default-2026.1" → "2026.1 版" (the word before the
        number names the file's origin, an identifier, not text for users)."""
        import re

        m = re.search(r"\d[\w.]*$", self.version)
        return f"{m.group(0)} 版" if m else "自定义版本"

    @cached_property
    def unverified_warning(self) -> str:
        """The warning every assessment under these rules carries, "" when all are verified."""
        unverified = [p.label for p in self.parameters.values() if not p.verified]
        return "判定规则中以下参数未经原文核实：" + "；".join(unverified) if unverified else ""

    def condition(self, code: str) -> Condition | None:
        return next((c for c in self.preconditions + self.vetoes if c.code == code), None)

    def as_json(self) -> dict:
        return {"version": self.version, "title": self.title, "sha256": self.sha256,
                "parameters": [p.as_json() for p in self.parameters.values()],
                "preconditions": [c.__dict__ for c in self.preconditions],
                "vetoes": [c.__dict__ for c in self.vetoes]}


def parse_rules(text: str, source_file: str = "") -> Rules:
    data = yaml.safe_load(text) or {}
    if not data.get("version"):
        raise RulesError("判定规则文件缺少 version")
    params = {}
    for key, kind in REQUIRED_PARAMETERS.items():
        raw = (data.get("parameters") or {}).get(key)
        if not isinstance(raw, dict) or "value" not in raw or "verified" not in raw:
            raise RulesError(f"判定规则缺少参数 {key}（需要 value 与 verified）")
        if not isinstance(raw["value"], kind) or (kind is int and isinstance(raw["value"], bool)):
            raise RulesError(f"判定规则参数 {key} 的取值类型不对：{raw['value']!r}")
        params[key] = Parameter(key, raw["value"], bool(raw["verified"]), raw.get("label", key), raw.get("source", ""))
    share = params["reference_min_share"].value
    if not 0 <= share <= 1:
        raise RulesError(f"reference_min_share 应在 0 到 1 之间：{share}")

    def conditions(name):
        out = []
        for row in data.get(name) or []:
            if not row.get("code") or not row.get("name"):
                raise RulesError(f"{name} 的每一项都需要 code 与 name")
            out.append(Condition(row["code"], row["name"], bool(row.get("verified")), row.get("source", "")))
        return tuple(out)

    trend = data.get("trend") or {}
    return Rules(version=str(data["version"]), title=data.get("title", ""), source_file=source_file,
                 sha256=hashlib.sha256(text.encode()).hexdigest(), parameters=params,
                 preconditions=conditions("preconditions"), vetoes=conditions("vetoes"), trend=trend)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Rules:
    return parse_rules(Path(path).read_text(encoding="utf-8"), source_file=Path(path).name)


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    path = Path(path or os.environ.get("ECOCIV_ASSESSMENT_RULES") or DEFAULT_FILE)
    if not path.exists():
        raise RulesError(f"判定规则文件不存在：{path}")
    return _load(str(path), path.stat().st_mtime)
