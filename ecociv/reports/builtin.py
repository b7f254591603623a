"""The shipped 公文 template (GB/T 9704 layout) as a docxtpl .docx, built by code so that every
style is written down once. `python -m ecociv.reports.builtin` rewrites the files in
data/templates/; an administrator downloads one, edits it in Word and uploads it back.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 2号
(Word substitutes 宋体 on a machine without it: the font table names it as the alternative);
body 仿宋 3号 at a fixed 29 pt line (22 lines a page); headings 黑体 (一、) and 楷体 (（一）),
third level 仿宋 bold; page numbers 宋体 4号 "— 1 —", right on odd pages, left on even ones;
the issuing office and date at the end. Fonts are named on every script (ascii, hAnsi,
eastAsia): Word ignores a Chinese font name set only on ascii."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

DATA_DIR = Path(__file__).parent / "data" / "templates"
KINDS = ("summary", "self-evaluation")

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEI, KAI, SONG = "黑体", "楷体", "宋体"
# Font table alternatives: what Word uses when the named font is missing on the machine.
ALT_NAMES = {TITLE_FONT: SONG, BODY_FONT: "仿宋_GB2312", KAI: "楷体_GB2312", HEI: "SimHei", SONG: "SimSun"}
SIZE_2, SIZE_3, SIZE_4, SIZE_XIAO4 = Pt(22), Pt(16), Pt(14), Pt(12)
LINE = Pt(29)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def set_fonts(rpr_owner, name: str) -> None:
    """Name `name` on every script of a style's or run's rPr, removing theme fonts that would win."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc, name: str, *, font: str, size, bold=False, align=None, indent_chars: float = 0,
           line=LINE, before=0, after=0, outline: int | None = None, base: str | None = "Normal"):
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        st.base_style = styles[base]
    rpr = st.element.get_or_add_rPr()
    for child in list(rpr):
        rpr.remove(child)
    set_fonts(st.element, font)
    st.font.size = size
    st.font.bold = bold
    st.font.italic = False
    pf = st.paragraph_format
    ppr = st.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:numPr", "w:keepNext", "w:outlineLvl"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    pf.alignment = align
    pf.first_line_indent = Pt(16 * indent_chars) if indent_chars else Pt(0)
    pf.left_indent = Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
        pf.keep_with_next = True
    # Characters in the East-Asian grid: a first-line indent of 2 characters stays 2 when the
    # size changes in Word.
    if indent_chars:
        ind = ppr.find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), str(int(indent_chars * 100)))
    return st


def _page_field(paragraph) -> None:
    """— PAGE — in the footer (a field, so Word fills in each page's number)."""
    def run(text=None, fld=None, instr=None):
        r = paragraph.add_run(text)
        set_fonts(r._r, SONG)
        r.font.size = SIZE_4
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _font_table(doc) -> None:
    """Declare the 公文 fonts with their alternatives in word/fontTable.xml."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    present = {f.get(f"{{{w}}}name") for f in root.findall(f"{{{w}}}font")}
    for name, alt in ALT_NAMES.items():
        if name in present:
            continue
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        a = etree.SubElement(font, f"{{{w}}}altName")
        a.set(f"{{{w}}}val", alt)
        cs = etree.SubElement(font, f"{{{w}}}charset")
        cs.set(f"{{{w}}}val", "86")  # GB2312
        fam = etree.SubElement(font, f"{{{w}}}family")
        fam.set(f"{{{w}}}val", "roman" if name in (SONG, TITLE_FONT, BODY_FONT) else "modern")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _para(doc, text: str, style: str):
    return doc.add_paragraph(text, style=style)


def build(kind: str) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(24)

    # docDefaults: what any run without a style says (tables, text typed later in Word).
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr_default.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)

    _style(doc, "Normal", font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2, base=None)
    _style(doc, "Title", font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35), after=29,
           outline=None)
    _style(doc, "Heading 1", font=HEI, size=SIZE_3, indent_chars=2, outline=0)
    _style(doc, "Heading 2", font=KAI, size=SIZE_3, indent_chars=2, outline=1)
    _style(doc, "Heading 3", font=BODY_FONT, size=SIZE_3, bold=True, indent_chars=2, outline=2)
    _style(doc, "公文主送机关", font=BODY_FONT, size=SIZE_3)
    _style(doc, "公文数据提示", font=KAI, size=SIZE_3, indent_chars=2)
    _style(doc, "公文落款", font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "公文附件标题", font=HEI, size=SIZE_3)
    _style(doc, "公文表格标题", font=TITLE_FONT, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(30), after=12)
    _style(doc, "公文表格文字", font=BODY_FONT, size=Pt(10.5), line=None)
    tbl = doc.styles["Table Grid"]
    set_fonts(tbl.element, BODY_FONT)
    tbl.font.size = Pt(10.5)
    # Right indent of the signature block: 4 characters, as 公文 offices set it.
    doc.styles["公文落款"].paragraph_format.right_indent = Pt(16 * 4)

    # Footers: odd pages right, even pages left, one character in from the edge.
    doc.settings.odd_and_even_pages_header_footer = True
    odd = sec.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    odd.paragraph_format.first_line_indent = Pt(0)
    _page_field(odd)
    even = sec.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    even.paragraph_format.first_line_indent = Pt(0)
    _page_field(even)

    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    _para(doc, "{{ title }}", "Title")
    _para(doc, "{%p if addressee %}", "Normal")
    _para(doc, "{{ addressee }}", "公文主送机关")
    _para(doc, "{%p endif %}", "Normal")
    _para(doc, "{%p for b in blocks %}", "Normal")
    _para(doc, '{%p if b.kind == "h1" %}', "Normal")
    _para(doc, "{{ b.text }}", "Heading 1")
    _para(doc, '{%p elif b.kind == "h2" %}', "Normal")
    _para(doc, "{{ b.text }}", "Heading 2")
    _para(doc, '{%p elif b.kind == "h3" %}', "Normal")
    _para(doc, "{{ b.text }}", "Heading 3")
    _para(doc, '{%p elif b.kind == "note" %}', "Normal")
    _para(doc, "{{ b.text }}", "公文数据提示")
    _para(doc, '{%p elif b.kind == "table" %}', "Normal")
    _para(doc, "{{ b.table }}", "公文表格文字")
    _para(doc, "{%p else %}", "Normal")
    _para(doc, "{{ b.text }}", "Normal")
    _para(doc, "{%p endif %}", "Normal")
    _para(doc, "{%p endfor %}", "Normal")
    _para(doc, "{%p if attachment %}", "Normal")
    _para(doc, "", "Normal")
    _para(doc, "附件：{{ attachment_title }}", "Normal")
    _para(doc, "{%p endif %}", "Normal")
    _para(doc, "", "Normal")
    _para(doc, "", "Normal")
    _para(doc, "{{ office }}", "公文落款")
    date = _para(doc, "{{ date }}", "公文落款")
    date.paragraph_format.right_indent = Pt(16 * 6)
    _para(doc, "{%p if attachment %}", "Normal")
    brk = _para(doc, "", "Normal")
    brk.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "附件", "公文附件标题")
    _para(doc, "{{ attachment_title }}", "公文表格标题")
    _para(doc, "{{ attachment }}", "公文表格文字")
    _para(doc, "{%p endif %}", "Normal")
    _font_table(doc)
    core = doc.core_properties
    core.title = {"summary": "工作总结", "self-evaluation": "创建自评报告"}[kind]
    core.author = "生态文明建设示范区创建管理平台"
    core.comments = "模板：可在 Word 中修改字体、版式和固定文字；双花括号及 %p 标记的段落是数据占位，请保留。"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (DATA_DIR / f"{kind}.docx").write_bytes(build(kind))
        print(DATA_DIR / f"{kind}.docx")



if __name__ == "__main__":
    main()
