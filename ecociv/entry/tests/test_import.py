"""Excel round trip and `ecociv import-values`: dry run per row, errors naming sheet, row and
column in Chinese, atomic apply, statuses, audit user."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ecociv.audit.models import AuditLog
from ecociv.entry.actions.review import approve_task, submit_task
from ecociv.entry.actions.values import import_values
from ecociv.entry.errors import EntryError
from ecociv.entry.models import ImportJob, IndicatorValue, ValueStatus

from .conftest import YEAR, fill_all, ind

pytestmark = pytest.mark.django_db

HEAD = "区划代码,年度,指标编码,数值,说明\n"


def write(tmp_path, text, name="values.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def run(*args):
    out = io.StringIO()
    call_command("import_values", *args, stdout=out)
    return out.getvalue()


def test_cli_dry_run_lists_each_row_and_writes_nothing(world, tmp_path):
    IndicatorValue.objects.create(region=world.county, year=YEAR, indicator=world.standard.indicators.get(code="26"),
                                  value=Decimal(90), note="老", status=ValueStatus.DRAFT)
    f = write(tmp_path, HEAD + f"870121,{YEAR},11,100,全年达标\n870121,{YEAR},26,91.5,更正\n")
    out = run(f, "--dry-run")
    assert "第 2 行 870121 2025 11：新增" in out and "第 3 行 870121 2025 26：更新" in out
    assert "预检通过（未写入）：新增 1 条，更新 1 条，未变 0 条，错误 0 条" in out
    assert IndicatorValue.objects.count() == 1


def test_cli_errors_name_sheet_row_and_column_and_nothing_is_written(world, tmp_path):
    f = write(tmp_path, HEAD + f"870121,{YEAR},27,100,\n999999,{YEAR},27,1,\n870121,20x5,29,1,\n"
                               f"870121,{YEAR},99,1,\n870121,{YEAR},29,九十,\n870121,{YEAR},7,1,\n870121,{YEAR},29,101,\n")
    with pytest.raises(CommandError, match="未导入任何数据"):
        run(f)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", f, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "工作表“values.csv” 第 3 行，“区划代码”列：区划代码“999999”不存在" in text
    assert "第 4 行，“年度”列：“20x5”不是有效年度" in text
    assert "第 5 行，“指标编码”列：national-2019 中没有指标“99”" in text
    assert "第 6 行，“数值”列：“九十”不是有效的数值" in text
    assert "第 7 行，“指标编码”列：指标 7 由分项组成，请按分项（7.1、7.2）填报" in text
    assert "第 8 行，“数值”列：数值范围：数值101超出合理范围（0～100）" in text
    assert not IndicatorValue.objects.exists()


def test_cli_requires_the_exact_headers(world, tmp_path):
    f = write(tmp_path, "代码,年份,指标,值\n870121,2025,27,100\n")
    with pytest.raises(CommandError, match="缺少列：区划代码、年度、指标编码、数值、说明"):
        run(f)


def test_cli_imports_as_submitted_by_the_system_account(world, tmp_path):
    f = write(tmp_path, HEAD + f"870121,{YEAR},11,100,全年达标\n870122,{YEAR},11,99.5,\n")
    out = run(f)
    assert "导入完成（已提交，操作人 system）：新增 2 条" in out
    v = IndicatorValue.objects.get(region=world.county)
    assert v.status == ValueStatus.SUBMITTED and v.value == Decimal(100) and v.source == "import"
    assert v.lineage["row"] == 2
    assert set(AuditLog.objects.filter(action="value.import").values_list("username", flat=True)) == {"system"}
    # Same file again: unchanged.
    assert "未变 2 条" in run(f)


def test_imports_run_the_checks_of_a_submit(world, tmp_path):
    """Maker-checker (issue 15): an import enters values as 已提交 only when they pass what a submit
    on the page requires — evidence for binding indicators included — and never approves."""
    f = write(tmp_path, "区划代码,年度,指标编码,数值,说明,标准,是否完成\n"
                        f"870121,{YEAR},27,100,,national-2019,\n870121,{YEAR},11,80,,,\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_values", f, "--as", "city_admin", stdout=out)
    assert "第 2 行，“数值”列：缺少佐证材料：约束性指标须上传佐证材料" in out.getvalue()
    assert not IndicatorValue.objects.exists()
    with pytest.raises(CommandError, match="录入与审核须由不同的人完成"):
        run(f, "--approve", "--as", "city_admin")
    # As drafts (save's checks), the evidence comes later on the page, then a submit.
    out = run(f, "--draft", "--as", "city_admin")
    assert "导入完成（草稿，操作人 city_admin）：新增 2 条" in out
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {ValueStatus.DRAFT}


def test_cli_refuses_submitted_and_approved_values_and_reports_them_by_row(world, tmp_path):
    f = write(tmp_path, HEAD + f"870121,{YEAR},11,100,\n")
    run(f, "--as", "city_admin")
    v = IndicatorValue.objects.get()
    assert v.status == ValueStatus.SUBMITTED and v.entered_by == world.city_admin
    assert "未变 1 条" in run(f)
    f2 = write(tmp_path, HEAD + f"870121,{YEAR},11,98,\n", "again.csv")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", f2, stdout=out)
    assert "工作表“again.csv” 第 2 行，“数值”列：甲县 2025年 指标 11 已提交，等待审核" in out.getvalue()
    assert IndicatorValue.objects.get().value == Decimal(100)


def test_cli_as_a_user_is_held_to_their_scope(world, tmp_path):
    f = write(tmp_path, HEAD + f"870122,{YEAR},27,100,\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", f, "--as", "jia_admin", stdout=out)
    assert "区划代码“870122”不存在" in out.getvalue()
    with pytest.raises(CommandError, match="不存在"):
        run(f, "--as", "nobody")


def test_cli_checks_outliers_against_siblings_in_the_same_file(world, tmp_path):
    from ecociv.regions.models import Region

    rows = []
    for n in range(3, 9):
        Region.objects.create(code=f"87012{n}", name=f"县{n}", level="county", parent=world.city)
        rows.append(f"87012{n},{YEAR},26,{95 + n % 3},")
    rows.append(f"870121,{YEAR},26,20,")
    out = run(write(tmp_path, HEAD + "\n".join(rows) + "\n"), "--dry-run", "-v", "2")
    assert "870121 2025 26：新增" in out and "同级地区离群" in out


def test_xlsx_long_format_is_read_too(world, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["区划代码", "年度", "指标编码", "数值", "说明"])
    ws.append([870121, f"{YEAR}年", "11", 99.5, "ok"])  # a number-typed code, a year as people type it
    ws.append(["870121", YEAR, "29", "abc", ""])
    p = tmp_path / "v.xlsx"
    wb.save(p)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", str(p), verbosity=2, stdout=out)
    assert "工作表“数据” 第 3 行，“数值”列：“abc”不是有效的数值" in out.getvalue()
    assert f"870121 {YEAR} 11：新增" in out.getvalue()


def test_template_has_keys_locked_inputs_unlocked_and_validation(client, world, env_task):
    client.force_login(world.filler)
    resp = client.get(f"/entry/tasks/{env_task.pk}/template.xlsx")
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    ws = wb["填报"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["区划代码", "年度", "指标编码", "标准"] and {"数值", "说明", "是否完成", "单位", "目标值"} <= set(head)
    assert ws.protection.sheet is True
    col = {h: i for i, h in enumerate(head)}
    row2 = ws[2]
    assert row2[col["区划代码"]].protection.locked and not row2[col["数值"]].protection.locked
    assert not row2[col["说明"]].protection.locked and not row2[col["是否完成"]].protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "list"} <= kinds
    codes = [r[col["指标编码"]].value for r in ws.iter_rows(min_row=2)]
    assert codes == [it.indicator.code for it in env_task.items.filter(indicator__isnull=False)]
    assert ws.cell(row=codes.index("27") + 2, column=col["目标值"] + 1).value == "≥100"


def test_excel_round_trip_dry_run_then_apply_as_drafts(client, world, env_task):
    client.force_login(world.filler)
    content = client.get(f"/entry/tasks/{env_task.pk}/template.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["填报"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    rows = {ws.cell(row=r, column=col["指标编码"]).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row=rows["27"], column=col["数值"], value=99.5)
    ws.cell(row=rows["27"], column=col["说明"], value="按季度监测")
    ws.cell(row=rows["1"], column=col["是否完成"], value="是")
    ws.cell(row=rows["14"], column=col["数值"], value="百分百")
    buf = io.BytesIO()
    wb.save(buf)
    url = f"/entry/tasks/{env_task.pk}/upload/"
    html = client.post(url, {"file": SimpleUploadedFile("填报表.xlsx", buf.getvalue())}).content.decode()
    assert "工作表“填报” 第 " in html and f"第 {rows['14']} 行，“数值”列：“百分百”不是有效的数值" in html
    assert "确认导入" not in html and not IndicatorValue.objects.exists()

    ws.cell(row=rows["14"], column=col["数值"], value=100)
    buf = io.BytesIO()
    wb.save(buf)
    html = client.post(url, {"file": SimpleUploadedFile("填报表.xlsx", buf.getvalue())}).content.decode()
    assert "新增 3 条" in html and "确认导入" in html and not IndicatorValue.objects.exists()
    job = ImportJob.objects.get()
    resp = client.post(url, {"job": job.pk})
    assert resp.status_code == 302
    v = IndicatorValue.objects.get(indicator__code="27")
    assert v.value == Decimal("99.5") and v.note == "按季度监测" and v.status == ValueStatus.DRAFT
    assert IndicatorValue.objects.get(indicator__code="1", indicator__standard__code="national-2019").achieved
    # The job is used up: posting it again does nothing.
    assert client.post(url, {"job": job.pk}).status_code == 404


def test_task_upload_refuses_rows_of_another_task(client, world, env_task, tmp_path):
    client.force_login(world.filler)
    data = (HEAD + f"870121,{YEAR},29,90,\n870121,{YEAR - 1},27,90,\n").encode()
    html = client.post(f"/entry/tasks/{env_task.pk}/upload/",
                       {"file": SimpleUploadedFile("x.csv", data)}).content.decode()
    assert "指标 29 不在本任务中" in html and "该行不属于本任务（甲县 2025年）" in html


def test_page_import_runs_with_progress_and_status(client, world, settings):
    settings.ENTRY_IMPORT_THREADS = False
    client.force_login(world.city_admin)
    data = (HEAD + f"870121,{YEAR},11,100,\n870122,{YEAR},11,99,\n").encode()
    html = client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", data)}).content.decode()
    assert "新增 2 条" in html
    job = ImportJob.objects.get()
    resp = client.post("/entry/import/", {"job": job.pk})
    assert resp.status_code == 302
    html = client.get(resp["Location"]).content.decode()
    assert "已完成" in html and "新增 2 条" in html
    assert IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED).count() == 2


def test_import_refuses_to_overwrite_values_approved_after_the_dry_run(world, env_task, tmp_path):
    from ecociv.entry.importing import plan_import

    f = write(tmp_path, HEAD + f"870121,{YEAR},27,99,\n")
    plan = plan_import(f, by=world.city_admin, target_status=ValueStatus.DRAFT)
    fill_all(env_task, world.filler)
    submit_task(env_task, by=world.filler)
    approve_task(env_task, by=world.reviewer)
    with pytest.raises(EntryError, match="预检后已被他人修改"):
        import_values(plan, by=world.city_admin)
    assert IndicatorValue.objects.get(indicator=ind(env_task, "27")).status == ValueStatus.APPROVED
