"""Render a Document into a docxtpl template (the shipped one or an administrator's)."""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape  # nosec B406  # escape() writes XML, nothing is parsed

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docxtpl import DocxTemplate

from ecociv.reports.document import Document, Table

TABLE_STYLE = "Table Grid"
CELL_STYLE = "公文表格文字"


_MARKER_RE = re.compile("\u2063表格(\\d+)\u2063")


class TemplateError(Exception):
    """The template cannot produce a document; the message says why, in Chinese."""


MARKER = "\u2063表格{}\u2063"  # invisible separators around a number: never typed by a person


def _insert_table(document, paragraph, table: Table) -> None:
    """Replace the marker paragraph by the table. The XML is written in one piece: building it
    cell by cell through python-docx took half a second for a 60-row table."""
    styles = document.styles
    table_style = next((s.style_id for s in styles if s.name == TABLE_STYLE), None)
    cell_style = next((s.style_id for s in styles if s.name == CELL_STYLE), None)
    total = sum(table.widths) if table.widths else len(table.header)
    # A4 portrait text width: 210 − 28 − 26 = 156 mm = 8844 twentieths of a point.
    widths = [int(8844 * w / total) for w in (table.widths or [1] * len(table.header))]
    ppr_cell = (f'<w:pStyle w:val="{cell_style}"/>' if cell_style else '<w:ind w:firstLine="0" w:firstLineChars="0"/>')

    def cell(text, width, head):
        jc = '<w:jc w:val="center"/>' if head else ""
        bold = "<w:rPr><w:b/></w:rPr>" if head else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>{ppr_cell}{jc}</w:pPr>'
                f'<w:r>{bold}<w:t xml:space="preserve">{escape(str(text))}</w:t></w:r></w:p></w:tc>')

    rows = []
    for i, row in enumerate([table.header, *table.rows]):
        tr_pr = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if i == 0 else ""
        rows.append(f"<w:tr>{tr_pr}" + "".join(cell(v, widths[j], i == 0) for j, v in enumerate(row)) + "</w:tr>")
    style = f'<w:tblStyle w:val="{table_style}"/>' if table_style else ""
    borders = "" if table_style else (
        "<w:tblBorders>" + "".join(f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                   for b in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (f"<w:tbl {nsdecls('w')}><w:tblPr>{style}<w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/>"
           f"{borders}<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" "
           f"w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
           + "".join(rows) + "</w:tbl>")
    paragraph._p.addprevious(parse_xml(xml))
    paragraph._p.getparent().remove(paragraph._p)


def render(doc: Document, template: bytes, *, strict: bool = False) -> bytes:
    """`strict`: a placeholder naming data the platform does not provide is an error (used when
    an administrator uploads a template), rather than printing nothing."""
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
    except Exception as exc:  # any unreadable file: python-docx raises many kinds
        raise TemplateError(f"模板不是可读取的 Word 文件（.docx）：{type(exc).__name__}") from exc
    tables: list[Table] = []

    def marker(table: Table | None) -> str | None:
        if table is None:
            return None
        tables.append(table)
        return MARKER.format(len(tables) - 1)

    blocks = [{"kind": b.kind, "text": b.text, "table": marker(b.table)} for b in doc.blocks]
    context = {
        "title": doc.title, "addressee": doc.addressee, "office": doc.office, "date": doc.date,
        "blocks": blocks, "attachment_title": doc.attachment_title,
        "attachment": marker(doc.attachment),
        "notes": doc.notes,
    }
    try:
        from jinja2 import Environment, StrictUndefined, Undefined

        env = Environment(undefined=StrictUndefined if strict else Undefined)  # nosec B701  # docxtpl renders with autoescape=True below
        tpl.render(context, env, autoescape=True)
    except Exception as exc:  # Jinja syntax/undefined errors, broken XML after a Word edit
        raise TemplateError(_explain(exc)) from exc
    document = tpl.docx
    placed = 0
    for paragraph in list(document.paragraphs):
        m = _MARKER_RE.fullmatch(paragraph.text.strip())
        if m:
            _insert_table(document, paragraph, tables[int(m.group(1))])
            placed += 1
    if placed < len(tables):
        raise TemplateError("模板缺少表格位置：请保留 {{ b.table }} 与 {{ attachment }} 各自单独成段")
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _explain(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError

    if isinstance(exc, TemplateSyntaxError):
        msg = exc.message or ""
        m = re.search(r"unknown tag '(\w+)'", msg)
        if "Unexpected end of template" in msg:
            detail = "有开始标记（if/for）没有对应的结束标记（endif/endfor）"
        elif m:
            detail = f"标记“{m.group(1)}”无法识别或没有对应的开始标记"
        elif "expected token" in msg or "unexpected" in msg.lower():
            detail = "占位写法不完整（括号或引号不成对）"
        else:
            detail = "占位写法无法识别"
        return (f"模板占位语法错误：{detail}。请检查双花括号与 %p 标记是否成对、完整，"
                "且没有被 Word 拆成多段格式")
    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' is undefined", exc.message or "")
        return f"模板使用了平台不提供的数据项“{m.group(1) if m else exc.message}”"
    return f"模板无法生成文档：{type(exc).__name__}: {exc}"
