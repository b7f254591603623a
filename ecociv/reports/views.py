from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecociv.assessment.present import default_year, year_choices
from ecociv.core import years
from ecociv.regions.scope import get_region_for_user, visible_regions
from ecociv.reports import actions
from ecociv.reports.generate import SUPPORTED, batch_regions
from ecociv.reports.models import ReportFormat, ReportKind, ReportTemplate
from ecociv.reports.scope import get_job_for_user, recent_jobs
from ecociv.reports.templates import DOCX_KINDS, template_for

KIND_HELP = {
    "summary": "年度创建工作总结：基本情况、主要工作及成效、存在问题、下一步工作打算，附指标达标情况表",
    "self-evaluation": "创建自评报告：逐项指标的现状值、目标值、达标情况和佐证材料，以及自评结论",
    "indicator-table": "指标达标情况表：每项指标一行",
    "ledger": "工作台账：重点项目、资金、活动、责任清单",
}


def _download(name: str, content_type: str, data: bytes) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@login_required
def index(request):
    regions = list(visible_regions(request.user).filter(level__in=("province", "city", "county")).order_by("path"))
    if not regions:
        raise Http404("没有可生成报告的区划")
    year = years.param(request.GET.get("year"), default_year(request.user))
    selected = request.GET.get("region") or regions[0].code
    kinds = [{"value": k.value, "label": k.label, "help": KIND_HELP[k.value], "formats": SUPPORTED[k]}
             for k in ReportKind]
    return render(request, "reports/index.html", {
        "regions": regions, "selected": selected, "year": year, "years": year_choices(request.user, year),
        "kinds": kinds, "formats": ReportFormat.choices, "jobs": recent_jobs(request.user),
        "can_manage_templates": _can_manage(request.user),
    })


@login_required
@require_POST
def start(request):
    region = get_region_for_user(request.user, request.POST.get("region", ""))
    year = years.parse_year(request.POST.get("year"))
    if year is None:
        messages.error(request, f"请选择年度（{years.FIRST_YEAR}–{years.LAST_YEAR}）")
        return redirect("reports:index")
    batch = request.POST.get("batch") == "1"
    try:
        kind, _, fmt = request.POST.get("target", "").partition("|")
        job = actions.start_job(region, year, kind, fmt,
                                by=request.user, batch=batch)
    except actions.ReportActionError as exc:
        messages.error(request, str(exc))
        return redirect(f"{request.path.rsplit('start/', 1)[0]}?region={region.code}&year={year}")
    return redirect("reports:job", job_id=job.pk)


@login_required
def job(request, job_id):
    j = get_job_for_user(request.user, job_id)
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": j})


@login_required
def download(request, job_id):
    j = get_job_for_user(request.user, job_id)
    if j.state != j.State.DONE or not j.result:
        raise Http404("报告尚未生成")
    from ecociv.reports.generate import CONTENT_TYPES

    ext = j.file_name.rsplit(".", 1)[-1]
    return _download(j.file_name, CONTENT_TYPES.get(ext, "application/octet-stream"), bytes(j.result))


@login_required
def batch_count(request):
    region = get_region_for_user(request.user, request.GET.get("region", ""))
    return HttpResponse(str(len(batch_regions(region, request.user))))


# ---- templates -----------------------------------------------------------------------------

def _can_manage(user) -> bool:
    try:
        actions.template_scope(user)
        return True
    except PermissionDenied:
        return False


@login_required
def templates(request):
    if request.method == "POST":
        f = request.FILES.get("file")
        kind = request.POST.get("kind", "")
        if f is None:
            messages.error(request, "请选择模板文件（.docx）")
        else:
            try:
                t = actions.upload_template(kind, f.name, f.read(), by=request.user, note=request.POST.get("note", ""))
                messages.success(request, f"已启用新模板“{t.file_name}”，并已留痕。")
            except actions.ReportActionError as exc:
                messages.error(request, str(exc))
        return redirect("reports:templates")
    return render(request, "reports/templates.html", {"kinds": actions.templates_in_use(request.user),
                                                      "scope": actions.template_scope(request.user)})


@login_required
@require_POST
def template_activate(request, kind):
    raw = request.POST.get("template", "")
    try:
        chosen = actions.activate_template(kind, int(raw) if raw else None, by=request.user)
    except actions.ReportActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已改用{'“' + chosen.file_name + '”' if chosen else '系统内置模板'}，并已留痕。")
    return redirect("reports:templates")


@login_required
def template_download(request, kind, template_id=None):
    if kind not in DOCX_KINDS:
        raise Http404("没有该模板")
    region = actions.template_scope(request.user)
    label = ReportKind(kind).label
    if template_id is None:
        in_use = template_for(kind, region)
        name = f"{label}模板.docx" if in_use.record is None else in_use.record.file_name
        return _download(name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", in_use.data)
    t = ReportTemplate.objects.filter(pk=template_id, kind=kind, region=region).first()
    if t is None:
        raise Http404("模板不存在")
    return _download(t.file_name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     bytes(t.data))
