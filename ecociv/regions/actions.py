from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ecociv.audit.actions import record, snapshot
from ecociv.core import years
from ecociv.core.tabular import TableError, read_table
from ecociv.regions.models import (
    CODE_LENGTH,
    AdminClass,
    CitySize,
    Level,
    Region,
    RegionLink,
    SpecialZone,
    Terrain,
    Zone,
)
from ecociv.regions.scope import region_in_scope

HEADERS = {
    "区划代码": "code", "代码": "code", "code": "code",
    "名称": "name", "name": "name",
    "级别": "level", "level": "level",
    "上级代码": "parent", "上级区划代码": "parent", "parent": "parent",
    "市县类别": "admin_class", "admin_class": "admin_class",
    "东中西部": "zone", "地区": "zone", "zone": "zone",
    "地形": "terrain", "terrain": "terrain",
    "特殊地区": "special_zone", "special_zone": "special_zone",
    "城市规模": "city_size", "city_size": "city_size",
    "沿海": "coastal", "coastal": "coastal",
    "起始年度": "valid_from", "valid_from": "valid_from",
    "终止年度": "valid_to", "valid_to": "valid_to",
}
COLUMN_LABEL = {v: k for k, v in reversed(list(HEADERS.items()))}
LEVEL_WORDS = {"省": "province", "自治区": "province", "直辖市": "province", "市": "city", "地级市": "city",
               "州": "city", "盟": "city", "地区": "city", "县": "county", "区": "county", "县级市": "county",
               "旗": "county", "县（区）": "county", "乡": "town", "镇": "town", "街道": "town", "乡镇": "town",
               "乡镇（街道）": "town", "村": "village", "社区": "village", "村（社区）": "village"}


def _choice(enum, raw: str) -> str:
    raw = raw.strip()
    if raw == "":
        return ""
    for value, label in enum.choices:
        if raw in (value, label) or label.startswith(raw):
            return value
    raise ValueError(f"“{raw}”不是有效取值（可选：{'、'.join(label for _, label in enum.choices)}）")


# Digits of a parent's code its children must repeat (GB/T 2260 structure).
PREFIX = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9}


def check_code(code: str, level: str, parent: Region | None) -> str | None:
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        return f"{Level(level).label}级代码应为 {CODE_LENGTH[level]} 位数字，实际为“{code}”"
    if parent is not None:
        if LEVEL_ORDER_INDEX[parent.level] >= LEVEL_ORDER_INDEX[level]:
            return f"上级“{parent.name}”的级别不高于本级"
        n = PREFIX[parent.level]
        if code[:n] != parent.code[:n]:
            return f"代码 {code} 与上级代码 {parent.code} 不一致（前 {n} 位应相同）"
    elif level != Level.PROVINCE:
        return "缺少上级代码"
    return None


LEVEL_ORDER_INDEX = {lvl: i for i, lvl in enumerate([Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN,
                                                     Level.VILLAGE])}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_regions(path: str | Path, *, by, data: bytes | None = None, name: str | None = None) -> ImportResult:
    """Import or update regions from CSV/xlsx. All rows are checked before anything is
    written; one bad row and nothing changes."""
    from ecociv.regions.scope import require_region_import

    require_region_import(by)
    try:
        keys, rows = read_table(path, data=data, name=name, aliases=HEADERS)
    except TableError as exc:
        raise RegionImportError([str(exc)]) from None
    fname = name or Path(path).name
    missing = [COLUMN_LABEL[k] for k in ("code", "name", "level") if k not in keys]
    if missing:
        raise RegionImportError([f"文件 {fname} 缺少列：{'、'.join(missing)}"])
    problems: list[str] = []
    existing = {r.code: r for r in Region.objects.all()}
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, dict] = {}

    def fail(row, col, msg):
        problems.append(f"文件 {fname} 工作表“{row.sheet}” 第 {row.number} 行，“{COLUMN_LABEL.get(col, col)}”列：{msg}")

    for row in rows:
        v = row.values
        code = v.get("code", "").strip()
        level = LEVEL_WORDS.get(v.get("level", "").strip(), v.get("level", "").strip())
        if level not in CODE_LENGTH:
            fail(row, "level", f"“{v.get('level', '')}”不是有效级别（省/市/县/乡镇/村）")
            continue
        if not v.get("name", "").strip():
            fail(row, "name", "名称不能为空")
            continue
        if code in seen:
            fail(row, "code", f"代码 {code} 在文件中重复")
            continue
        item = {"code": code, "name": v["name"].strip(), "level": level, "parent": v.get("parent", "").strip()}
        try:
            for col, enum in (("admin_class", AdminClass), ("zone", Zone), ("terrain", Terrain),
                              ("special_zone", SpecialZone), ("city_size", CitySize)):
                try:
                    item[col] = _choice(enum, v.get(col, ""))
                except ValueError as exc:
                    fail(row, col, str(exc))
                    raise
            coastal = v.get("coastal", "").strip()
            if coastal not in ("", "是", "否", "1", "0", "true", "false", "TRUE", "FALSE"):
                fail(row, "coastal", f"“{coastal}”应为 是/否")
                continue
            item["coastal"] = coastal in ("是", "1", "true", "TRUE")
            for col in ("valid_from", "valid_to"):
                raw = v.get(col, "").strip()
                year = years.parse_year(raw) if raw else None
                if raw and year is None:
                    fail(row, col, f"“{raw}”不是有效年度（{years.FIRST_YEAR}–{years.LAST_YEAR}）")
                    raise ValueError
                item[col] = year
        except ValueError:
            continue
        seen[code] = item
        parsed.append((row, item))
    for row, item in parsed:
        parent_code = item["parent"]
        parent = None
        if parent_code:
            parent = existing.get(parent_code)
            if parent is None and parent_code in seen:
                p = seen[parent_code]
                parent = Region(code=p["code"], name=p["name"], level=p["level"])
            if parent is None:
                fail(row, "parent", f"上级代码 {parent_code} 不存在")
                continue
        # A parent new in the same file is judged by its nearest already-stored ancestor.
        anchor_code = item["code"] if item["code"] in existing else parent_code
        while anchor_code and anchor_code not in existing and anchor_code in seen:
            anchor_code = seen[anchor_code]["parent"]
        scope_target = existing.get(anchor_code) if anchor_code else None
        if not getattr(by, "is_superuser", False) and (
                scope_target is None or not region_in_scope(by, scope_target)):
            fail(row, "code", f"区划 {item['code']} 不在您的管辖范围内")
            continue
        msg = check_code(item["code"], item["level"], parent)
        if msg:
            fail(row, "code", msg)
    if problems:
        raise RegionImportError(problems)

    result = ImportResult()
    # Parents before children, whatever order the file lists them in.
    parsed.sort(key=lambda ri: LEVEL_ORDER_INDEX[ri[1]["level"]])
    with transaction.atomic():
        for _row, item in parsed:
            parent_code = item.pop("parent")
            item["parent"] = Region.objects.get(code=parent_code) if parent_code else None
            region = Region.objects.filter(code=item["code"]).first()
            if region is None:
                region = Region.objects.create(**item)
                RegionLink.objects.create(child=region, parent=item["parent"], valid_from=item["valid_from"],
                                          valid_to=item["valid_to"]) if item["parent"] else None
                record(user=by, action="region.create", obj=region, region=region, after=snapshot(region),
                       reason=f"导入 {fname}")
                result.created += 1
                continue
            before = snapshot(region)
            update_region(region, item, by=by, reason=f"导入 {fname}", before=before)
            if snapshot(region) == before:
                result.unchanged += 1
            else:
                result.updated += 1
    return result


class RegionImportError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("导入失败，未写入任何数据：\n" + "\n".join(problems))


def update_region(region: Region, fields: dict, *, by, reason: str = "", before: dict | None = None) -> Region:
    """Change a region's attributes or parent. A parent change closes the old membership
    link at the year before `valid_from` (or keeps it open-ended) so past years keep the old tree."""
    with transaction.atomic():
        before = before or snapshot(region)
        old_parent_id = region.parent_id
        old_path = region.path
        for k, v in fields.items():
            setattr(region, k, v)
        region.save()
        if region.parent_id != old_parent_id and region.parent_id:
            year = fields.get("valid_from")
            open_link = region.links_up.filter(valid_to__isnull=True).first()
            if open_link and year:
                open_link.valid_to = year - 1
                open_link.save()
            elif open_link:
                open_link.delete()
            RegionLink.objects.create(child=region, parent=region.parent, valid_from=year)
            below = Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk)
            for child in sorted(below, key=lambda r: len(r.path)):
                child.save()  # recompute materialised paths, parents first
        after = snapshot(region)
        if after != before:
            record(user=by, action="region.update", obj=region, region=region, before=before, after=after,
                   reason=reason)
        return region
