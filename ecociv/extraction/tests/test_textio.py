"""Reading documents: encodings, .docx, and a same-length simplified copy."""
import io

from docx import Document

from ecociv.extraction.textio import decode, matching_text, read_bytes


def test_it_reads_utf8_and_gb18030():
    text = "全县森林覆盖率达到63.2%。"
    assert decode(text.encode("utf-8")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode(text.encode("gb18030")) == text
    assert read_bytes("a.txt", "第一行\r\n第二行".encode("gbk")) == "第一行\n第二行"


def test_it_reads_docx_paragraphs_and_tables():
    doc = Document()
    doc.add_paragraph("2022年，投入资金500万元。")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "森林覆盖率"
    table.rows[0].cells[1].text = "63.2%"
    buf = io.BytesIO()
    doc.save(buf)
    text = read_bytes("a.docx", buf.getvalue())
    assert "投入资金500万元" in text and "森林覆盖率\t63.2%" in text


def test_matching_text_keeps_the_length_of_the_original():
    for text in ["網站首頁 工作範例，計程車、軟體與資訊，專案建立", "全角数字１２３％，半角123%", "简体文本不变"]:
        out = matching_text(text)
        assert len(out) == len(text)
    assert matching_text("專案投資３．５億元") == "项目投资3.5亿元"
    assert matching_text("简体文本不变") == "简体文本不变"
