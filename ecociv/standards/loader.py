"""Reading indicator-standard files into one canonical shape.

The reference files come in two dialects: the 2019 file (`targets[].region_class/op/
value/text`, `sub_items[].name`) and the 2016/2024 partial files (`status`, `name_zh`,
`targets[].class/verbatim/op/value/text_kind`, `sub_indicators`, and for 2016 separate
`lists.county/city`). Both are normalised here, so provincial standards written in either
dialect load the same way. Every error names the file, the line and the field, and
nothing is written until the whole file is valid.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from ecociv.core.targets import NUMERIC_OPS, OPS, normalize_class, to_decimal

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN_FILES = ["national-2019.yaml", "national-2016.yaml", "national-2024-city-partial.yaml"]
TYPES = {"binding", "reference", "约束性", "参考性", "约束性指标", "参考性指标"}
APPLIES = {"city", "county", "both", "市", "县", "市县"}
VERIFICATION = {"verified", "partially_verified", "recalled", "disputed", "not_seen", "corrected"}
DIRECTIONS = {"higher", "lower", "qualitative"}


class StandardFileError(ValueError):
    def __init__(self, filename: str, problems: list[str]):
        self.filename = filename
        self.problems = problems
        super().__init__(f"指标体系文件 {filename} 有 {len(problems)} 处错误，未导入任何内容：\n" + "\n".join(problems))


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class TargetRow:
    region_class: str
    op: str
    value: Decimal | None
    text: str
    extra_condition: str = ""


@dataclass
class IndicatorRow:
    code: str
    parent_code: str | None
    order: int
    area: str = ""
    task: str = ""
    name: str = ""
    unit: str = ""
    type: str = ""
    applies_to: str = "both"
    coastal_only: bool = False
    direction: str = "higher"
    definition: str = ""
    method: str = ""
    data_source: str = ""
    lead_department: str = ""
    aliases: list[str] = field(default_factory=list)
    allow_over_100: bool = False
    verification: str = "recalled"
    note: str = ""
    targets: list[TargetRow] = field(default_factory=list)


@dataclass
class StandardData:
    code: str
    title: str
    issuer: str = ""
    doc_no: str = ""
    issued: str = ""
    scope: str = "national"
    applies_to: str = "both"
    note: str = ""
    meta: dict = field(default_factory=dict)
    source_file: str = ""
    source_sha256: str = ""
    indicators: list[IndicatorRow] = field(default_factory=list)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _strip_lines(obj):
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[str] = []

    def fail(self, node, fieldname: str, message: str) -> None:
        line = node.get("__line__", "?") if isinstance(node, dict) else "?"
        self.problems.append(f"  第 {line} 行，字段“{fieldname}”：{message}")

    def targets(self, node, owner) -> list[TargetRow]:
        raw = node.get("targets")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(node, "targets", "应为列表")
            return []
        rows = []
        for t in raw:
            if not isinstance(t, dict):
                self.fail(node, "targets", "每个目标应为键值对")
                continue
            try:
                region_class = normalize_class(t.get("region_class", t.get("class")))
            except ValueError as exc:
                self.fail(t, "region_class", str(exc))
                continue
            op = _text(t.get("op"))
            text = _text(t.get("text")) or _text(t.get("verbatim")) or _text(t.get("text_kind"))
            if op == "" and t.get("value") is None:
                # Seen-but-unreadable cells (raw_scrambled) stay unknown rather than guessed.
                op = "text"
            if op not in OPS:
                self.fail(t, "op", f"未知的比较符“{op}”，应为 >=、<=、>、<、= 或 text")
                continue
            value = None
            if op in NUMERIC_OPS:
                try:
                    value = to_decimal(t.get("value"))
                except ValueError as exc:
                    self.fail(t, "value", str(exc))
                    continue
                if value is None:
                    self.fail(t, "value", f"比较符“{op}”需要数值目标")
                    continue
            rows.append(TargetRow(region_class, op, value, text, _text(t.get("extra_condition"))))
        return rows

    def indicator(self, node, code: str, parent: IndicatorRow | None, order: int, defaults: dict) -> IndicatorRow:
        type_ = _text(node.get("type")) or (parent.type if parent else "")
        if type_ and type_ not in TYPES:
            self.fail(node, "type", f"“{type_}”应为 binding（约束性）或 reference（参考性）")
        type_ = {"约束性": "binding", "参考性": "reference", "约束性指标": "binding",
                 "参考性指标": "reference"}.get(type_, type_)
        applies = _text(node.get("applies_to")) or (parent.applies_to if parent else defaults.get("applies_to", "both"))
        if applies not in APPLIES:
            self.fail(node, "applies_to", f"“{applies}”应为 city、county 或 both")
        applies = {"市": "city", "县": "county", "市县": "both"}.get(applies, applies)
        verification = _text(node.get("verification")) or _text(node.get("status")) or (
            parent.verification if parent else "recalled")
        if verification not in VERIFICATION:
            self.fail(node, "verification", f"未知的核实状态“{verification}”")
        notes = node.get("note") or node.get("notes") or ""
        if isinstance(notes, dict):
            notes = "；".join(f"{k}: {v}" for k, v in _strip_lines(notes).items() if v)
        targets = self.targets(node, code)
        direction = _text(node.get("direction"))
        if direction and direction not in DIRECTIONS:
            self.fail(node, "direction", f"“{direction}”应为 higher、lower 或 qualitative")
        if not direction:
            ops = {t.op for t in targets}
            direction = "lower" if ops & {"<=", "<"} else "higher" if ops & {">=", ">", "="} else "qualitative"
        aliases = node.get("aliases") or []
        if not isinstance(aliases, list):
            self.fail(node, "aliases", "应为列表")
            aliases = []
        return IndicatorRow(
            code=code,
            parent_code=parent.code if parent else None,
            order=order,
            area=_text(node.get("area")) or (parent.area if parent else ""),
            task=_text(node.get("task")) or (parent.task if parent else ""),
            name=_text(node.get("name")) or _text(node.get("name_zh")),
            unit=_text(node.get("unit")) or (parent.unit if parent and parent.unit not in ("%/-", "%/千克") else ""),
            type=type_,
            applies_to=applies,
            coastal_only=bool(node.get("coastal_only", parent.coastal_only if parent else False)),
            direction=direction,
            definition=_text(node.get("definition")),
            method=_text(node.get("method")),
            data_source=_text(node.get("data_source")),
            lead_department=_text(node.get("lead_department")) or (parent.lead_department if parent else ""),
            aliases=[_text(a) for a in aliases if _text(a)],
            allow_over_100=bool(node.get("allow_over_100", False)),
            verification=verification,
            note=_text(notes),
            targets=targets,
        )

    def indicator_list(self, nodes, defaults: dict) -> list[IndicatorRow]:
        rows: list[IndicatorRow] = []
        seen: set[str] = set()
        order = 0
        if not isinstance(nodes, list):
            self.problems.append("  字段“indicators”：应为指标列表")
            return rows
        for node in nodes:
            if not isinstance(node, dict):
                self.problems.append("  字段“indicators”：每个指标应为键值对")
                continue
            code = _text(node.get("code"))
            if not code:
                self.fail(node, "code", "缺少指标序号")
                continue
            if code in seen:
                self.fail(node, "code", f"指标序号“{code}”重复")
                continue
            seen.add(code)
            order += 1
            parent = self.indicator(node, code, None, order * 100, defaults)
            rows.append(parent)
            subs = node.get("sub_items") or node.get("sub_indicators") or []
            for i, sub in enumerate(subs, start=1):
                if not isinstance(sub, dict):
                    self.fail(node, "sub_items", "每个分项应为键值对")
                    continue
                sub_code = _text(sub.get("code")) or f"{code}.{i}"
                rows.append(self.indicator(sub, sub_code, parent, order * 100 + i, defaults))
        return rows


def parse_text(text: str, filename: str) -> list[StandardData]:
    """Parse one standard file; a 2016-style file with `lists` yields one standard per list."""
    reader = _Reader(filename)
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # nosec B506  # _LineLoader is a yaml.SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else "未知位置"
        raise StandardFileError(filename, [f"  {where}：YAML 格式错误（{getattr(exc, 'problem', exc)}）"]) from None
    if not isinstance(doc, dict):
        raise StandardFileError(filename, ["  文件内容应为键值对（standard、title、indicators…）"])
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = doc.get("document") or {}
    base_code = _text(doc.get("standard")) or Path(filename).stem.replace("-partial", "")
    title = _text(doc.get("title")) or _text(document.get("title_zh"))
    if not title:
        reader.problems.append("  字段“title”：缺少指标体系名称")
    common = {
        "title": title,
        "issuer": _text(doc.get("issuer")) or _text(document.get("issuer_zh")),
        "doc_no": _text(doc.get("doc_no")) or _text(document.get("doc_no")),
        "issued": _text(doc.get("issued")) or _text(document.get("date")) or _text(document.get("signed_date")),
        "scope": _text(doc.get("scope")) or ("national" if base_code.startswith("national") else "provincial"),
        "note": _text(doc.get("verification_note")),
        "source_file": Path(filename).name,
        "source_sha256": sha,
    }
    meta = _strip_lines({k: v for k, v in doc.items() if k not in ("indicators", "lists")})
    out: list[StandardData] = []
    if "lists" in doc:
        for list_key, lst in (doc.get("lists") or {}).items():
            if list_key == "__line__":
                continue
            if not isinstance(lst, dict):
                reader.problems.append(f"  字段“lists.{list_key}”：应为键值对")
                continue
            applies = _text(lst.get("applies_to")) or list_key
            rows = reader.indicator_list(lst.get("indicators") or [], {"applies_to": applies})
            data = StandardData(code=f"{base_code}-{list_key}", applies_to=applies, meta=meta, indicators=rows,
                                **(common | {"title": _text(lst.get("list_zh")) or title}))
            out.append(data)
    elif "indicators" in doc:
        rows = reader.indicator_list(doc["indicators"], {})
        applies = {r.applies_to for r in rows if not r.parent_code}
        out.append(StandardData(code=base_code, applies_to=applies.pop() if len(applies) == 1 else "both",
                                meta=meta, indicators=rows, **common))
    else:
        reader.problems.append("  缺少字段“indicators”")
    if reader.problems:
        raise StandardFileError(filename, reader.problems)
    return out


def read_overlay(path: Path) -> dict:
    """Per-standard overlays kept as data beside the catalogue: `aliases-<code>.yaml`
    ({code: [alias…]}) and `details-<code>.yaml` ({code: {lead_department, direction…}})."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise StandardFileError(path.name, ["  文件内容应为 指标序号: 内容 的键值对"])
    return {str(k): v for k, v in data.items()}


def apply_overlays(standard: StandardData, directory: Path) -> None:
    aliases = read_overlay(directory / f"aliases-{standard.code}.yaml")
    details = read_overlay(directory / f"details-{standard.code}.yaml")
    allowed = {"lead_department", "direction", "definition", "method", "data_source", "allow_over_100", "unit"}
    # The notes in Chinese: source files keep their provenance notes as written; users read these.
    notes = read_overlay(directory / f"notes-zh-{standard.code}.yaml")
    if notes.get("_standard"):
        standard.note = str(notes["_standard"])
    for row in standard.indicators:
        if row.code in notes:
            row.note = str(notes[row.code])
        extra = aliases.get(row.code) or []
        row.aliases = list(dict.fromkeys(row.aliases + [str(a) for a in extra]))
        for key, value in (details.get(row.code) or {}).items():
            if key not in allowed:
                raise StandardFileError(f"details-{standard.code}.yaml", [f"  指标 {row.code}：未知字段“{key}”"])
            setattr(row, key, value)


def parse_file(path: Path) -> list[StandardData]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StandardFileError(path.name, ["  文件不是 UTF-8 编码"]) from None
    standards = parse_text(text, path.name)
    for s in standards:
        apply_overlays(s, path.parent)
    return standards
