import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ecociv.accounts.scope import visible_audit


@login_required
def index(request):
    qs = visible_audit(request.user).select_related("region")
    f = {k: request.GET.get(k, "").strip() for k in ("object_type", "object_id", "user", "action", "date_from",
                                                    "date_to")}
    if f["object_type"]:
        qs = qs.filter(object_type=f["object_type"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    if f["user"]:
        qs = qs.filter(username__icontains=f["user"])
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    for key, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        if f[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(f[key])})
            except ValueError:
                pass
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    types = visible_audit(request.user).order_by().values_list("object_type", flat=True).distinct()
    return render(request, "audit/index.html", {"page": page, "f": f, "types": sorted(set(types))})
