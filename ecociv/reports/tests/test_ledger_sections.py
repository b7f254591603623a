"""The ledger in the documents (must hold 2 and 6): projects by status, investment by source,
the ledger's findings as a marked note, every ledger figure in the prose equal to
`ledger_summary`'s; the `ledger` kind as one workbook."""
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from ecociv.core.fmt import money, percent, plain
from ecociv.reports.generate import generate
from ecociv.reports.tests.helpers import NUMBER, TODAY, docx_text, fill_values

pytestmark = pytest.mark.skipif(not apps.is_installed("ecociv.ledger"), reason="the ledger app is not installed")

HEADER = ("区划代码,年度,项目名称,类别,牵头单位,状态,计划投资(万元),中央资金(万元),省级资金(万元),市级资金(万元),"
          "县级资金(万元),社会资本(万元),累计完成投资(万元)")
ROWS = [
    "870121,2025,城区污水处理厂提标改造,污水处理,住房和城乡建设局,在建,5600,2000,1000,,2600,,3200.5",
    "870121,2025,沙河生态修复,生态修复,水利局,已完成,3167.6,1500,,,1667.6,,3167.6",
    # parts 1000 against a planned 1200: the ledger accepts it and records a finding
    "870121,2025,农村环境整治一期,农村环境整治,生态环境局,未开工,1200,,,,1000,,0",
    "870121001,2025,镇垃圾中转站,农村环境整治,城市管理局,已完成,420,,,,420,,420",
]


@pytest.fixture
def ledgered(world, tmp_path):
    fill_values(world.county, [2024, 2025], by=world.admin)
    f = tmp_path / "projects.csv"
    f.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    call_command("ledger", "import", str(f), "--kind", "projects", "--as", world.admin.username, stdout=io.StringIO())
    return world


def _ledger_figures(s: dict) -> set[str]:
    out = {str(s["projects"]["total"])} | {str(v) for v in s["projects"]["by_status"].values()}
    out |= {str(v) for v in s["projects_by_source"].values()}
    inv = s["investment_wanyuan"]
    for v in [inv["planned"], inv["completed"], *inv["by_source"].values()]:
        d = Decimal(v)
        out |= {plain(d, 2), plain(d / 10000, 2)}
    if Decimal(inv["planned"]):
        out.add(plain(Decimal(inv["completed"]) * 100 / Decimal(inv["planned"]), 1))
    for f in s.get("findings") or []:
        out |= set(NUMBER.findall(f["message"]))
    return out


def test_summary_quotes_the_ledger_exactly_and_marks_its_findings(ledgered):
    from ecociv.ledger.summary import ledger_summary

    w = ledgered
    s = ledger_summary(w.county, 2025, today=TODAY)
    assert s["projects"]["total"] == 4 and s["findings"]
    out = generate(w.county, 2025, "summary", "docx", user=w.admin, today=TODAY)
    paras, _ = docx_text(out.data)
    text = "\n".join(t for _, t in paras)
    assert f"重点工程项目共{s['projects']['total']}个" in text
    planned = Decimal(s["investment_wanyuan"]["planned"])
    assert f"计划总投资{money(planned)}" in text and f"{plain(planned, 2)}万元" in text
    for label, amount in s["investment_wanyuan"]["by_source"].items():
        if Decimal(amount):
            assert f"{label if label == '社会资本' else label + '资金'}{money(Decimal(amount))}（涉及{s['projects_by_source'][label]}个项目）" in text
    by_status = s["projects"]["by_status"]
    for label, n in by_status.items():
        if n:
            assert f"{label}{n}个" in text
    notes = [t for st, t in paras if t.startswith("※ 数据提示：台账中")]
    assert len(notes) == 1 and "农村环境整治一期" in notes[0]
    # Every figure of the ledger sections is the ledger's: the sentences between the projects
    # heading and the next heading hold no other number.
    start = next(i for i, (_, t) in enumerate(paras) if t.endswith("重点工程项目有序推进"))
    end = next(i for i in range(start + 1, len(paras)) if paras[i][0].startswith("Heading"))
    section = "\n".join(t for _, t in paras[start + 1:end])
    allowed = _ledger_figures(s) | {plain(Decimal(100) * Decimal(s["investment_wanyuan"]["completed"]) / planned, 1)}
    unexplained = [n for n in NUMBER.findall(section) if n not in allowed]
    assert not unexplained, (unexplained, section)
    assert percent(Decimal(s["investment_wanyuan"]["completed"]) * 100 / planned) in section


def test_ledger_kind_is_one_workbook_whose_totals_are_the_summarys(ledgered, tmp_path):
    from ecociv.ledger.summary import ledger_summary

    w = ledgered
    out = generate(w.county, 2025, "ledger", "xlsx", user=w.admin, today=TODAY)
    wb = load_workbook(io.BytesIO(out.data))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) >= 5
    s = ledger_summary(w.county, 2025, today=TODAY)
    summary = {ws_row[0]: ws_row[1] for ws_row in wb["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["重点项目（个）"] == s["projects"]["total"]
    assert Decimal(str(summary["计划总投资（万元）"])) == Decimal(s["investment_wanyuan"]["planned"])
    projects = wb.worksheets[1]
    names = [r[2] for r in projects.iter_rows(min_row=4, values_only=True) if r[0]]
    assert sorted(names) == sorted(r.split(",")[2] for r in ROWS)
    assert projects.freeze_panes == "A4" and projects.page_setup.orientation == "landscape"


def test_ledger_kind_prints_as_a_pdf_with_the_summarys_figures(ledgered, tmp_path):
    """The same ledgers to print: A4 landscape, text extractable, every project by name, the
    summary's totals to the cent, the region by name, the findings as marked notes."""
    import shutil
    import subprocess

    from ecociv.core.fmt import number
    from ecociv.ledger.summary import ledger_summary

    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils missing (make test installs it)")
    w = ledgered
    out = generate(w.county, 2025, "ledger", "pdf", user=w.admin, today=TODAY)
    assert out.file_name.endswith("工作台账.pdf")
    path = tmp_path / "l.pdf"
    path.write_bytes(out.data)
    flat = "".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276" in info  # A4 landscape
    s = ledger_summary(w.county, 2025, today=TODAY)
    assert number(Decimal(s["investment_wanyuan"]["planned"]), 2) in flat
    for row in ROWS:
        assert row.split(",")[2] in flat
    assert "甲镇" in flat and "870121001" not in flat
    assert f"重点项目（{s['projects']['total']}条）" in flat and "※数据提示" in flat


def test_ledger_kind_out_of_scope_is_refused(ledgered, tmp_path):
    from django.core.management import CommandError

    out = tmp_path / "l.xlsx"
    with pytest.raises(CommandError, match="不在管辖范围内"):
        call_command("report", "--region", ledgered.county.code, "--year", "2025", "--kind", "ledger", "--format",
                     "xlsx", "-o", str(out), "--as", ledgered.other_admin.username)
    assert not out.exists()
