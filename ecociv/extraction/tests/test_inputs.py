"""Issue 16 inputs: a .pdf with a text layer, a scanned .pdf or an image (refused, saying why),
.doc/.wps (LibreOffice when installed, a clear message otherwise), .docx tables whose cells take
their row and column headers as subject. Real files, generated and then read back."""
import io
import shutil

import pytest
from docx import Document

from ecociv.extraction.extract import extract
from ecociv.extraction.tests.test_upload import upload
from ecociv.extraction.textio import DocumentError, read_bytes, reflow


def pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body style='font-family: Noto Sans CJK SC'>{html}</body></html>").write_pdf()


def test_a_pdf_with_a_text_layer_is_read_and_its_figures_found():
    data = pdf("<p>2023年，全县城镇污水处理率达到96.5%，较上年提高1.2个百分点。</p>"
               "<p>PM2.5平均浓度为29微克/立方米，同比下降6.5%。</p>")
    text = read_bytes("总结.pdf", data)
    got = {f.quote: f.indicator for f in extract(text)}
    assert got["96.5%"] == "29" and got["29微克/立方米"] == "7" and got["6.5%"] == "7.2"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_pdf_without_a_text_layer_is_refused_saying_so():
    data = pdf("<div style='height:20cm'></div>")  # a page with nothing written on it, like a scan
    with pytest.raises(DocumentError, match="没有文字层"):
        read_bytes("扫描件.pdf", data)


def test_an_image_is_refused_saying_it_has_no_text_layer():
    with pytest.raises(DocumentError, match="图片，没有文字层"):
        read_bytes("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)


def test_doc_and_wps_say_so_when_libreoffice_is_missing(monkeypatch):
    from ecociv.extraction import textio

    monkeypatch.setattr(textio.shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    for name in ("旧文档.doc", "金山文档.wps"):
        with pytest.raises(DocumentError, match="未安装 LibreOffice.*另存为 .docx"):
            read_bytes(name, ole)


def test_a_real_doc_is_read_through_libreoffice(tmp_path):
    """scripts/sysdeps.sh installs LibreOffice for the tests: a binary Word 97 file (made here by
    LibreOffice from a .docx) is read, its table included, and a broken one refused by name."""
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice 未安装：make test 应通过 scripts/sysdeps.sh test 安装 libreoffice-writer-nogui"
    doc = Document()
    doc.add_paragraph("2024年，全县城镇污水处理率达到97.2%，较上年提高1.1个百分点。")
    t = doc.add_table(rows=2, cols=2)
    for c, v in enumerate(["指标", "2024年（%）"]):
        t.rows[0].cells[c].text = v
    for c, v in enumerate(["森林覆盖率", "63.4"]):
        t.rows[1].cells[c].text = v
    doc.save(tmp_path / "总结.docx")
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to",
                    "doc:MS Word 97", "--outdir", str(tmp_path), str(tmp_path / "总结.docx")],
                   check=True, capture_output=True, timeout=180)
    data = (tmp_path / "总结.doc").read_bytes()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # really the old binary format
    text = read_bytes("旧总结.doc", data)
    got = {f.quote: f for f in extract(text)}
    assert got["97.2%"].indicator == "29" and "63.4" in text and "森林覆盖率" in text
    with pytest.raises(DocumentError, match="LibreOffice 无法转换"):
        read_bytes("旧文档.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def test_a_table_cell_takes_its_row_and_column_headers_as_subject():
    doc = Document()
    doc.add_paragraph("附表：主要指标完成情况")
    t = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "2022年（%）", "2023年（%）"], ["森林覆盖率", "61.5", "62.3"],
                             ["城镇污水处理率", "94.1", "96.0"]]):
        for c, v in enumerate(row):
            t.rows[r].cells[c].text = v
    buf = io.BytesIO()
    doc.save(buf)
    facts = {(f.quote, f.period): f for f in extract(read_bytes("表.docx", buf.getvalue()))}
    f = facts[("62.3%", "2023")]
    assert f.subject == "森林覆盖率 2023年" and f.indicator == "11"
    assert facts[("94.1%", "2022")].indicator == "29"


def test_lines_a_pdf_breaks_inside_a_sentence_are_joined():
    assert reflow("全县森林覆盖率达\n到63.2%。\n二、主要做法\n一是加强领导。") == \
        "全县森林覆盖率达到63.2%。\n二、主要做法\n一是加强领导。"


def test_a_pdf_uploaded_on_the_page_is_stored_with_its_facts(world, client):
    from ecociv.extraction.models import SourceDocument

    world.login(client, world.admin)
    upload(client, "年度总结.pdf", pdf("<p>全县森林覆盖率达到63.2%。</p>"))
    doc = SourceDocument.objects.get()
    assert doc.extension == ".pdf" and doc.facts.get(quote="63.2%").indicator_code == "11"
    assert "森林覆盖率" in doc.facts.get(quote="63.2%").explanation
