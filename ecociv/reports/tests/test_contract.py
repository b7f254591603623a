"""The issue's Contract, checked from outside: the command, its files read back, exit status."""
import io

import docx
import pytest
from django.core.management import CommandError, call_command
from docx.shared import Mm
from openpyxl import load_workbook

from ecociv.assessment.engine import assess, assessment_json
from ecociv.reports.tests.helpers import docx_text, fill_values


@pytest.fixture
def filled(world):
    fill_values(world.county, [2024, 2025], by=world.admin)
    return world


def run(tmp_path, *args, name="out"):
    out = tmp_path / name
    call_command("report", *args, "-o", str(out), stdout=io.StringIO())
    return out


def test_summary_docx_states_the_assessment_counts_with_headings_fonts_and_page(filled, tmp_path):
    w = filled
    out = run(tmp_path, "--region", w.county.code, "--year", "2025", "--kind", "summary", "--format", "docx",
              "--as", w.admin.username, name="s.docx")
    data = out.read_bytes()
    s = assessment_json(assess(w.county, 2025))["summary"]
    paras, tables = docx_text(data)
    text = "\n".join(t for _, t in paras)
    assert f"约束性指标{s['binding_total']}项，达标{s['binding_met']}项" in text
    assert f"参考性指标{s['reference_total']}项，达标{s['reference_met']}项" in text
    h1 = [t for st, t in paras if st == "Heading 1"]
    assert [h[:2] for h in h1] == ["一、", "二、", "三、", "四、"]
    assert [h[2:] for h in h1] == ["基本情况", "主要工作及成效", "存在问题", "下一步工作打算"]
    d = docx.Document(io.BytesIO(data))
    normal = d.styles["Normal"]
    assert normal.font.name == "仿宋"
    assert normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    assert normal.font.size.pt == 16
    title = d.styles["Title"]
    assert title.font.name == "方正小标宋简体" and title.font.size.pt == 22
    sec = d.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [37, 35, 28, 26]
    assert abs(sec.top_margin - Mm(37)) < Mm(0.1)
    # The attached indicator table: one row per indicator of the assessment, plus its header.
    rows = assess(w.county, 2025).rows()
    assert len(tables[-1]) == 1 + len(list(rows))
    # Issuing office and a Chinese date at the end.
    tail = [t for st, t in paras if st == "公文落款"]
    assert tail[0] == f"{w.county.name}生态文明建设示范区创建工作领导小组办公室"
    assert tail[1].endswith("日") and "年" in tail[1] and "月" in tail[1]


def test_self_evaluation_names_every_indicator_with_its_status(filled, tmp_path):
    w = filled
    out = run(tmp_path, "--region", w.county.code, "--year", "2025", "--kind", "self-evaluation", "--format", "docx",
              name="e.docx")
    paras, _ = docx_text(out.read_bytes())
    text = "\n".join(t for _, t in paras)
    a = assessment_json(assess(w.county, 2025))
    for ind in a["indicators"]:
        # Each indicator's own paragraph (after its heading) carries its status label.
        assert ind["name"] in text
        assert f"达标情况：{ind['status_label']}" in text
    assert a["verdict_label"] in text
    headings = [t for st, t in paras if st == "Heading 1"]
    assert [h[2:] for h in headings] == ["基本情况", "创建工作开展情况", "指标达标情况", "特色与亮点", "存在问题与下一步工作",
                                         "自评结论"]


def test_indicator_table_has_one_row_per_indicator(filled, tmp_path):
    w = filled
    out = run(tmp_path, "--region", w.county.code, "--year", "2025", "--kind", "indicator-table", "--format", "xlsx",
              name="t.xlsx")
    wb = load_workbook(out)
    ws = wb.active
    a = assessment_json(assess(w.county, 2025))
    header_row = 3
    data_rows = [r for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if any(v is not None for v in r)]
    assert len(data_rows) == len(a["indicators"])
    assert [r[0] for r in data_rows] == [i["code"] for i in a["indicators"]]
    header = [c.value for c in ws[header_row]]
    status, source = header.index("达标情况"), header.index("目标来源")
    assert [r[status] for r in data_rows] == [i["status_label"] for i in a["indicators"]]
    assert [r[source] or "" for r in data_rows] == [i["target_label"] for i in a["indicators"]]
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4


@pytest.mark.parametrize("args,message", [
    (["--kind", "summary", "--format", "xlsx"], "不能生成 xlsx"),
    (["--kind", "annual", "--format", "docx"], "不支持的报告类型"),
])
def test_bad_requests_fail_in_chinese_without_a_file(filled, tmp_path, args, message):
    out = tmp_path / "x"
    with pytest.raises(CommandError, match=message):
        call_command("report", "--region", filled.county.code, "--year", "2025", *args, "-o", str(out))
    assert not out.exists()


def test_out_of_scope_user_gets_nothing(filled, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match="不在管辖范围内"):
        call_command("report", "--region", filled.county.code, "--year", "2025", "--kind", "summary", "--format",
                     "docx", "-o", str(out), "--as", filled.other_admin.username)
    assert not out.exists()


def test_gongwen_layout_details_of_the_docx(filled, tmp_path):
    """Heading fonts on the East-Asian script, the title's substitute in the font table, page
    numbers as fields on odd (right) and even (left) footers, the table header repeating."""
    from ecociv.reports.tests.helpers import docx_xml

    out = run(tmp_path, "--region", filled.county.code, "--year", "2025", "--kind", "summary", "--format", "docx",
              name="s.docx")
    data = out.read_bytes()
    d = docx.Document(io.BytesIO(data))
    ea = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    fonts = {name: d.styles[name].element.rPr.rFonts.get(ea) for name in ("Heading 1", "Heading 2", "Title", "Normal")}
    assert fonts == {"Heading 1": "黑体", "Heading 2": "楷体", "Title": "方正小标宋简体", "Normal": "仿宋"}
    table = docx_xml(data, "word/fontTable.xml")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in table
    assert "evenAndOddHeaders" in docx_xml(data, "word/settings.xml")
    sec = d.sections[0]
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text and f'w:jc w:val="{align}"' in xml
    assert "<w:tblHeader" in docx_xml(data)


def test_batch_from_the_command_line_is_one_zip_of_the_children(filled, tmp_path):
    import zipfile

    out = run(tmp_path, "--region", filled.city.code, "--year", "2025", "--kind", "summary", "--format", "docx",
              "--batch", "--as", filled.city_admin.username, name="all.zip")
    names = sorted(zipfile.ZipFile(out).namelist())
    assert names == ["乙县2025年工作总结.docx", "甲县2025年工作总结.docx"]
    with zipfile.ZipFile(out) as z:
        first = docx.Document(io.BytesIO(z.read("甲县2025年工作总结.docx")))
    assert first.paragraphs[0].text == "甲县2025年生态文明建设示范区创建工作总结"


def test_batch_out_of_scope_writes_nothing(filled, tmp_path):
    out = tmp_path / "all.zip"
    with pytest.raises(CommandError, match="不在管辖范围内"):
        call_command("report", "--region", filled.city.code, "--year", "2025", "--kind", "summary", "--format",
                     "docx", "--batch", "-o", str(out), "--as", filled.admin.username)
    assert not out.exists()


def test_self_evaluation_lists_each_indicators_evidence(filled, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecociv.entry.models import Evidence, IndicatorValue

    settings.MEDIA_ROOT = str(tmp_path / "media")
    value = IndicatorValue.objects.filter(region=filled.county, year=2025, indicator__code="5").first()
    for name in ("信息公开目录.pdf", "政府网站截图.png"):
        Evidence.objects.create(value=value, file=SimpleUploadedFile(name, b"%PDF-1.4"), original_name=name,
                                extension=name.rsplit(".", 1)[1], content_type="application/pdf", size=8, sha256="0" * 64)
    out = run(tmp_path, "--region", filled.county.code, "--year", "2025", "--kind", "self-evaluation", "--format",
              "docx", name="e.docx")
    paras, _ = docx_text(out.read_bytes())
    line = next(t for st, t in paras if st == "Normal" and "《信息公开目录.pdf》" in t)
    assert "佐证材料：《信息公开目录.pdf》、《政府网站截图.png》" in line
