from ninja import Router

from ecociv.core.apidocs import YearPath
from ecociv.ledger.ranking import active_rules, rank_children, rank_departments
from ecociv.ledger.summary import ledger_summary
from ecociv.regions.scope import get_region_for_user

router = Router(tags=["工作台账"])


@router.get("/summary/{region}/{year}", summary="区划及其下级的台账汇总（与命令行台账汇总的 JSON 输出相同）")
def summary(request, region: str, year: YearPath):
    return ledger_summary(get_region_for_user(request.user, region), year)


@router.get("/ranking/{region}/{year}", summary="下级区划（或本级部门）的考核排名（与命令行排名的 JSON 输出相同）")
def ranking(request, region: str, year: YearPath, departments: bool = False):
    reg = get_region_for_user(request.user, region)
    rules = active_rules()
    return rank_departments(reg, year, rules) if departments else rank_children(reg, year, rules)
