import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecociv.audit.models import AuditLog
from ecociv.ledger.models import Project

from .helpers import HEADERS, project_rows, write_csv, write_xlsx


def run(*args):
    import io

    out = io.StringIO()
    call_command("ledger", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_imports_csv_in_every_encoding_offices_save(world, tmp_path, encoding):
    f = write_csv(tmp_path / "p.csv", HEADERS, project_rows(), encoding)
    out = run("import", str(f), "--kind", "projects", "--as", "jia_admin")
    assert "新增 3 条" in out
    p = Project.objects.get(name="生态产业园")
    assert str(p.planned) == "12000.0000" and str(p.social) == "12000.0000"
    assert AuditLog.objects.filter(action="ledger.import.projects", username="jia_admin").count() == 3


def test_dry_run_writes_nothing_and_reimport_changes_nothing(world, tmp_path):
    f = write_xlsx(tmp_path / "p.xlsx", HEADERS, project_rows())
    out = run("import", str(f), "--kind", "projects", "--dry-run", "--as", "jia_admin")
    assert "预检通过" in out and Project.objects.count() == 0
    run("import", str(f), "--kind", "projects", "--as", "jia_admin")
    audits = AuditLog.objects.count()
    out = run("import", str(f), "--kind", "projects", "--as", "jia_admin")
    assert "未变 3 条" in out and Project.objects.count() == 3 and AuditLog.objects.count() == audits


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column(world, tmp_path):
    rows = project_rows()
    rows[1][6] = "一千二百万美元"
    f = write_xlsx(tmp_path / "p.xlsx", HEADERS, rows)
    with pytest.raises(CommandError) as exc:
        run("import", str(f), "--kind", "projects", "--as", "jia_admin")
    assert "未导入任何数据" in str(exc.value)
    assert Project.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_naming_the_row_as_excel_counts_it(world, tmp_path):
    """The real console script in its own process, as an outside check runs it."""
    import os
    import subprocess
    import sys

    from ecociv.core.tests.procs import database_url

    rows = project_rows()
    rows[2][5] = "快完工了"
    f = write_csv(tmp_path / "p.csv", HEADERS, rows)
    env = {**os.environ, "DATABASE_URL": database_url()}
    cmd = [sys.executable, "-m", "ecociv.cli", "ledger", "import", str(f), "--kind", "projects", "--as", "jia_admin"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "第4行" in done.stdout and "“状态”列" in done.stdout
    assert Project.objects.count() == 0
    ok = subprocess.run([*cmd[:5], str(write_csv(tmp_path / "ok.csv", HEADERS, project_rows())), *cmd[6:]],
                        env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert Project.objects.count() == 3


def test_a_county_cannot_import_into_another_county(world, tmp_path):
    f = write_csv(tmp_path / "p.csv", HEADERS, project_rows(code="870122"))
    with pytest.raises(CommandError):
        run("import", str(f), "--kind", "projects", "--as", "jia_admin")
    f = write_csv(tmp_path / "q.csv", HEADERS, project_rows())
    with pytest.raises(CommandError):  # a read-only user
        run("import", str(f), "--kind", "projects", "--as", "jia_viewer")
    assert Project.objects.count() == 0


def test_missing_header_is_named(world, tmp_path):
    f = write_csv(tmp_path / "p.csv", HEADERS[:-3], [r[:-3] for r in project_rows()])
    with pytest.raises(CommandError) as exc:
        run("import", str(f), "--kind", "projects")
    assert "累计完成投资(万元)" in str(exc.value)


def test_summary_json_is_the_contract_and_sums_exactly(world, tmp_path):
    rows = project_rows()
    rows.append(["870122", 2026, "乙县垃圾处理场", "垃圾处理", "环卫所", "部分完成", "3200.5", "3000", "", "", "200",
                 "", "3500"])
    write_csv(tmp_path / "p.csv", HEADERS, rows)
    run("import", str(tmp_path / "p.csv"), "--kind", "projects")
    data = json.loads(run("summary", "--region", "870100", "--year", "2026", "--json"))
    assert data["projects"] == {"total": 4, "by_status": {"未开工": 1, "在建": 1, "已完成": 1, "部分完成": 1}}
    inv = data["investment_wanyuan"]
    assert inv["planned"] == "22000.5" and inv["completed"] == "7900"
    assert inv["by_source"] == {"中央": "5000", "省级": "1000", "市级": "0", "县级": "3000", "社会资本": "13000"}
    assert data["projects_by_source"] == {"中央": 2, "省级": 1, "市级": 0, "县级": 3, "社会资本": 2}
    kinds = {(f["kind"], f["ref"]) for f in data["findings"]}
    # 5600 = 2000+1000+1600+1000 agrees; 3200.5 ≠ 3200 and 3500 > 3200.5 are findings.
    assert kinds == {("investment_split", "乙县垃圾处理场"), ("completed_over_planned", "乙县垃圾处理场")}
    county = json.loads(run("summary", "--region", "870121", "--year", "2026", "--json"))
    assert county["projects"]["total"] == 3 and county["findings"] == []


def test_summary_out_of_scope_is_refused(world):
    with pytest.raises(CommandError):
        run("summary", "--region", "870122", "--year", "2026", "--json", "--as", "jia_admin")


def test_template_has_the_contract_headers(world, tmp_path):
    import openpyxl

    run("template", "--kind", "projects", "-o", str(tmp_path / "t.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    assert set(HEADERS) <= set(header)
