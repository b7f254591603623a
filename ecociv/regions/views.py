from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ecociv.regions.actions import RegionImportError, import_regions, update_region
from ecociv.regions.models import Region
from ecociv.regions.scope import (
    can_import_regions,
    get_region_for_user,
    require_region_import,
    visible_regions,
)


@login_required
def index(request):
    regions = list(visible_regions(request.user).select_related("parent").order_by("path"))
    top = min((r.path.count("/") for r in regions), default=0)
    rows = [(r, r.path.count("/") - top) for r in regions]
    return render(request, "regions/index.html", {"rows": rows, "can_import": can_import_regions(request.user)})


def can_write_region(user, region) -> bool:
    """Whether `get_region_for_user(..., write=True)` lets the user edit (the page shows the
    button only then, instead of a link to a 403)."""
    from django.core.exceptions import PermissionDenied

    try:
        get_region_for_user(user, region.code, write=True)
    except PermissionDenied:
        return False
    return True


@login_required
def detail(request, code):
    region = get_region_for_user(request.user, code)
    children = visible_regions(request.user).filter(parent=region)
    return render(request, "regions/detail.html", {
        "region": region, "children": children, "links": region.links_up.select_related("parent"),
        "departments": region.departments.all(),
        "this_year": timezone.localdate().year - 1, "can_edit": can_write_region(request.user, region),
        "ancestors": [a for a in region.ancestors() if visible_regions(request.user).filter(pk=a.pk).exists()],
    })


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "admin_class", "zone", "terrain", "special_zone", "city_size", "coastal", "valid_from",
                  "valid_to"]


@login_required
def edit(request, code):
    region = get_region_for_user(request.user, code, write=True)
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=region.pk))
    if request.method == "POST" and form.is_valid():
        update_region(region, {f: form.cleaned_data[f] for f in form.Meta.fields}, by=request.user,
                      reason=request.POST.get("reason", ""))
        messages.success(request, "区划信息已保存。")
        return redirect("regions:detail", code=region.code)
    return render(request, "regions/edit.html", {"region": region, "form": form})


@login_required
def import_view(request):
    require_region_import(request.user)
    problems = []
    if request.method == "POST" and request.FILES.get("file"):
        f = request.FILES["file"]
        try:
            result = import_regions(f.name, data=f.read(), name=f.name, by=request.user)
            messages.success(request, f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}。")
            return redirect("regions:index")
        except RegionImportError as exc:
            problems = exc.problems
    return render(request, "regions/import.html", {"problems": problems})
