"""Every write to the ledger: atomic, permission-checked, with an audit row (before/after)."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import record, record_many, snapshot
from ecociv.core.files import UploadRefused, store_upload
from ecociv.ledger import engine
from ecociv.ledger.models import (
    FundExecution,
    Kind,
    Letter,
    PerformanceTarget,
    RankingResult,
    RankingRules,
    Responsibility,
)
from ecociv.ledger.scope import can_update_progress, require_manage


class LedgerError(ValueError):
    """A refused write; the message is for the user."""


class LedgerConflict(LedgerError):
    """Someone else changed the entry since the form was shown; nothing was written."""


def _state(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def apply_import(plan, *, by, progress=None) -> dict[str, int]:
    """All rows or none. Re-reads under lock what the dry run saw, so a row created meanwhile
    is refused rather than duplicated."""
    from ecociv.ledger.importing import ImportPlan

    assert isinstance(plan, ImportPlan)
    if not plan.rows:
        raise LedgerError("文件中没有数据行")
    if plan.errors:
        raise LedgerError(f"文件有 {len(plan.errors)} 处错误，未导入任何数据")
    for region in {r.region.pk: r.region for r in plan.rows}.values():
        require_manage(by, region)
    spec = plan.spec
    model = spec.model
    now = timezone.now()
    changing = [r for r in plan.rows if r.outcome != "unchanged"]
    with transaction.atomic():
        current = {}
        if changing:
            qs = model.objects.select_for_update().filter(
                region__in={r.region.pk for r in changing}, year__in={r.year for r in changing},
                **{f"{spec.identity[0]}__in": {r.values[spec.identity[0]] for r in changing}})
            current = {(o.region_id, o.year, *tuple(getattr(o, k) for k in spec.identity)): o for o in qs}
        created, updated, audit = [], [], []
        fields = sorted({k for r in changing for k in r.values})
        for i, r in enumerate(changing, start=1):
            if progress and (i % 500 == 0 or i == len(changing)):
                progress(i, len(changing))
            obj = current.get((r.region.pk, r.year, *tuple(r.values[k] for k in spec.identity)))
            if (obj is None) != (r.outcome == "created"):
                raise LedgerError(f"第{r.row}行：数据在预检后已被他人修改，请重新预检")
            before = _state(obj, fields) if obj is not None else None
            if obj is None:
                obj = model(region=r.region, year=r.year)
                created.append((obj, r))
            else:
                updated.append((obj, r))
            for k, v in r.values.items():
                setattr(obj, k, v)
            obj.updated_by = by
            obj.updated_at = now
            audit.append((obj, r, before))
        model.objects.bulk_create([o for o, _ in created], batch_size=500)
        if updated:
            model.objects.bulk_update([o for o, _ in updated], [*fields, "updated_by", "updated_at"], batch_size=500)
        if plan.kind == "funds":
            _apply_fund_extras([(o, r) for o, r, _ in audit])
        record_many(user=by, action=f"ledger.import.{plan.kind}", entries=[{
            "object_type": f"ledger.{model._meta.model_name}", "object_id": o.pk, "object_repr": str(o),
            "region": r.region, "before": before, "after": {**_state(o, fields), **_extras_json(r)},
            "reason": f"{plan.file_name} 第{r.row}行"} for o, r, before in audit])
    return plan.counts()


def _extras_json(r) -> dict:
    out = {}
    if r.extras.get("months"):
        out["months"] = {str(m): engine.wan_str(v) for m, v in r.extras["months"].items()}
    if r.extras.get("perf_name"):
        out["performance"] = {k: r.extras.get(k) for k in ("perf_name", "perf_target", "perf_actual")}
    return out


def _apply_fund_extras(rows) -> None:
    """The file's months and performance target replace the fund's (the file is the whole row)."""
    ids = [o.pk for o, _ in rows]
    FundExecution.objects.filter(fund_id__in=ids).delete()
    FundExecution.objects.bulk_create([FundExecution(fund=o, month=m, amount=v)
                                       for o, r in rows for m, v in sorted((r.extras.get("months") or {}).items())],
                                      batch_size=500)
    PerformanceTarget.objects.filter(fund_id__in=ids).delete()
    PerformanceTarget.objects.bulk_create([
        PerformanceTarget(fund=o, name=r.extras["perf_name"], target=r.extras["perf_target"],
                          actual=r.extras.get("perf_actual"))
        for o, r in rows if r.extras.get("perf_name")], batch_size=500)


RESPONSIBILITY_FIELDS = ["progress", "status", "note"]


def update_progress(item: Responsibility, *, by, progress: int, status: str | None = None, note: str | None = None,
                    evidence=None, version: int | None = None) -> Responsibility:
    """进度 of one item; `evidence` an uploaded file (content-checked, stored by checksum);
    `version` the one the form showed — a stale form is refused naming who changed it."""
    if not can_update_progress(by, item):
        raise PermissionDenied("只有牵头单位或创建办管理员可以更新该任务的进度")
    if not (0 <= int(progress) <= 100):
        raise LedgerError("进度应为 0 到 100")
    stored = _store(evidence, "ledger/evidence")
    with transaction.atomic():
        item = Responsibility.objects.select_for_update().get(pk=item.pk)
        if version is not None and item.version != version:
            who = str(item.updated_by) if item.updated_by else "他人"
            raise LedgerConflict(f"“{item.title}”已被{who}改为进度 {item.progress}%（{item.get_status_display()}），"
                                 "您的修改未保存，请在最新内容上重新填写")
        before = snapshot(item, [*RESPONSIBILITY_FIELDS, "evidence_name"])
        item.progress = int(progress)
        item.status = status or ("done" if item.progress == 100 else "in_progress" if item.progress else "not_started")
        if note is not None:
            item.note = note
        if stored is not None:
            item.evidence.name, item.evidence_name, item.evidence_sha256 = stored.path, stored.name, stored.sha256
        item.updated_by = by
        item.version += 1
        item.save()
        record(user=by, action="ledger.responsibility.progress", obj=item, region=item.region, before=before,
               after=snapshot(item, [*RESPONSIBILITY_FIELDS, "evidence_name"]))
    return item


def _store(upload, folder: str):
    """An uploaded file checked by the one upload rule (core.files.sniff) and stored, or None."""
    if upload is None:
        return None
    if upload.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise LedgerError(f"“{upload.name}”超过 {settings.UPLOAD_MAX_MB} MB 的大小限制")
    try:
        return store_upload(upload.read(), upload.name, folder)
    except UploadRefused as exc:
        raise LedgerError(str(exc)) from None


def save_letter(*, by, region, year: int, title: str, parties: str, signed_on=None, file=None) -> Letter:
    require_manage(by, region)
    if not title.strip() or not parties.strip():
        raise LedgerError("责任书名称和签订各方不能为空")
    stored = _store(file, "ledger/letters")
    fields = ["title", "parties", "signed_on", "file_name"]
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(region=region, year=year, title=title.strip()).first()
        before = snapshot(letter, fields)
        letter = letter or Letter(region=region, year=year, title=title.strip())
        letter.parties, letter.signed_on, letter.updated_by = parties.strip(), signed_on, by
        if stored is not None:
            letter.file.name, letter.file_name, letter.file_sha256 = stored.path, stored.name, stored.sha256
        letter.save()
        record(user=by, action="ledger.letter.save", obj=letter, region=region, before=before,
               after=snapshot(letter, fields))
    return letter


def add_kind(*, by, group: str, name: str, unit: str = "") -> Kind:
    """An office's own category (项目类别 or activity kind)."""
    from ecociv.core.roles import Role

    if not (by.is_superuser or by.role == Role.ADMIN):
        raise PermissionDenied("仅创建办管理员可以增加类别")
    name = name.strip()
    if not name or len(name) > 40:
        raise LedgerError("类别名称不能为空，且不超过 40 字")
    with transaction.atomic():
        kind, created = Kind.objects.get_or_create(group=group, name=name, defaults={"unit": unit})
        if created:
            record(user=by, action="ledger.kind.add", obj=kind, after=snapshot(kind))
    return kind


def upload_rules(*, by, name: str, content: str) -> RankingRules:
    """Another 考核 rules file; checked before it replaces the active one."""
    from ecociv.core.roles import Role
    from ecociv.ledger.ranking import RulesError, parse_rules

    if not (by.is_superuser or by.role == Role.ADMIN):
        raise PermissionDenied("仅创建办管理员可以上传考核规则")
    try:
        rules = parse_rules(content)
    except RulesError as exc:
        raise LedgerError(str(exc)) from None
    with transaction.atomic():
        previous = RankingRules.objects.filter(active=True).first()
        RankingRules.objects.filter(active=True).update(active=False)
        obj = RankingRules.objects.create(name=name or rules["name"], content=content, uploaded_by=by)
        record(user=by, action="ledger.rules.upload", obj=obj,
               before={"active": previous.name} if previous else None,
               after={"name": obj.name, "regions": rules["regions"], "departments": rules["departments"]})
    return obj


def publish_ranking(*, by, parent, year: int, rules=None) -> list[dict]:
    """Store this year's ranking of the children (and departments) so later years can show the
    history; replaces what was published for the same year."""
    from ecociv.ledger.ranking import active_rules, rank_children, rank_departments

    require_manage(by, parent)
    rules = rules or active_rules()
    rows = {RankingResult.Subject.REGION: rank_children(parent, year, rules),
            RankingResult.Subject.DEPARTMENT: rank_departments(parent, year, rules)}
    with transaction.atomic():
        old = list(RankingResult.objects.filter(parent=parent, year=year).values("subject", "key", "rank", "score"))
        RankingResult.objects.filter(parent=parent, year=year).delete()
        RankingResult.objects.bulk_create([
            RankingResult(parent=parent, year=year, subject=subject, key=r.get("region") or r["name"], name=r["name"],
                          score=r["score"], rank=r["rank"], parts=r["parts"], rules_name=rules["name"], published_by=by)
            for subject, rs in rows.items() for r in rs])
        record(user=by, action="ledger.ranking.publish", object_type="ledger.rankingresult",
               object_id=f"{parent.code}/{year}", object_repr=f"{parent.name}{year}年考核排名", region=parent,
               before={"rows": old} if old else None,
               after={"rules": rules["name"], "rows": [{"subject": s, "key": r.get("region") or r["name"],
                                                        "rank": r["rank"], "score": r["score"]}
                                                       for s, rs in rows.items() for r in rs]})
    return rows[RankingResult.Subject.REGION]
