from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from openpyxl import Workbook

from ecociv.assessment.engine import assess, number
from ecociv.assessment.present import default_year, unit_text, value_cell, value_text, year_choices
from ecociv.core.xlsx import add_sheet, response, status_fill
from ecociv.dashboard import queries as q
from ecociv.regions.models import Level, Region
from ecociv.regions.scope import get_region_for_user, visible_regions


def _top_region(user) -> Region | None:
    return visible_regions(user).order_by("path").first()


@login_required
def index(request):
    """The leader's way in: the matrix of their city or province, or their county's page."""
    region = _top_region(request.user)
    if region is None:
        return render(request, "dashboard/empty.html")
    year = default_year(request.user)
    if region.level in (Level.PROVINCE, Level.CITY):
        return redirect("dashboard:matrix", code=region.code, year=year)
    if region.level == Level.COUNTY:
        return redirect("dashboard:region", code=region.code, year=year)
    return render(request, "dashboard/empty.html")


@login_required
def matrix(request, code, year):
    region = get_region_for_user(request.user, code)
    data = q.matrix(request.user, region, year)
    return render(request, "dashboard/matrix.html", {
        "region": region, "year": year, "years": year_choices(request.user, year), "m": data,
        "ancestors": [a for a in region.ancestors() if visible_regions(request.user).filter(pk=a.pk).exists()],
        "passing": data["passing"],
    })


@login_required
def matrix_export(request, code, year):
    region = get_region_for_user(request.user, code)
    cols, assessments = q.matrix_assessments(request.user, region, year)
    wb = Workbook()
    header = ["区划代码", "区划", "结论", "约束性达标", "参考性达标"] + [f"{c['code']} {c['name']}" for c in cols]
    rows, statuses = [], []
    for a in assessments:
        by_code = {r.code: r for r in a.indicators}
        s = a.summary
        rows.append([a.region.code, a.region.name, a.verdict_label, f"{s['binding_met']}/{s['binding_total']}",
                     f"{s['reference_met']}/{s['reference_total']}"]
                    + [by_code[c["code"]].status.label if c["code"] in by_code else "" for c in cols])
        statuses.append([by_code[c["code"]].status if c["code"] in by_code else None for c in cols])
    ws, r0 = add_sheet(wb, "达标矩阵", header, rows, caption=f"{region.name}{year}年 区划×指标达标矩阵",
                       widths={2: 14, 3: 18} | dict.fromkeys(range(6, 6 + len(cols)), 10))
    for i, sts in enumerate(statuses, start=r0 + 1):
        for j, st in enumerate(sts, start=6):
            fill = status_fill(st)
            if fill:
                ws.cell(i, j).fill = fill
    # The values behind the colours, one row per region and indicator, for whoever checks them.
    detail = []
    for a in assessments:
        for r in a.rows():
            detail.append([a.region.code, a.region.name, r.code, r.name, r.status.label, value_cell(r),
                           unit_text(r), r.target_display, r.target_label, r.gap, r.reason])
    add_sheet(wb, "明细", ["区划代码", "区划", "序号", "指标", "达标情况", "数值", "单位", "目标值", "目标来源", "差距",
                         "判定依据"], detail, widths={4: 30, 8: 24, 9: 30, 11: 50})
    return response(wb, f"{region.name}{year}年达标矩阵.xlsx")


@login_required
def region_page(request, code, year):
    region = get_region_for_user(request.user, code)
    a = assess(region, year)
    overview = q.region_overview(a)
    parent = region.parent if region.parent_id and visible_regions(request.user).filter(pk=region.parent_id).exists() \
        else None
    return render(request, "dashboard/region.html", {
        "region": region, "year": year, "years": year_choices(request.user, year), "a": a, "o": overview,
        "parent": parent, "has_children": visible_regions(request.user).filter(parent=region).exists(),
    })


@login_required
def region_export(request, code, year):
    region = get_region_for_user(request.user, code)
    a = assess(region, year)
    o = q.region_overview(a)
    wb = Workbook()
    rows = [[p["leaf"].code, p["leaf"].name, p["top"].type and {"binding": "约束性", "reference": "参考性"}.get(p["top"].type, ""),
             p["leaf"].status.label, value_cell(p["leaf"]), unit_text(p["leaf"]), p["leaf"].target_display,
             p["leaf"].target_label, p["leaf"].gap, p["department"], p["leaf"].reason]
            for p in o["problems"]]
    ws, r0 = add_sheet(wb, "未达标与缺失指标", ["序号", "指标", "属性", "情况", "数值", "单位", "目标值", "目标来源", "差距",
                                         "牵头部门", "原因"],
                       rows, caption=f"{region.name}{year}年 未达标、缺失与待核实指标（{a.verdict_label}）",
                       widths={2: 30, 7: 24, 8: 30, 10: 16, 11: 50})
    for i, p in enumerate(o["problems"], start=r0 + 1):
        fill = status_fill(p["leaf"].status)
        if fill:
            ws.cell(i, 4).fill = fill
    return response(wb, f"{region.name}{year}年未达标指标.xlsx")


@login_required
def indicator_page(request, code, year, icode):
    region = get_region_for_user(request.user, code)
    years = [y for y in year_choices(request.user, year) if y <= year][::-1]
    history, current = q.indicator_history(region, icode, years)
    if current is None:
        raise Http404("该区划的指标体系中没有这个指标")
    sibs = q.siblings(request.user, region)
    from ecociv.assessment.engine import assess_many

    peer_results = assess_many(sibs, [year], with_trend=False)
    peers = []
    for s in sibs:
        r = next((x for x in peer_results[(s.pk, year)].rows() if x.code == icode), None)
        if r is not None:
            peers.append({"region": s, "result": r, "value": number(r.value), "text": value_text(r)})
    this = next((h for h in history if h["year"] == year), None)
    chart = {
        "years": [h["year"] for h in history], "values": [h["value"] for h in history],
        "targets": [h["target"] for h in history],
        "statuses": [[h["result"].status.value, h["result"].status.label] for h in history],
        "colors": {s.value: c for s, c in q.STATUS_COLORS.items()},
        "unit": current.indicator.unit if current.indicator.unit not in ("-", "%/-") else "",
        "peers": [[p["region"].name, p["value"], p["result"].status.value, p["result"].status.label,
                   p["region"].pk == region.pk] for p in peers],
        "peer_target": this["target"] if this else None,
        "direction": current.indicator.direction,
    }
    return render(request, "dashboard/indicator.html", {
        "region": region, "year": year, "r": this["result"] if this else current, "history": history,
        "peers": peers, "chart": chart, "numeric": any(v is not None for v in chart["values"]),
        "indicator": current.indicator,
    })


@login_required
def completeness(request, code, year):
    region = get_region_for_user(request.user, code)
    data = q.completeness(request.user, region, year)
    chart = {
        "buckets": data["buckets"],
        "regions": [[r["region"].name, [r["counts"][b] for b, _ in data["buckets"]], r["share"]] for r in data["regions"]],
        "departments": [[d["name"], d["share"], d["total"]] for d in data["departments"]],
    }
    return render(request, "dashboard/completeness.html", {
        "region": region, "year": year, "years": year_choices(request.user, year), "d": data, "chart": chart,
    })


@login_required
def completeness_export(request, code, year):
    region = get_region_for_user(request.user, code)
    data = q.completeness(request.user, region, year)
    wb = Workbook()
    labels = [label for _, label in data["buckets"]]
    add_sheet(wb, "按区划", ["区划代码", "区划", *labels, "应填", "已审核占比(%)"],
              [[r["region"].code, r["region"].name] + [r["counts"][b] for b, _ in data["buckets"]]
               + [r["total"], r["share"]] for r in data["regions"]], caption=f"{region.name}{year}年 填报完成情况")
    add_sheet(wb, "按部门", ["部门", *labels, "应填", "已审核占比(%)"],
              [[d["name"]] + [d["counts"][b] for b, _ in data["buckets"]] + [d["total"], d["share"]]
               for d in data["departments"]], widths={1: 22})
    add_sheet(wb, "逾期任务", ["区划", "部门", "任务", "截止日期", "状态", "逾期天数"],
              [[t.region.name, t.department.name, t.title, t.deadline,
                t.get_status_display(), t.days_late] for t in data["late"]], widths={3: 40, 4: 16})
    return response(wb, f"{region.name}{year}年填报完成情况.xlsx")
