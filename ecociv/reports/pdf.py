"""PDF of a Document through WeasyPrint: the same blocks as the .docx, print CSS after GB/T 9704.
The 公文 fonts are asked for by name first; a machine without them (Debian) falls back to the
Noto CJK faces of the same kind (Serif = 宋体, Sans = 黑体), which WeasyPrint embeds as subsets,
so the text stays extractable (pdftotext) and renders anywhere."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ecociv.reports.document import Document, Table

FONTS = {
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "宋体", "SimSun", "Noto Serif CJK SC", serif',
    "body": '"仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif',
    "hei": '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif',
    "kai": '"楷体_GB2312", "楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", serif',
    "song": '"宋体", "SimSun", "Noto Serif CJK SC", serif',
}


def _html(doc: Document, landscape: bool) -> str:
    def pct(t: Table | None):
        if t is not None and t.widths:
            total = sum(t.widths)
            t.widths = [round(w * 100 / total, 2) for w in t.widths]
    for b in doc.blocks:
        pct(b.table)
    pct(doc.attachment)
    return render_to_string("reports/document.pdf.html", {"doc": doc, "fonts": {k: mark_safe(v) for k, v in FONTS.items()}, "landscape": landscape})  # nosec B308 B703  # escaped before: json with <>& as \u escapes / escape()+format_html


def render(doc: Document, *, landscape: bool = False) -> bytes:
    from weasyprint import HTML

    return HTML(string=_html(doc, landscape)).write_pdf()
