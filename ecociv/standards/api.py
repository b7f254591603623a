from django.http import Http404
from ninja import Router

from ecociv.standards.models import Standard
from ecociv.standards.serialize import standard_indicators_json, standard_json

router = Router(tags=["指标体系"])


@router.get("/", summary="指标体系版本")
def list_standards(request):
    return [standard_json(s) for s in Standard.objects.all()]


@router.get("/{code}", summary="指标体系的指标（含目标值与核实状态）")
def get_standard(request, code: str):
    standard = Standard.objects.filter(code=code).first()
    if standard is None:
        raise Http404("指标体系不存在")
    return standard_json(standard) | {"indicators": standard_indicators_json(standard)}
