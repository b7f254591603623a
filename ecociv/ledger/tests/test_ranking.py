import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from ecociv.audit.models import AuditLog
from ecociv.ledger import actions
from ecociv.ledger.models import Fund, FundExecution, Project, RankingResult
from ecociv.ledger.ranking import load_rules, parse_rules, rank_children, rank_departments

RULES = """
name: 项目与资金
regions:
  - {key: project_progress, label: 项目投资完成率, weight: 60}
  - {key: fund_execution, label: 资金执行率, weight: 40}
"""


def _projects(world):
    Project.objects.create(region=world.county, year=2026, name="甲", category="产业", planned=100, completed=50)
    Project.objects.create(region=world.other_county, year=2026, name="乙", category="产业", planned=100,
                           completed=100)
    f = Fund.objects.create(region=world.town, year=2026, name="专项", source="县级", budget=Decimal("200"))
    FundExecution.objects.create(fund=f, month=3, amount=Decimal("150"))


def test_children_are_scored_by_the_rules_with_their_parts(world):
    _projects(world)
    rows = rank_children(world.city, 2026, parse_rules(RULES))
    # 乙县: 60×1 + 40×0 = 60; 甲县: 60×0.5 + 40×0.75 (its town's fund) = 60: a tie shares rank 1.
    assert [(r["region"], r["score"], r["rank"]) for r in rows] == [("870121", "60.00", 1), ("870122", "60.00", 1)]
    assert rows[0]["parts"] == {"project_progress": "30.00", "fund_execution": "30.00"}
    assert set(rows[0]) == {"region", "name", "score", "rank", "parts"}


def test_ranking_command_prints_the_contract_json(world, tmp_path):
    _projects(world)
    f = tmp_path / "rules.yaml"
    f.write_text(RULES.replace("weight: 40", "weight: 10"), encoding="utf-8")
    out = io.StringIO()
    call_command("ranking", "--parent", "870100", "--year", "2026", "--rules", str(f), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["region"], r["name"], r["score"], r["rank"]) for r in rows] == [
        ("870122", "乙县", "60.00", 1), ("870121", "甲县", "37.50", 2)]


def test_packaged_rules_rank_with_no_data(world):
    rows = rank_children(world.city, 2026, load_rules())
    assert {r["rank"] for r in rows} == {1} and all(r["score"] == "0.00" for r in rows)
    assert set(rows[0]["parts"]) == {"timeliness", "completeness", "achievement", "project_progress",
                                     "fund_execution"}


def test_published_rankings_keep_their_history(world):
    _projects(world)
    rules = parse_rules(RULES)
    actions.publish_ranking(by=world.city_admin, parent=world.city, year=2026, rules=rules)
    Project.objects.filter(name="甲").update(completed=100)
    actions.publish_ranking(by=world.city_admin, parent=world.city, year=2027, rules=rules)
    assert RankingResult.objects.filter(parent=world.city, subject="region").count() == 4
    assert AuditLog.objects.filter(action="ledger.ranking.publish").count() == 2
    with pytest.raises(PermissionDenied):
        actions.publish_ranking(by=world.viewer, parent=world.county, year=2026, rules=rules)


def test_uploaded_rules_are_checked_and_audited(world):
    with pytest.raises(actions.LedgerError):
        actions.upload_rules(by=world.admin, name="坏", content="name: x\nregions:\n  - {key: luck, weight: 1}\n")
    with pytest.raises(PermissionDenied):
        actions.upload_rules(by=world.viewer, name="x", content=RULES)
    actions.upload_rules(by=world.admin, name="本县规则", content=RULES)
    assert AuditLog.objects.filter(action="ledger.rules.upload").count() == 1
    from ecociv.ledger.ranking import active_rules

    assert active_rules()["name"] == "项目与资金"


def test_departments_are_ranked_by_their_responsibility_items(world):
    import datetime as dt

    from ecociv.ledger.models import Responsibility

    Responsibility.objects.create(region=world.county, year=2026, title="a", lead_department="生态环境局",
                                  progress=100, status="done", deadline=dt.date(2026, 6, 30))
    Responsibility.objects.create(region=world.county, year=2026, title="b", lead_department="住房和城乡建设局",
                                  progress=50, status="in_progress", deadline=dt.date(2026, 6, 30))
    rows = rank_departments(world.county, 2026, load_rules(), today=dt.date(2026, 12, 1))
    assert [r["name"] for r in rows][:2] == ["生态环境局", "住房和城乡建设局"]
    assert rows[0]["parts"]["not_overdue"] == "20.00" and rows[1]["parts"]["not_overdue"] == "0.00"
