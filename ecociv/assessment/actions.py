"""Writes of the assessment app: recording a precondition or veto fact for a region-year."""
from __future__ import annotations

from django.db import transaction

from ecociv.assessment.models import STATES_FOR_KIND, FactKind, RegionYearFact
from ecociv.assessment.rules import load_rules
from ecociv.audit.actions import record, snapshot
from ecociv.regions.scope import require_admin


class ActionError(ValueError):
    """A refused action, with a message fit to show the user."""


def record_fact(region, year: int, code: str, state: str, *, by, source_document: str, note: str = "") -> RegionYearFact:
    require_admin(by, region)
    rules = load_rules()
    cond = rules.condition(code)
    if cond is None:
        raise ActionError(f"判定规则中没有条件“{code}”")
    kind = FactKind.PRECONDITION if cond in rules.preconditions else FactKind.VETO
    if state not in STATES_FOR_KIND[kind]:
        raise ActionError(f"“{cond.name}”的情况只能是：{'、'.join(s.label for s in STATES_FOR_KIND[kind])}")
    if not source_document.strip():
        raise ActionError("请填写依据文件（文号或材料名称）")
    with transaction.atomic():
        current = RegionYearFact.objects.select_for_update().filter(region=region, year=year, code=code).first()
        before = snapshot(current)
        fact, _ = RegionYearFact.objects.update_or_create(
            region=region, year=year, code=code,
            defaults={"kind": kind, "state": state, "note": note.strip(), "source_document": source_document.strip(),
                          "recorded_by": by})
        record(user=by, action=f"assessment.{kind}", obj=fact, region=region, before=before, after=snapshot(fact),
               object_repr=f"{region.name} {year}年 {cond.name}", reason=source_document.strip())
        return fact
