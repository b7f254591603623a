"""Render a Document into a docxtpl template (the shipped one or an administrator's)."""
from __future__ import annotations

import io
import re

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate

from ecociv.reports.document import Document, Table

TABLE_STYLE = "Table Grid"
CELL_STYLE = "公文表格文字"


_MARKER_RE = re.compile("\u2063表格(\\d+)\u2063")


class TemplateError(Exception):
    """The template cannot produce a document; the message says why, in Chinese."""


MARKER = "\u2063表格{}\u2063"  # invisible separators around a number: never typed by a person


def _insert_table(document, paragraph, table: Table) -> None:
    """Replace the marker paragraph by the table (python-docx appends; the element is moved)."""
    ncols = len(table.header)
    t = document.add_table(rows=1 + len(table.rows), cols=ncols)
    styles = document.styles
    if any(s.name == TABLE_STYLE for s in styles):
        t.style = TABLE_STYLE
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_style = CELL_STYLE if any(s.name == CELL_STYLE for s in styles) else None
    # The header row repeats on every page of a long table.
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    head = OxmlElement("w:tblHeader")
    head.set(qn("w:val"), "true")
    tr_pr.append(head)
    for i, row in enumerate([table.header, *table.rows]):
        cells = t.rows[i].cells
        for j, value in enumerate(row):
            p = cells[j].paragraphs[0]
            if cell_style:
                p.style = cell_style
            p.paragraph_format.first_line_indent = Pt(0)
            run = p.add_run(str(value))
            if i == 0:
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if table.widths:
        total = sum(table.widths)
        # A4 portrait text width: 210 − 28 − 26 = 156 mm = 8844 twentieths of a point.
        for j, w in enumerate(table.widths):
            width = int(8844 * w / total)
            for row in t.rows:
                tc_pr = row.cells[j]._tc.get_or_add_tcPr()
                tcw = OxmlElement("w:tcW")
                tcw.set(qn("w:w"), str(width))
                tcw.set(qn("w:type"), "dxa")
                tc_pr.append(tcw)
    paragraph._p.addprevious(t._tbl)
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

        env = Environment(undefined=StrictUndefined if strict else Undefined)
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
