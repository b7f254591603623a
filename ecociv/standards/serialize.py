"""One JSON shape for indicators, shared by the CLI, the API and exports."""
from ecociv.core.targets import format_decimal
from ecociv.standards.models import Indicator, Standard


def target_json(t) -> dict:
    return {"region_class": t.region_class, "operator": t.op,
            "value": float(t.value) if t.value is not None else None, "text": t.text}


def indicator_json(ind: Indicator, subs: list[Indicator] | None = None) -> dict:
    subs = subs if subs is not None else list(ind.sub_items.all())
    return {
        "code": ind.code,
        "area": ind.area,
        "task": ind.task,
        "name": ind.name,
        "unit": ind.unit,
        "type": ind.type or None,
        "applies_to": ind.applies_to,
        "coastal_only": ind.coastal_only,
        "direction": ind.direction,
        "lead_department": ind.lead_department,
        "definition": ind.definition,
        "method": ind.method,
        "data_source": ind.data_source,
        "aliases": ind.aliases,
        "targets": [target_json(t) for t in ind.targets.all()],
        "sub_items": [indicator_json(s, []) for s in subs],
        "verification": ind.verification,
        "note": ind.note,
    }


def standard_indicators_json(standard: Standard) -> list[dict]:
    inds = list(standard.indicators.prefetch_related("targets").order_by("order"))
    subs: dict[int, list[Indicator]] = {}
    for i in inds:
        if i.parent_id:
            subs.setdefault(i.parent_id, []).append(i)
    return [indicator_json(i, subs.get(i.pk, [])) for i in inds if not i.parent_id]


def standard_json(standard: Standard) -> dict:
    return {"code": standard.code, "title": standard.title, "issuer": standard.issuer, "doc_no": standard.doc_no,
            "issued": standard.issued, "scope": standard.scope, "applies_to": standard.applies_to,
            "indicator_count": standard.indicators.filter(parent__isnull=True).count(),
            "source_file": standard.source_file}


__all__ = ["format_decimal", "indicator_json", "standard_indicators_json", "standard_json"]
