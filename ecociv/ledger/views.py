"""Ledger pages: overview with charts, each ledger with filters and .xlsx export, the overdue
and findings lists, the ranking with its history, and the import (dry run, then apply).
Every page reads through the scope functions (404 out of scope, 403 read-only)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecociv.core.files import stored_file_response
from ecociv.ledger import actions, engine, excel, kinds, ranking, summary
from ecociv.ledger.importing import KINDS, SPECS, ImportFileError, plan_import
from ecociv.ledger.models import (
    SOURCE_FIELDS,
    Activity,
    Fund,
    ItemStatus,
    Letter,
    Project,
    ProjectStatus,
    RankingResult,
    Responsibility,
)
from ecociv.ledger.scope import can_manage, can_update_progress, get_entry_for_user
from ecociv.regions.scope import get_region_for_user, visible_regions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    return dt.date.today()


def _top_region(user):
    return visible_regions(user).order_by("path").first()


def _years(region, year: int) -> list[int]:
    latest = Project.objects.filter(region__path__startswith=region.path).aggregate(y=Max("year"))["y"]
    top = max(year, latest or year, _today().year)
    return list(range(top, top - 6, -1))


def _context(request, region, year, tab: str, **extra) -> dict:
    return {"region": region, "year": year, "years": _years(region, year), "tab": tab,
            "can_manage": can_manage(request.user, region), "parent": _visible_parent(request.user, region),
            "children": list(region.children.filter(pk__in=visible_regions(request.user)).order_by("code")),
            **extra}


def _visible_parent(user, region):
    if region.parent_id and visible_regions(user).filter(pk=region.parent_id).exists():
        return region.parent
    return None


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


@login_required
def index(request):
    region = _top_region(request.user)
    if region is None:
        raise Http404("您没有可查看的区划")
    latest = Project.objects.filter(region__path__startswith=region.path).aggregate(y=Max("year"))["y"]
    return redirect("ledger:overview", code=region.code, year=latest or _today().year)


@login_required
def overview(request, code, year):
    region = get_region_for_user(request.user, code)
    today = _today()
    s = summary.ledger_summary(region, year, today=today)
    funds, _ = summary.fund_rows(region, year, today)
    curve = summary.execution_curve(funds)
    chart = {
        "sources": [{"name": k, "value": float(Decimal(v))} for k, v in s["investment_wanyuan"]["by_source"].items()],
        "status": [{"name": k, "value": v} for k, v in s["projects"]["by_status"].items()],
        "months": [f"{m}月" for m in range(1, 13)],
        "execution": [None if r is None else float(round(r * 100, 2)) for r in curve],
        "timeline": [round(m / 12 * 100, 2) for m in range(1, 13)],
        "elapsed_month": (today.month if today.year == year else 12 if today.year > year else 0),
    }
    return render(request, "ledger/overview.html", _context(request, region, year, "overview", s=s, chart=chart,
                                                            labels=engine.FINDING_LABELS))


def _filtered_projects(request, region, year):
    qs = Project.objects.filter(region__path__startswith=region.path, year=year).select_related("region")
    f = {k: request.GET.get(k, "").strip() for k in ("status", "category", "q", "in")}
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["category"]:
        qs = qs.filter(category=f["category"])
    if f["q"]:
        qs = qs.filter(name__icontains=f["q"])
    if f["in"]:
        qs = qs.filter(region__code=f["in"])
    return qs, f


@login_required
def projects(request, code, year, export=False):
    region = get_region_for_user(request.user, code)
    qs, f = _filtered_projects(request, region, year)
    if export:
        return _xlsx(excel.export("projects", qs), f"{region.name}{year}年重点项目.xlsx")
    rows = []
    for p in qs:
        found = engine.project_findings(p.name, p.planned, p.source_amounts(), p.completed)
        rows.append({"p": p, "findings": found, "rate": engine.ratio(p.completed or 0, p.planned) if p.planned else None})
    totals = {"planned": engine.total(p.planned for p in qs), "completed": engine.total(p.completed for p in qs)}
    totals |= {f_: engine.total(getattr(p, f_) for p in qs) for f_ in SOURCE_FIELDS.values()}
    return render(request, "ledger/projects.html", _context(
        request, region, year, "projects", rows=rows, f=f, totals=totals, statuses=ProjectStatus.choices,
        categories=kinds.project_categories(), source_labels=list(SOURCE_FIELDS)))


@login_required
def funds(request, code, year, export=False):
    region = get_region_for_user(request.user, code)
    if export:
        qs = Fund.objects.filter(region__path__startswith=region.path, year=year)
        return _xlsx(excel.export("funds", qs), f"{region.name}{year}年资金与预算执行.xlsx")
    rows, _ = summary.fund_rows(region, year, _today())
    only_warn = request.GET.get("warn") == "1"
    if only_warn:
        rows = [r for r in rows if r["findings"]]
    s = summary.ledger_summary(region, year, today=_today())
    return render(request, "ledger/funds.html", _context(
        request, region, year, "funds", rows=rows, s=s, only_warn=only_warn, lag=engine.plain(kinds.lag_points()),
        deviation=engine.plain(kinds.deviation_share() * 100)))


@login_required
def activities(request, code, year, export=False):
    region = get_region_for_user(request.user, code)
    qs = Activity.objects.filter(region__path__startswith=region.path, year=year).select_related("region")
    group = request.GET.get("group", "")
    kind = request.GET.get("kind", "")
    if group:
        qs = qs.filter(group=group)
    if kind:
        qs = qs.filter(kind=kind)
    if export:
        return _xlsx(excel.export("activities", qs), f"{region.name}{year}年创建活动与执法.xlsx")
    s = summary.ledger_summary(region, year, today=_today())
    return render(request, "ledger/activities.html", _context(
        request, region, year, "activities", rows=qs, group=group, kind=kind, groups=kinds.GROUP_LABELS,
        kinds=kinds.activity_kinds(), s=s))


@login_required
def responsibilities(request, code, year, export=False):
    region = get_region_for_user(request.user, code)
    today = _today()
    qs = (Responsibility.objects.filter(region__path__startswith=region.path, year=year)
          .select_related("region", "indicator"))
    dept = request.GET.get("dept", "")
    overdue_only = request.GET.get("overdue") == "1"
    if dept:
        qs = qs.filter(lead_department=dept)
    if overdue_only:
        qs = qs.filter(deadline__lt=today).exclude(status=ItemStatus.DONE)
    if export:
        return _xlsx(excel.export("responsibilities", qs), f"{region.name}{year}年任务分解.xlsx")
    items = [{"r": r, "overdue": r.is_overdue(today), "can_update": can_update_progress(request.user, r)} for r in qs]
    s = summary.ledger_summary(region, year, today=today)
    departments = sorted(set(Responsibility.objects.filter(region__path__startswith=region.path, year=year)
                             .values_list("lead_department", flat=True)))
    letters = Letter.objects.filter(region__path__startswith=region.path, year=year).select_related("region")
    return render(request, "ledger/responsibilities.html", _context(
        request, region, year, "overdue" if overdue_only else "responsibilities", items=items, dept=dept,
        overdue_only=overdue_only, departments=departments, s=s, letters=letters, today=today,
        statuses=ItemStatus.choices))


@login_required
@require_POST
def update_progress(request, pk):
    item = get_entry_for_user(request.user, Responsibility, pk)
    if not can_update_progress(request.user, item):
        raise PermissionDenied("只有牵头单位或创建办管理员可以更新该任务的进度")
    try:
        progress = int(request.POST.get("progress", ""))
        version = request.POST.get("version")
        actions.update_progress(item, by=request.user, progress=progress, note=request.POST.get("note"),
                                evidence=request.FILES.get("evidence"),
                                version=int(version) if version not in (None, "") else None)
        messages.success(request, f"已更新“{item.title}”的进度")
    except ValueError as exc:
        messages.error(request, str(exc) if isinstance(exc, actions.LedgerError) else "进度应为 0 到 100 的整数")
    return redirect(request.POST.get("next") or "ledger:index")


@login_required
def responsibility_evidence(request, pk):
    item = get_entry_for_user(request.user, Responsibility, pk)
    if not item.evidence:
        raise Http404("该任务没有佐证材料")
    return stored_file_response(item.evidence, filename=item.evidence_name or "佐证材料", sha256=item.evidence_sha256)


@login_required
def letter_file(request, pk):
    letter = get_entry_for_user(request.user, Letter, pk)
    if not letter.file:
        raise Http404("该责任书没有扫描件")
    return stored_file_response(letter.file, filename=letter.file_name or f"{letter.title}扫描件",
                                sha256=letter.file_sha256)


@login_required
@require_POST
def add_letter(request, code, year):
    region = get_region_for_user(request.user, code, write=True)
    signed = request.POST.get("signed_on") or None
    try:
        actions.save_letter(by=request.user, region=region, year=year, title=request.POST.get("title", ""),
                            parties=request.POST.get("parties", ""),
                            signed_on=dt.date.fromisoformat(signed) if signed else None,
                            file=request.FILES.get("file"))
        messages.success(request, "责任书已保存")
    except ValueError as exc:
        messages.error(request, str(exc) if isinstance(exc, actions.LedgerError) else "签订日期格式不正确")
    return redirect("ledger:responsibilities", code=region.code, year=year)


@login_required
def findings(request, code, year):
    region = get_region_for_user(request.user, code)
    s = summary.ledger_summary(region, year, today=_today())
    kind = request.GET.get("kind", "")
    rows = [f for f in s["findings"] if not kind or f["kind"] == kind]
    return render(request, "ledger/findings.html", _context(request, region, year, "findings", rows=rows, kind=kind,
                                                            labels=engine.FINDING_LABELS, total=len(s["findings"])))


@login_required
def ranking_page(request, code, year, export=False):
    region = get_region_for_user(request.user, code)
    rules = ranking.active_rules()
    rows = ranking.rank_children(region, year, rules)
    depts = ranking.rank_departments(region, year, rules)
    hist = ranking.history(region)
    dept_hist = ranking.history(region, "department")
    years = sorted({y for h in hist.values() for y in h} | {year})
    for r in rows:
        r["history"] = [hist.get(r["region"], {}).get(y) for y in years]
        prev = hist.get(r["region"], {}).get(year - 1)
        r["previous"] = prev
    for r in depts:
        r["previous"] = dept_hist.get(r["name"], {}).get(year - 1)
    labels = {p["key"]: p["label"] for p in rules["regions"] + rules.get("departments", [])}
    if export:
        return _xlsx(_ranking_xlsx(region, year, rows, depts, rules), f"{region.name}{year}年考核排名.xlsx")
    chart = {"years": [f"{y}年" for y in years],
             "series": [{"name": r["name"], "data": r["history"]} for r in rows[:12]], "n": len(rows)}
    published = RankingResult.objects.filter(parent=region, year=year).first()
    return render(request, "ledger/ranking.html", _context(
        request, region, year, "ranking", rows=rows, depts=depts, rules=rules, labels=labels, chart=chart,
        published=published, region_parts=rules["regions"], dept_parts=rules.get("departments", [])))


def _ranking_xlsx(region, year, rows, depts, rules) -> bytes:
    import io

    from openpyxl import Workbook

    from ecociv.core.xlsx import add_sheet

    wb = Workbook()
    parts = rules["regions"]
    add_sheet(wb, "区划排名", ["名次", "区划代码", "名称", "得分", *[f"{p['label']}（{p['weight']}）" for p in parts],
                               "上年名次"],
              [[r["rank"], r["region"], r["name"], float(r["score"]), *[float(r["parts"][p["key"]]) for p in parts],
                r.get("previous")] for r in rows], caption=f"{region.name}{year}年考核排名（规则：{rules['name']}）")
    dparts = rules.get("departments", [])
    add_sheet(wb, "部门排名", ["名次", "部门", "得分", *[f"{p['label']}（{p['weight']}）" for p in dparts]],
              [[r["rank"], r["name"], float(r["score"]), *[float(r["parts"][p["key"]]) for p in dparts]] for r in depts],
              caption=f"{region.name}{year}年部门考核排名")
    del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@login_required
@require_POST
def publish(request, code, year):
    region = get_region_for_user(request.user, code, write=True)
    actions.publish_ranking(by=request.user, parent=region, year=year)
    messages.success(request, f"已发布{region.name}{year}年考核排名，留作历史")
    return redirect("ledger:ranking", code=region.code, year=year)


@login_required
@require_POST
def upload_rules(request, code, year):
    region = get_region_for_user(request.user, code, write=True)
    f = request.FILES.get("rules")
    if f is None:
        messages.error(request, "请选择规则文件（.yaml）")
    elif f.size > 256 * 1024:
        messages.error(request, "规则文件过大（应小于 256 KB）")
    else:
        try:
            actions.upload_rules(by=request.user, name=request.POST.get("name", ""),
                                 content=f.read().decode("utf-8-sig"))
            messages.success(request, "考核规则已上传并启用")
        except (actions.LedgerError, UnicodeDecodeError) as exc:
            messages.error(request, str(exc) if isinstance(exc, actions.LedgerError) else "规则文件应为 UTF-8 编码")
    return redirect("ledger:ranking", code=region.code, year=year)


@login_required
def rules_file(request):
    """The active 考核 rules as a YAML file: the starting point for an office's own rules."""
    from ecociv.ledger.models import RankingRules

    if _top_region(request.user) is None:
        raise Http404("您没有可查看的区划")
    uploaded = RankingRules.objects.filter(active=True).first()
    text = uploaded.content if uploaded else ranking.DEFAULT_RULES.read_text(encoding="utf-8")
    resp = HttpResponse(text.encode("utf-8"), content_type="application/x-yaml; charset=utf-8")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('考核规则.yaml')}"
    return resp


@login_required
def template(request, kind):
    if kind not in SPECS:
        raise Http404("没有这种台账")
    return _xlsx(excel.template(kind), f"{SPECS[kind].label}导入模板.xlsx")


SESSION_KEY = "ledger_import"


@login_required
def import_page(request, kind):
    """Upload → dry run with per-row results → apply the same bytes (kept in the session by hash)."""
    if kind not in SPECS:
        raise Http404("没有这种台账")
    region = _top_region(request.user)
    if region is None or not can_manage(request.user, region):
        raise PermissionDenied("仅创建办管理员可以导入台账")
    ctx = {"kind": kind, "spec": SPECS[kind], "kinds": [(k, SPECS[k].label) for k in KINDS], "region": region,
           "year": _today().year}
    if request.method == "POST" and request.POST.get("apply"):
        held = request.session.get(SESSION_KEY) or {}
        if held.get("sha256") != request.POST.get("sha256") or held.get("kind") != kind:
            messages.error(request, "预检结果已过期，请重新上传文件")
            return redirect("ledger:import", kind=kind)
        data = base64.b64decode(held["data"])
        plan = plan_import(held["name"], kind, by=request.user, data=data, name=held["name"])
        try:
            actions.apply_import(plan, by=request.user)
        except (actions.LedgerError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return render(request, "ledger/import.html", ctx | {"plan": plan})
        del request.session[SESSION_KEY]
        messages.success(request, f"导入完成：{plan.summary()}")
        return render(request, "ledger/import.html", ctx | {"plan": plan, "applied": True})
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 .xlsx 或 .csv 文件")
            return render(request, "ledger/import.html", ctx)
        if upload.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
            messages.error(request, f"文件超过 {settings.UPLOAD_MAX_MB} MB")
            return render(request, "ledger/import.html", ctx)
        data = upload.read()
        try:
            plan = plan_import(upload.name, kind, by=request.user, data=data, name=upload.name)
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return render(request, "ledger/import.html", ctx)
        sha = hashlib.sha256(data).hexdigest()
        if plan.ok:
            request.session[SESSION_KEY] = {"sha256": sha, "kind": kind, "name": upload.name,
                                            "data": base64.b64encode(data).decode()}
        return render(request, "ledger/import.html", ctx | {"plan": plan, "sha256": sha})
    return render(request, "ledger/import.html", ctx)


@login_required
def from_fact(request, fact_id):
    """Item 9: the form that puts a figure of an old summary into the ledger (see from_facts)."""
    from ecociv.extraction.scope import get_fact_for_user
    from ecociv.ledger.from_facts import TARGETS, accept_fact_into_ledger, proposal

    fact = get_fact_for_user(request.user, fact_id)
    get_region_for_user(request.user, fact.document.region.code, write=True)
    form = proposal(fact)
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("target", "region", "year", "name", "value", "unit", "category",
                                                     "source", "activity_kind")}
        try:
            obj = accept_fact_into_ledger(fact, by=request.user, target=form["target"], region_code=form["region"],
                                          year=form["year"], name=form["name"], value=form["value"], unit=form["unit"],
                                          category=form["category"], source=form["source"],
                                          activity_kind=form["activity_kind"])
            messages.success(request, f"已记入台账：{TARGETS[form['target']]}“{obj}”")
            return redirect("extraction:document", doc_id=fact.document_id)
        except (actions.LedgerError, PermissionDenied) as exc:
            messages.error(request, str(exc))
    regions = visible_regions(request.user).filter(path__startswith=fact.document.region.path).order_by("path")[:200]
    return render(request, "ledger/from_fact.html", {
        "fact": fact, "form": form, "targets": TARGETS, "regions": regions, "categories": kinds.project_categories(),
        "sources": kinds.fund_sources(), "activity_kinds": list(kinds.activity_kinds())})
