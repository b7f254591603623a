from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ecociv.audit.actions import record, snapshot
from ecociv.core.targets import NUMERIC_OPS, OPS, normalize_class
from ecociv.regions.scope import require_admin
from ecociv.standards.loader import StandardData
from ecociv.standards.models import Indicator, RegionStandard, RegionTarget, Standard, Target
from ecociv.standards.scope import require_catalogue_admin

INDICATOR_FIELDS = ["area", "task", "name", "unit", "type", "applies_to", "coastal_only", "direction",
                    "definition", "method", "data_source", "lead_department", "aliases", "allow_over_100",
                    "verification", "note"]


class ActionError(ValueError):
    """A refused action, with a message fit to show the user."""


def load_standard(data: StandardData, *, by, replace: bool = False) -> tuple[Standard, str]:
    """Create or (with replace) update a standard from parsed data. Returns (standard, "created" |
    "updated" | "exists"). Existing standards are left alone unless replace is asked: an
    administrator's corrections must survive `make run` loading the built-ins again."""
    require_catalogue_admin(by)
    with transaction.atomic():
        existing = Standard.objects.filter(code=data.code).first()
        if existing and not replace:
            return existing, "exists"
        fields = {"title": data.title, "issuer": data.issuer, "doc_no": data.doc_no, "issued": data.issued,
                      "scope": data.scope, "applies_to": data.applies_to, "note": data.note, "meta": data.meta,
                      "source_file": data.source_file, "source_sha256": data.source_sha256}
        before = snapshot(existing)
        standard, created = Standard.objects.update_or_create(code=data.code, defaults=fields)
        by_code = {i.code: i for i in standard.indicators.all()}
        keep = set()
        for row in data.indicators:
            values = {f: getattr(row, f) for f in INDICATOR_FIELDS} | {"order": row.order}
            values["parent"] = by_code.get(row.parent_code) if row.parent_code else None
            ind = by_code.get(row.code)
            if ind is None:
                ind = Indicator.objects.create(standard=standard, code=row.code, **values)
                by_code[row.code] = ind
            else:
                for k, v in values.items():
                    setattr(ind, k, v)
                ind.save()
            keep.add(ind.pk)
            ind.targets.all().delete()
            Target.objects.bulk_create([
                Target(indicator=ind, region_class=t.region_class, op=t.op, value=t.value, text=t.text,
                       extra_condition=t.extra_condition) for t in row.targets
            ])
        stale = standard.indicators.exclude(pk__in=keep)
        if stale.filter(values__isnull=False).exists():
            raise ActionError("新文件删去了已有填报数据的指标，不能替换；请保留这些指标。")
        stale.filter(parent__isnull=False).delete()
        stale.delete()
        record(user=by, action="standard.create" if created else "standard.replace", obj=standard,
               before=before, after=snapshot(standard) | {"indicators": len(data.indicators)},
               reason=f"从文件 {data.source_file} 导入（sha256 {data.source_sha256[:12]}…）")
        return standard, "created" if created else "updated"


def _indicator_state(ind: Indicator) -> dict:
    state = snapshot(ind, INDICATOR_FIELDS)
    state["targets"] = [{"region_class": t.region_class, "op": t.op,
                         "value": str(t.value.normalize()) if t.value is not None else None, "text": t.text}
                        for t in ind.targets.all()]
    return state


def correct_indicator(ind: Indicator, *, by, changes: dict, targets: list[dict] | None, source_document: str) -> Indicator:
    """An administrator corrects an indicator (and optionally its targets), naming the
    document the correction comes from. The indicator is marked `corrected`."""
    require_catalogue_admin(by)
    if not source_document.strip():
        raise ActionError("请填写校正依据的文件名称（文号）")
    with transaction.atomic():
        ind = Indicator.objects.select_for_update().get(pk=ind.pk)
        before = _indicator_state(ind)
        for key, value in changes.items():
            if key not in INDICATOR_FIELDS:
                raise ActionError(f"不能修改字段“{key}”")
            setattr(ind, key, value)
        ind.verification = "corrected"
        ind.save()
        if targets is not None:
            rows = []
            for i, t in enumerate(targets, start=1):
                op = t.get("op", "")
                if op not in OPS:
                    raise ActionError(f"第 {i} 个目标：未知的比较符“{op}”")
                try:
                    region_class = normalize_class(t.get("region_class"))
                except ValueError as exc:
                    raise ActionError(f"第 {i} 个目标：{exc}") from None
                value = t.get("value")
                if op in NUMERIC_OPS:
                    try:
                        value = Decimal(str(value))
                    except (ArithmeticError, ValueError, TypeError):
                        raise ActionError(f"第 {i} 个目标：目标值“{value}”不是数值") from None
                else:
                    value = None
                rows.append(Target(indicator=ind, region_class=region_class, op=op, value=value,
                                   text=t.get("text", "")))
            ind.targets.all().delete()
            Target.objects.bulk_create(rows)
        record(user=by, action="indicator.correct", obj=ind, before=before, after=_indicator_state(ind),
               reason=f"依据：{source_document.strip()}")
        return ind


def choose_standard(region, year: int, standard: Standard, *, by) -> RegionStandard:
    require_admin(by, region)
    with transaction.atomic():
        current = RegionStandard.objects.filter(region=region, year=year).first()
        before = {"standard": current.standard.code} if current else None
        rs, _ = RegionStandard.objects.update_or_create(region=region, year=year, defaults={"standard": standard})
        record(user=by, action="region_standard.set", obj=rs, region=region, before=before,
               after={"standard": standard.code, "year": year}, object_repr=f"{region.name} {year}年 指标体系")
        return rs


def set_region_target(region, year: int, indicator: Indicator, *, kind: str, op: str, value, text: str,
                      source_document: str, by) -> RegionTarget:
    require_admin(by, region)
    if op not in OPS:
        raise ActionError(f"未知的比较符“{op}”")
    if not source_document.strip():
        raise ActionError("请填写依据文件")
    with transaction.atomic():
        current = RegionTarget.objects.filter(region=region, year=year, indicator=indicator, kind=kind).first()
        before = snapshot(current)
        rt, _ = RegionTarget.objects.update_or_create(
            region=region, year=year, indicator=indicator, kind=kind,
            defaults={"op": op, "value": Decimal(str(value)) if op in NUMERIC_OPS else None, "text": text,
                          "source_document": source_document})
        record(user=by, action=f"region_target.{kind}", obj=rt, region=region, before=before, after=snapshot(rt),
               object_repr=f"{region.name} {year}年 {indicator}")
        return rt
