"""监测数据 pages: upload and evaluate (background thread, progress polled with htmx), results
with the days-by-level chart, downloads, and feeding the results into the indicators."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecociv.core import years
from ecociv.core.background import stale_limit
from ecociv.monitoring import runs, samples
from ecociv.monitoring.actions import RerunError, create_run, rerun, summary_text
from ecociv.monitoring.engine.api import ENGINES
from ecociv.monitoring.engine.rules import load_rules
from ecociv.monitoring.feed import FeedError
from ecociv.monitoring.models import RunKind, RunState
from ecociv.monitoring.scope import can_rerun, get_run_for_user, visible_runs, writable_regions
from ecociv.regions.scope import get_region_for_user

LEVELS = {1: "优", 2: "良", 3: "轻度污染", 4: "中度污染", 5: "重度污染", 6: "严重污染"}
# (key, label, unit) of the annual air results, in the order HJ 663 reports them.
AIR_COLUMNS = [
    ("valid_days", "有效天数", "天"), ("good_days", "优良天数", "天"), ("good_rate", "优良天数比例", "%"),
    ("PM2.5_mean", "PM2.5 年均值", "μg/m³"), ("PM10_mean", "PM10 年均值", "μg/m³"),
    ("SO2_mean", "SO₂ 年均值", "μg/m³"), ("NO2_mean", "NO₂ 年均值", "μg/m³"),
    ("CO_p95", "CO 日均值第95百分位", "mg/m³"), ("O3_8h_p90", "O₃ 日最大8小时第90百分位", "μg/m³"),
    ("PM2.5_p95", "PM2.5 日均值第95百分位", "μg/m³"), ("PM10_p95", "PM10 日均值第95百分位", "μg/m³"),
    ("SO2_p98", "SO₂ 日均值第98百分位", "μg/m³"), ("NO2_p98", "NO₂ 日均值第98百分位", "μg/m³"),
]
ENGINE_LABELS = {"duckdb": "DuckDB（本机，默认）", "spark": "PySpark（分布式）"}


def _available_engines():
    out = []
    for e in ENGINES:
        if e == "spark":
            try:
                import pyspark  # noqa: F401
            except ImportError:
                continue
        out.append((e, ENGINE_LABELS[e]))
    return out


def _standards():
    return [(rs.id, rs.label) for rs in load_rules().rulesets]


@login_required
def index(request):
    regions = writable_regions(request.user)
    error = ""
    if request.method == "POST":
        region = get_region_for_user(request.user, request.POST.get("region", ""), write=True)
        kind = request.POST.get("kind")
        files = request.FILES
        if request.POST.get("sample") == "1":
            # One click: the packaged sample files, with this region's code, through the same path.
            files = samples.uploads(kind, region.code)
        try:
            if kind == RunKind.AIR:
                level = request.POST.get("level", "region")
                engine = request.POST.get("engine", "duckdb")
                standard = request.POST.get("standard", "")
                if level not in ("station", "region") or engine not in dict(_available_engines()) or (
                        standard and standard not in dict(_standards())):
                    raise runs.UploadError("参数无效，请重新选择")
                uploads = [("stations", files.get("stations"), "站点文件", runs.SUFFIXES["stations"]),
                           ("data", files.get("data"), "监测数据文件", runs.SUFFIXES["data"])]
                params = {"level": level, "engine": engine, "standard": standard}
            elif kind == RunKind.WATER:
                uploads = [("data", files.get("data"), "水质数据文件", runs.WATER_SUFFIXES)]
                params = {}
            else:
                raise runs.UploadError("请选择评价类型")
            checked = [(role, f, runs.check_upload(f, label, sfx)) for role, f, label, sfx in uploads]
        except runs.UploadError as exc:
            error = str(exc)
        else:
            files = [runs.store_upload(role, f, suffix) for role, f, suffix in checked]
            run = create_run(by=request.user, region=region, kind=kind, files=files, parameters=params)
            runs.start(run)
            return redirect("monitoring:run", run_id=run.pk)
    return render(request, "monitoring/index.html", {
        "regions": regions, "error": error, "engines": _available_engines(), "standards": _standards(),
        "recent": visible_runs(request.user)[:20], "max_mb": runs.max_upload_bytes() // 1024 // 1024,
        "posted": request.POST if request.method == "POST" else {}, "samples": samples.SAMPLES,
    })


@login_required
def sample_file(request, name):
    """A packaged sample file; with ?region=CODE (a region in scope) its region column says CODE."""
    sample = samples.BY_NAME.get(name)
    if sample is None:
        raise Http404("没有这个示例文件")
    code = request.GET.get("region", "")
    if code:
        code = get_region_for_user(request.user, code).code
    from django.http import HttpResponse

    resp = HttpResponse(samples.content(name, code or None), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


def over_iii_text(items: list) -> str:
    """Items worse than class III as people read them: "COD（Ⅳ类，超标 0.39 倍）"."""
    from ecociv.monitoring.engine.water import CLASS_CN

    out = []
    for it in items:
        if not isinstance(it, dict):
            out.append(str(it))
            continue
        parts = [CLASS_CN.get(it.get("class"), it.get("class") or "")]
        if it.get("multiple") is not None:
            parts.append(f"超标 {it['multiple']} 倍")
        out.append(f"{it.get('item', '')}（{'，'.join(p for p in parts if p)}）")
    return "、".join(out)


def _region_names(ids):
    from ecociv.regions.models import Region

    return dict(Region.objects.filter(code__in=list(ids)).values_list("code", "name"))


def _status_context(request, run) -> dict:
    ctx = {"run": run}
    if run.interrupted:
        ctx["stale_minutes"] = int(stale_limit().total_seconds() // 60)
        ctx["rerun"] = run.reruns.order_by("-pk").first()
        ctx["may_rerun"] = can_rerun(request.user, run)
    return ctx


def _context(request, run):
    ctx = _status_context(request, run)
    if run.state != RunState.DONE:
        return ctx
    rows = runs.result_rows(run)
    names = _region_names({r["id"] for r in rows})
    if run.kind == RunKind.AIR:
        table = [{"id": r["id"], "name": names.get(r["id"], ""), "year": r["year"],
                  "cells": [r.get(k) for k, _l, _u in AIR_COLUMNS],
                  "levels": [r["days_by_level"].get(str(lv), 0) for lv in LEVELS],
                  "standard": "；".join(r.get("standard", []))} for r in rows]
        ctx.update(columns=AIR_COLUMNS, table=table, chart={
            "categories": [f"{t['name'] or t['id']} {t['year']}" for t in table],
            "series": [{"name": name, "data": [t["levels"][i] for t in table]} for i, name in enumerate(LEVELS.values())],
        }, level_names=list(LEVELS.values()))
    else:
        ctx.update(sections=[{**sec, "over_text": over_iii_text(sec.get("over_III") or [])}
                             for sec in run.results.get("sections", [])], water_regions=[
            {**r, "name": names.get(r["id"], "")} for r in rows])
    ctx["years"] = sorted({r["year"] for r in rows}, reverse=True)
    ctx["feedable"] = run.kind == RunKind.WATER or run.parameters.get("level") == "region"
    ctx["may_feed"] = run.region is not None and run.region in writable_regions(request.user)
    ctx["has_daily"] = (runs.run_dir(run) / "daily.csv").exists()
    ctx["has_errors"] = run.bad_row_count > 0 and (runs.run_dir(run) / "errors.csv").exists()
    return ctx


@login_required
def run_page(request, run_id):
    run = get_run_for_user(request.user, run_id)
    return render(request, "monitoring/run.html", _context(request, run))


@login_required
def run_status(request, run_id):
    run = get_run_for_user(request.user, run_id)
    resp = render(request, "monitoring/_status.html", _status_context(request, run))
    if run.ended and request.htmx:
        # The results section is rendered by the full page: reload it once the run has ended.
        resp["HX-Refresh"] = "true"
    return resp


def _download(run, name: str, as_name: str):
    path = runs.run_dir(run) / name
    if not path.exists():
        raise Http404("文件不存在")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=as_name, content_type="text/csv; charset=utf-8")


@login_required
def daily(request, run_id):
    run = get_run_for_user(request.user, run_id)
    return _download(run, "daily.csv", f"逐日评价结果-{run.pk}.csv")


@login_required
def errors(request, run_id):
    run = get_run_for_user(request.user, run_id)
    return _download(run, "errors.csv", f"有问题的数据行-{run.pk}.csv")


@login_required
@require_POST
def feed(request, run_id):
    run = get_run_for_user(request.user, run_id, write=True)

    def year(name):
        raw = (request.POST.get(name) or "").strip()
        if not raw:
            return None
        parsed = years.parse_year(raw)
        if parsed is None:
            raise FeedError(f"“{raw}”不是有效年度（{years.FIRST_YEAR}–{years.LAST_YEAR}）")
        return parsed

    try:
        y = year("year")
        if y is None:
            raise FeedError("请选择写入哪一年的结果")
        out = runs.feed_run(run, by=request.user, year=y, base_year=year("base_year"))
    except FeedError as exc:
        messages.error(request, f"未写入指标：{exc}")
    else:
        messages.success(request, summary_text(out))
    return redirect("monitoring:run", run_id=run.pk)




@login_required
@require_POST
def rerun_view(request, run_id):
    """已中断 → a new run with the same stored files and parameters (actions.rerun)."""
    run = get_run_for_user(request.user, run_id, write=True)
    try:
        new, created = rerun(run, by=request.user)
    except RerunError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:run", run_id=run.pk)
    if created:
        runs.start(new)
        messages.success(request, f"已用原文件和参数重新开始评价（原 #{run.pk} 已中断）")
    return redirect("monitoring:run", run_id=new.pk)
