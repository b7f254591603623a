from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ecociv.core.roles import has_system_role
from ecociv.entry.models import IndicatorValue, ValueStatus
from ecociv.regions.scope import visible_regions
from ecociv.standards.models import Standard
from ecociv.web.todo import todos


@login_required
def home(request):
    regions = visible_regions(request.user)
    values = IndicatorValue.objects.filter(region__in=regions)
    counts = {s: values.filter(status=s).count() for s in ValueStatus.values}
    return render(request, "web/home.html", {
        "system_role": has_system_role(request.user),
        "region_count": regions.count(),
        "top_regions": regions.order_by("path")[:1],
        "standards": Standard.objects.all(),
        "value_counts": [(ValueStatus(s).label, n) for s, n in counts.items()],
        "latest_year": values.order_by("-year").values_list("year", flat=True).first(),
        "todos": todos(request.user),
    })
