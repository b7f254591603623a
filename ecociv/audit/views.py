import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from openpyxl import Workbook

from ecociv.audit.present import action_choices, present, type_choices
from ecociv.audit.scope import visible_audit
from ecociv.core.xlsx import add_sheet, response

FILTERS = ("object_type", "object_id", "user", "action", "date_from", "date_to", "q")


def _filtered(request):
    """The rows in the viewer's scope that match the filters (the page and the export alike)."""
    qs = visible_audit(request.user).select_related("region")
    f = {k: request.GET.get(k, "").strip() for k in FILTERS}
    if f["object_type"]:
        qs = qs.filter(object_type=f["object_type"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    if f["user"]:
        qs = qs.filter(username__icontains=f["user"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    if f["q"]:
        qs = qs.filter(object_repr__icontains=f["q"])
    for key, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        if f[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(f[key])})
            except ValueError:
                f[key] = ""
    return qs, f


@login_required
def index(request):
    qs, f = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    scope = visible_audit(request.user).order_by()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/index.html", {
        "page": page, "rows": [present(a, request.user) for a in page], "f": f, "query": query.urlencode(),
        "types": type_choices(scope.values_list("object_type", flat=True).distinct()),
        "actions": action_choices(scope.values_list("action", flat=True).distinct()),
    })


EXPORT_LIMIT = 50000


@login_required
def export(request):
    qs, _ = _filtered(request)
    rows = []
    for a in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        r = present(a, request.user)
        rows.append([r.at, r.who, r.action, r.object_type, r.object_label, r.region,
                     "\n".join(f"{label}：{b} → {x}" for label, b, x in r.changes), r.reason])
    wb = Workbook()
    add_sheet(wb, "审计日志", ["时间", "用户", "操作", "对象类型", "对象", "区划", "变更（修改前 → 修改后）", "原因"], rows,
              widths={7: 60, 8: 30})
    return response(wb, f"审计日志-{dt.date.today():%Y%m%d}.xlsx")
