import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from ecociv.audit.models import AuditLog
from ecociv.ledger import actions
from ecociv.ledger.models import Activity, Fund, Responsibility
from ecociv.ledger.summary import ledger_summary

from .helpers import HEADERS, project_rows, write_csv, write_xlsx

FUND_HEADERS = ["区划代码", "年度", "资金名称", "资金来源", "预算金额(万元)", "关联项目", "1月执行(万元)",
                "2月执行(万元)", "3月执行(万元)", "绩效指标", "绩效目标值", "绩效实际值"]


def run(*args):
    out = io.StringIO()
    call_command("ledger", *args, stdout=out)
    return out.getvalue()


def test_funds_with_monthly_execution_and_performance(world, tmp_path):
    write_csv(tmp_path / "p.csv", HEADERS, project_rows())
    run("import", str(tmp_path / "p.csv"), "--kind", "projects")
    rows = [["870121", 2026, "污水厂建设资金", "中央", "2000", "县城污水处理厂提标改造", "100", "200", "300",
             "新增处理能力(吨/日)", "5000", "5000"],
            ["870121", 2026, "创建工作经费", "县级", "206", "", "10", "", "20", "宣传活动(场)", "20", "12"],
            ["870121", 2026, "创建工作经费", "省级", "50", "", "60", "", "", "", "", ""]]
    f = write_xlsx(tmp_path / "f.xlsx", FUND_HEADERS, rows)
    assert "新增 3 条" in run("import", str(f), "--kind", "funds")
    assert "未变 3 条" in run("import", str(f), "--kind", "funds")
    fund = Fund.objects.get(name="污水厂建设资金")
    assert fund.project.name == "县城污水处理厂提标改造"
    assert sorted(fund.executions.values_list("month", flat=True)) == [1, 2, 3]
    s = ledger_summary(world.county, 2026, today=dt.date(2026, 6, 30))
    assert s["funds"]["budget_wanyuan"] == "2256" and s["funds"]["executed_wanyuan"] == "690"
    kinds = {(f["kind"], f["ref"]) for f in s["findings"]}
    assert ("execution_over_budget", "创建工作经费（省级）") in kinds
    assert ("execution_lag", "污水厂建设资金（中央）") in kinds  # 30 % spent at half the year
    assert ("performance_deviation", "创建工作经费（县级）") in kinds  # 12 of 20 events
    assert s["funds"]["execution_rate"] == "30.59" and s["funds"]["time_elapsed"] == "50"
    assert {x["name"] for x in s["funds"]["lagging"]} == {"污水厂建设资金（中央）", "创建工作经费（县级）"}


def test_fund_linked_to_an_unknown_project_is_refused(world, tmp_path):
    f = write_csv(tmp_path / "f.csv", FUND_HEADERS[:6], [["870121", 2026, "x", "中央", "10", "不存在的项目"]])
    with pytest.raises(CommandError):
        run("import", str(f), "--kind", "funds")
    assert Fund.objects.count() == 0


def test_activities_kinds_are_data(world, tmp_path):
    headers = ["区划代码", "年度", "类别", "事项", "日期", "数量", "金额(万元)"]
    rows = [["870121", 2026, "新闻报道", "电视台生态创建新闻", "2026-03-05", "85", ""],
            ["870121", 2026, "立案查处", "环境违法案件", "2026年6月5日", "12", "35.5"],
            ["870121", 2026, "河长巡河", "巡河", "2026-06-05", "3", ""]]
    f = write_csv(tmp_path / "a.csv", headers, rows, "gb18030")
    with pytest.raises(CommandError):
        run("import", str(f), "--kind", "activities")
    with pytest.raises(PermissionDenied):
        actions.add_kind(by=world.viewer, group="volunteer", name="河长巡河")
    actions.add_kind(by=world.admin, group="volunteer", name="河长巡河", unit="次")
    assert "新增 3 条" in run("import", str(f), "--kind", "activities")
    assert Activity.objects.get(kind="河长巡河").group == "volunteer"
    s = ledger_summary(world.county, 2026)
    assert s["enforcement"]["fines_wanyuan"] == "35.5" and s["enforcement"]["cases"] == "12"
    assert s["activities"]["新闻报道"] == {"group": "publicity", "label": "新闻报道", "unit": "条", "items": 1,
                                       "count": "85"}
    assert "立案查处" not in s["activities"]


def test_responsibilities_overdue_and_progress_by_the_lead_department(world, tmp_path):
    headers = ["区划代码", "年度", "任务", "牵头单位", "配合单位", "完成时限", "进度(%)", "关联指标"]
    rows = [["870121", 2026, "编制生态县建设规划", "生态环境局", "发展和改革局", "2026-03-31", "100", ""],
            ["870121", 2026, "城镇污水处理率达标", "住房和城乡建设局", "生态环境局", "2026-06-30", "60%", "9"],
            ["870121", 2026, "绿色学校创建", "教育局", "", "2026-12-31", "0", ""]]
    f = write_csv(tmp_path / "r.csv", headers, rows)
    assert "新增 3 条" in run("import", str(f), "--kind", "responsibilities")
    s = ledger_summary(world.county, 2026, today=dt.date(2026, 7, 1))
    assert s["responsibilities"] == {"total": 3, "done": 1, "overdue": 1,
                                     "overdue_by_department": {"住房和城乡建设局": 1}}
    item = Responsibility.objects.get(title="城镇污水处理率达标")
    assert item.indicator.code == "9"
    with pytest.raises(PermissionDenied):  # the filler is from 生态环境局, not the lead
        actions.update_progress(item, by=world.filler, progress=80)
    env_item = Responsibility.objects.get(title="编制生态县建设规划")
    actions.update_progress(env_item, by=world.filler, progress=90)
    assert AuditLog.objects.filter(action="ledger.responsibility.progress", username="jia_filler").exists()


def test_summary_json_through_the_command(world, tmp_path):
    write_csv(tmp_path / "p.csv", HEADERS, project_rows())
    run("import", str(tmp_path / "p.csv"), "--kind", "projects")
    data = json.loads(run("summary", "--region", "870121", "--year", "2026", "--json"))
    for key in ("projects", "investment_wanyuan", "projects_by_source", "findings"):
        assert key in data
