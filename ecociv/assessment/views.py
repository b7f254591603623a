from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecociv.assessment.actions import ActionError, record_fact
from ecociv.assessment.engine import assess, assess_many
from ecociv.assessment.export import assessment_workbook
from ecociv.assessment.models import STATES_FOR_KIND, FactKind
from ecociv.assessment.present import ASSESSED_LEVELS, default_year, value_text, year_choices
from ecociv.core import years
from ecociv.regions.scope import can_administer, get_region_for_user, visible_regions


@login_required
def index(request):
    year = years.param(request.GET.get("year"), default_year(request.user))
    regions = list(visible_regions(request.user).filter(level__in=ASSESSED_LEVELS).order_by("path"))
    results = assess_many(regions, [year], with_trend=False)
    return render(request, "assessment/index.html", {
        "year": year, "years": year_choices(request.user, year),
        "rows": [results[(r.pk, year)] for r in regions],
    })


@login_required
def detail(request, code, year):
    region = get_region_for_user(request.user, code)
    a = assess(region, year)
    return render(request, "assessment/detail.html", {
        "a": a, "region": region, "year": year, "years": year_choices(request.user, year),
        "can_record": can_administer(request.user, region),
        "states": {k.value: [(s.value, s.label) for s in v] for k, v in STATES_FOR_KIND.items()},
        "value_text": {r.code: value_text(r) for r in a.rows()},
        "FactKind": FactKind,
    })


@login_required
def export(request, code, year):
    region = get_region_for_user(request.user, code)
    return assessment_workbook(assess(region, year))


@login_required
@require_POST
def facts(request, code, year):
    region = get_region_for_user(request.user, code, write=True)
    if not can_administer(request.user, region):
        raise PermissionDenied("仅创建办管理员可以录入前提条件与否决情形")
    try:
        record_fact(region, year, request.POST.get("code", ""), request.POST.get("state", ""), by=request.user,
                    source_document=request.POST.get("source_document", ""), note=request.POST.get("note", ""))
        messages.success(request, "已记录并留痕。")
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:detail", code=region.code, year=year)
