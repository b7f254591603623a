from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from ecociv.core.targets import CLASS_LABELS, OP_LABELS, OPS
from ecociv.regions.scope import can_administer, get_region_for_user
from ecociv.standards.actions import (
    INDICATOR_FIELDS,
    ActionError,
    choose_standard,
    correct_indicator,
    load_standard,
    set_region_target,
)
from ecociv.standards.loader import StandardFileError, parse_text
from ecociv.standards.models import AppliesTo, Direction, Indicator, IndicatorType, RegionTarget, Standard
from ecociv.standards.resolve import applied_many, standard_for
from ecociv.standards.scope import can_edit_catalogue


def _is_admin(user):
    return can_edit_catalogue(user)


@login_required
def index(request):
    problems = []
    if request.method == "POST":
        if not _is_admin(request.user):
            raise PermissionDenied("仅创建办管理员可以导入指标体系")
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith((".yaml", ".yml")):
            problems = ["请选择 .yaml 格式的指标体系文件"]
        else:
            try:
                text = upload.read().decode("utf-8")
                for data in parse_text(text, upload.name):
                    standard, outcome = load_standard(data, by=request.user, replace=bool(request.POST.get("replace")))
                    word = {"created": "已导入", "updated": "已替换", "exists": "已存在（未勾选替换，未作修改）"}[outcome]
                    messages.success(request, f"{standard.title}（{standard.code}）：{word}")
                return redirect("standards:index")
            except UnicodeDecodeError:
                problems = [f"文件 {upload.name} 不是 UTF-8 编码"]
            except StandardFileError as exc:
                problems = [str(exc).splitlines()[0], *exc.problems]
            except ActionError as exc:
                problems = [str(exc)]
    return render(request, "standards/index.html", {"standards": Standard.objects.all(), "problems": problems,
                                                    "can_import": _is_admin(request.user)})


@login_required
def detail(request, code):
    standard = get_object_or_404(Standard, code=code)
    inds = list(standard.indicators.prefetch_related("targets").order_by("order"))
    areas: dict[str, list] = {}
    for ind in inds:
        areas.setdefault(ind.area or "（领域未知）", []).append(ind)
    counts = {}
    for ind in inds:
        counts[ind.verification] = counts.get(ind.verification, 0) + 1
    return render(request, "standards/detail.html", {
        "standard": standard, "areas": areas, "can_edit": _is_admin(request.user),
        "counts": counts, "top_count": sum(1 for i in inds if not i.parent_id),
    })


@login_required
def edit_indicator(request, code, icode):
    if not _is_admin(request.user):
        raise PermissionDenied("仅创建办管理员可以校正指标")
    ind = get_object_or_404(Indicator, standard__code=code, code=icode)
    error = ""
    if request.method == "POST":
        changes = {}
        for f in ["name", "unit", "type", "applies_to", "direction", "lead_department", "definition", "method",
                  "data_source", "note"]:
            if f in request.POST:
                changes[f] = request.POST[f].strip()
        changes["aliases"] = [a.strip() for a in request.POST.get("aliases", "").replace("，", ",").split(",") if a.strip()]
        targets = []
        for i in range(int(request.POST.get("target_count", 0)) + 1):
            op = request.POST.get(f"t{i}_op", "")
            if not op:
                continue
            raw = request.POST.get(f"t{i}_value", "").strip()
            try:
                value = Decimal(raw) if raw else None
            except InvalidOperation:
                error = f"第 {i + 1} 个目标值“{raw}”不是数值"
                break
            targets.append({"region_class": request.POST.get(f"t{i}_class", "all"), "op": op, "value": value,
                            "text": request.POST.get(f"t{i}_text", "").strip()})
        if not error:
            try:
                correct_indicator(ind, by=request.user, changes=changes, targets=targets,
                                  source_document=request.POST.get("source_document", ""))
                messages.success(request, f"指标 {ind.code} 已校正并记录审计。")
                return redirect("standards:detail", code=code)
            except ActionError as exc:
                error = str(exc)
    return render(request, "standards/edit.html", {
        "ind": ind, "standard": ind.standard, "targets": list(ind.targets.all()), "error": error,
        "ops": OPS, "classes": CLASS_LABELS.items(), "types": IndicatorType.choices,
        "applies": AppliesTo.choices, "directions": Direction.choices, "fields": INDICATOR_FIELDS,
    })


@login_required
def region_targets(request, code, year):
    """Per region-year: the standard in force, each indicator's catalogue target for this
    region's class, and the local override / superior-assigned target with its source."""
    from ecociv.core.targets import OPS
    from ecociv.standards.actions import ActionError
    from ecociv.standards.models import Standard

    region = get_region_for_user(request.user, code)
    can_edit = can_administer(request.user, region)
    standard = standard_for(region, year)
    error = ""
    if request.method == "POST":
        region = get_region_for_user(request.user, code, write=True)
        try:
            if request.POST.get("action") == "standard":
                choose_standard(region, year, Standard.objects.get(code=request.POST["standard"]), by=request.user)
                messages.success(request, f"{year} 年采用的指标体系已更新。")
            else:
                ind = standard.indicators.get(code=request.POST["indicator"])
                set_region_target(region, year, ind, kind=request.POST["kind"], op=request.POST["op"],
                                  value=request.POST.get("value") or None, text=request.POST.get("text", ""),
                                  source_document=request.POST.get("source_document", ""), by=request.user)
                messages.success(request, f"指标 {ind.code} 的{RegionTarget.Kind(request.POST['kind']).label}已保存。")
            return redirect("standards:region_targets", code=code, year=year)
        except (ActionError, ValueError, ArithmeticError) as exc:
            error = str(exc) or "目标值不是有效数值"
    local = {(t.indicator_id, t.kind): t for t in RegionTarget.objects.filter(region=region, year=year)}
    rows = []
    if standard:
        inds = list(standard.indicators.filter(sub_items__isnull=True).prefetch_related("targets")
                .order_by("order"))
        applied = applied_many(region, year, inds)
        for ind in inds:
            a = applied[ind.pk]
            rows.append({"ind": ind, "target": a.catalogue, "applied": a,
                         "override": local.get((ind.pk, "override")), "assigned": local.get((ind.pk, "assigned"))})
    return render(request, "standards/region_targets.html", {
        "region": region, "year": year, "standard": standard, "rows": rows, "can_edit": can_edit, "error": error,
        "ops": [(o, OP_LABELS[o]) for o in OPS], "standards": Standard.objects.all(), "years": range(year - 3, year + 2),
    })
