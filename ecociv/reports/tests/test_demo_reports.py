"""Must hold 6 on the demo itself: `ecociv demo` is built, the demo county's 工作总结 is
regenerated and read back, and its figures are compared with `assess` and `ledger_summary`."""
import re
from decimal import Decimal

import pytest
from django.apps import apps

from ecociv.assessment.engine import assess
from ecociv.core.fmt import money, plain
from ecociv.reports.generate import generate
from ecociv.reports.tests.helpers import NUMBER, TODAY, docx_text

pytestmark = pytest.mark.skipif(not apps.is_installed("ecociv.ledger"), reason="the ledger app is not installed")


def test_demo_county_summary_agrees_with_engine_and_ledger(db):
    from ecociv.conftest import ensure_standards
    from ecociv.core.system import system_user
    from ecociv.ledger.summary import ledger_summary
    from ecociv.regions.models import Region
    from ecociv.web.demo import build_demo

    ensure_standards()
    by = system_user()
    build_demo(by=by)
    county = Region.objects.get(code="880121")
    out = generate(county, 2025, "summary", "docx", user=by, today=TODAY)
    paras, tables = docx_text(out.data)
    text = "\n".join(t for _, t in paras)
    s = assess(county, 2025).summary
    for key in ("binding_met", "binding_total", "reference_met", "reference_total"):
        assert str(s[key]) in text
    assert f"约束性指标{s['binding_total']}项，达标{s['binding_met']}项" in text
    assert f"参考性指标{s['reference_total']}项，达标{s['reference_met']}项" in text
    led = ledger_summary(county, 2025, today=TODAY)
    assert f"重点工程项目共{led['projects']['total']}个" in text
    planned = Decimal(led["investment_wanyuan"]["planned"])
    assert f"计划总投资{money(planned)}" in text
    assert f"{plain(planned, 2)}万元" in text or f"{plain(planned / 10000, 2)}亿元" in text
    funds = led["funds"]
    if Decimal(funds["budget_wanyuan"]):
        assert f"全年安排生态文明建设资金{money(Decimal(funds['budget_wanyuan']))}，已执行" \
               f"{money(Decimal(funds['executed_wanyuan']))}" in text
    enf = led["enforcement"]
    if Decimal(enf["inspections"]):
        assert f"开展执法检查{plain(Decimal(enf['inspections']))}次" in text
    n = len(led["findings"])
    if n:
        note = next(t for t in text.splitlines() if t.startswith("※ 数据提示：台账中"))
        assert re.search(rf"台账中有{n}处数据前后不一致", note)
    # The attached table: one row per indicator.
    assert len(tables[-1]) == 1 + len(list(assess(county, 2025).rows()))
    assert NUMBER.findall(text)
