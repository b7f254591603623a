from ninja import Router

from ecociv.core.apidocs import responses
from ecociv.regions.management.commands.regions import region_json
from ecociv.regions.scope import get_region_for_user, visible_regions

router = Router(tags=["行政区划"])


@router.get("/", summary="可见的行政区划（指定的上级区划不在范围内则 404）", openapi_extra=responses(404))
def list_regions(request, level: str | None = None, under: str | None = None):
    qs = visible_regions(request.user).select_related("parent").order_by("path")
    if level:
        qs = qs.filter(level=level)
    if under:
        root = get_region_for_user(request.user, under)
        qs = qs.filter(path__startswith=root.path)
    return [region_json(r) for r in qs]


@router.get("/{code}", summary="一个行政区划")
def get_region(request, code: str):
    region = get_region_for_user(request.user, code)
    data = region_json(region)
    data["children"] = [region_json(c) for c in visible_regions(request.user).filter(parent=region)]
    return data
