"""Item 9: a figure read from an old summary, accepted into the ledger by a person — a key
project's planned investment, a fund's budget, or an activity's count — with the source
sentence kept on the entry and the fact marked 已采纳 (the extraction review shows it).
Nothing enters unreviewed: this runs only when someone submits the form."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import record
from ecociv.core import years
from ecociv.ledger import kinds
from ecociv.ledger.actions import LedgerError
from ecociv.ledger.engine import MoneyError, parse_wan, plain
from ecociv.ledger.models import SOURCE_FIELDS, Activity, Fund, Project
from ecociv.ledger.scope import require_manage
from ecociv.regions.scope import get_region_for_user

TARGETS = {"project": "重点项目（计划投资）", "fund": "资金（预算）", "activity": "创建活动与执法（数量）"}
MONEY_UNITS = ("元", "万元", "亿元", "万", "亿")


def proposal(fact) -> dict:
    """What the form starts with: money goes to a project, anything else to an activity."""
    unit = (fact.unit or "").strip()
    return {"target": "project" if unit in MONEY_UNITS else "activity", "value": plain(fact.value) if fact.value
            is not None else "", "unit": unit, "name": (fact.subject or "")[:200],
            "year": fact.document.year or "", "region": fact.document.region.code}


def accept_fact_into_ledger(fact, *, by, target: str, region_code: str, year, name: str, value=None, unit: str = "",
                            category: str = "", source: str = "", activity_kind: str = ""):
    from ecociv.extraction.models import Fact, FactStatus

    get_region_for_user(by, fact.document.region.code, write=True)
    region = get_region_for_user(by, region_code, write=True)
    require_manage(by, region)
    if target not in TARGETS:
        raise LedgerError("请选择记入哪一本台账")
    raw_year, year = year, years.parse_year(year)
    if year is None:
        raise LedgerError(f"“{raw_year}”不是有效年度：请填写 {years.FIRST_YEAR}–{years.LAST_YEAR} 之间的四位数字")
    name = (name or "").strip()
    if not name:
        raise LedgerError("请填写项目、资金或事项的名称")
    raw = plain(fact.value) if value in (None, "") and fact.value is not None else (value or "")
    if raw == "":
        raise LedgerError("该数字在文档中被遮盖，请填写实际数值后再采纳")
    unit = (unit or "").strip()
    quote = f"摘自《{fact.document.name}》：“{(fact.sentence or fact.quote).strip()[:300]}”"
    with transaction.atomic():
        fact = Fact.objects.select_for_update(of=("self",)).select_related("document").get(pk=fact.pk)
        if fact.status != FactStatus.PENDING:
            raise LedgerError(f"该数据已{fact.get_status_display()}，请刷新页面")
        try:
            if target in ("project", "fund"):
                amount = parse_wan(f"{raw}{unit if unit in MONEY_UNITS else '万元'}")
            else:
                amount = Decimal(str(raw))
        except (MoneyError, ArithmeticError, ValueError) as exc:
            raise LedgerError(str(exc) if isinstance(exc, MoneyError) else f"“{raw}”不是数字") from None
        if target == "project":
            if category not in kinds.project_categories():
                raise LedgerError("请选择项目类别")
            obj = Project.objects.select_for_update().filter(region=region, year=year, name=name).first()
            before = {"planned": obj.planned} if obj else None
            obj = obj or Project(region=region, year=year, name=name, category=category)
            obj.planned, field = amount, "planned"
        elif target == "fund":
            if source not in SOURCE_FIELDS:
                raise LedgerError("请选择资金来源")
            obj = Fund.objects.select_for_update().filter(region=region, year=year, name=name, source=source).first()
            before = {"budget": obj.budget} if obj else None
            obj = obj or Fund(region=region, year=year, name=name, source=source)
            obj.budget, field = amount, "budget"
        else:
            known = kinds.activity_kinds()
            if activity_kind not in known:
                raise LedgerError("请选择活动类别")
            obj = Activity.objects.select_for_update().filter(region=region, year=year, kind=activity_kind,
                                                              title=name).first()
            before = {"count": obj.count} if obj else None
            obj = obj or Activity(region=region, year=year, kind=activity_kind, title=name,
                                  group=known[activity_kind]["group"])
            obj.count, field = amount, "count"
        obj.note = "\n".join(x for x in (obj.note, quote) if x)
        obj.updated_by = by
        obj.save()
        reason = f"采纳文档《{fact.document.name}》中的“{fact.quote}”（第 {fact.start}–{fact.end} 字）"
        record(user=by, action="ledger.from_fact", obj=obj, region=region, before=before,
               after={field: getattr(obj, field), "note": quote}, reason=reason)
        fact.status, fact.decided_by, fact.decided_at = FactStatus.ACCEPTED, by, timezone.now()
        fact.accepted = {"region": region.code, "region_name": region.name, "year": year, "ledger": TARGETS[target],
                         "ledger_ref": name, "indicator": "", "indicator_name": f"台账：{TARGETS[target]}“{name}”",
                         "value": plain(amount), "unit": "万元" if target != "activity" else unit}
        fact.save(update_fields=["status", "decided_by", "decided_at", "accepted"])
        record(user=by, action="extraction.accept", obj=fact, object_repr=f"{fact.document.name} · {fact.quote}",
               region=region, after=fact.accepted)
    return obj
