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


def test_taiwan_idioms_do_not_rewrite_the_words_kept():
    # tw2sp turns 指標 into 指针 (pointer) and 類比 into 模拟 (analog); kept words stay as written.
    text = "指標8 水環境質量：斷面水質達到或優於Ⅲ類比例為100%，專案投資3億元"
    keep = ("指标", "达到或优于Ⅲ类比例")
    out = matching_text(text, keep)
    assert len(out) == len(text)
    assert out.startswith("指标8 水环境质量") and "达到或优于Ⅲ类比例为100%" in out and "项目投资" in out


def test_traditional_gb18030_document_is_read():
    text = "指標11 林草覆蓋率：全縣森林覆蓋率71.8%，目標值≥60%。"
    assert read_bytes("a.txt", text.encode("gb18030")) == text
