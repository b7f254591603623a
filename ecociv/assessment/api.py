from ninja import Router

from ecociv.assessment.engine import assess, assessment_json
from ecociv.assessment.rules import load_rules
from ecociv.core.apidocs import YearPath
from ecociv.regions.scope import get_region_for_user

router = Router(tags=["达标评估"])


@router.get("/rules", summary="当前达标判定规则（每个参数标明是否经原文核实）")
def rules(request):
    return load_rules().as_json()


@router.get("/{region}/{year}", summary="区划某年度的达标评估（与命令 ecociv assess --json 相同）")
def assessment(request, region: str, year: YearPath):
    reg = get_region_for_user(request.user, region)
    return assessment_json(assess(reg, year))
