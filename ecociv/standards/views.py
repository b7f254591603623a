from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from ecociv.accounts.scope import can_edit_catalogue
from ecociv.core.targets import CLASS_LABELS, OPS
from ecociv.standards.actions import INDICATOR_FIELDS, ActionError, correct_indicator, load_standard
from ecociv.standards.loader import StandardFileError, parse_text
from ecociv.standards.models import AppliesTo, Direction, Indicator, IndicatorType, Standard


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
