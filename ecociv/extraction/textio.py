"""Reading uploaded documents into text, and the same-length simplified copy used for matching.

Facts carry character offsets into the ORIGINAL text, so everything the scanner and the mapper
read is a copy of exactly the same length: full-width digits and signs made half-width, and
traditional characters made simplified with OpenCC. OpenCC converts phrases, and a few phrases
change length (Taiwan idioms, e.g. 計程車 → 出租车 is fine but some are not): any piece whose
conversion changes length is converted again character by character, which is always 1:1.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

# One character for one character, so offsets survive.
_HALF = {chr(0xFF10 + i): str(i) for i in range(10)}
_HALF.update({"％": "%", "．": ".", "／": "/", "～": "~", "－": "-", "＋": "+", "＊": "*", "，": "，",
              "Ｘ": "X", "ｘ": "x", "（": "(", "）": ")", "：": "：", "\u3000": " ", "\xa0": " "})
_HALF_TABLE = str.maketrans(_HALF)

_PIECE = re.compile(r"[^\n。；！？]*[\n。；！？]?")


class DocumentError(ValueError):
    pass


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; then GB18030, which covers GBK and GB2312; then a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise DocumentError("无法识别文件编码，请另存为 UTF-8 或 GB18030 文本")
    return str(best)


def read_docx(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += table_lines([[cell.text.strip() for cell in row.cells] for row in table.rows])
    return "\n".join(lines)


UNIT_IN_HEADER_RE = re.compile(r"[（(]\s*(%|‰|[\u4e00-\u9fff/²³A-Za-z·]{1,8})\s*[)）]")
BARE_NUMBER_RE = re.compile(r"^[≥≤<>]?\s*-?\d+(?:\.\d+)?$")


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines a reader of sentences understands: every cell that holds a figure becomes
    “行标题 列标题 值”, so the figure's subject is its row and column headers (森林覆盖率 2023年 63.2%).
    A bare number takes the unit its header gives in brackets (指标值（%） → 63.2%)."""
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return ["\t".join(r) for r in rows]
    head = rows[0]
    out = ["\t".join(head)]
    for row in rows[1:]:
        label = row[0]
        for j, cell in enumerate(row[1:], start=1):
            if not any(ch.isdigit() for ch in cell) or cell == label:
                continue
            col = head[j] if j < len(head) else ""
            value = cell
            if BARE_NUMBER_RE.match(cell):
                unit = UNIT_IN_HEADER_RE.search(col) or UNIT_IN_HEADER_RE.search(label)
                if unit:  # the unit moves from the header to the figure
                    value = cell + unit.group(1)
                    col, label_shown = UNIT_IN_HEADER_RE.sub("", col).strip(), UNIT_IN_HEADER_RE.sub("", label).strip()
                    out.append(f"{label_shown} {col} {value}".strip())
                    continue
            out.append(f"{label} {col} {value}".strip())
        if not any(any(ch.isdigit() for ch in c) for c in row[1:]):
            out.append("\t".join(row))
    return out


PDF_SENTENCE_END = "。！？!?；;：:”」）)"
HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十\d]+)")


def read_pdf(data: bytes) -> str:
    """The text layer of a PDF (poppler's pdftotext), lines of one paragraph joined again. A PDF
    without one (a scan) is refused with a message saying so."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise DocumentError("服务器未安装 pdftotext（poppler-utils），无法读取 PDF；请安装后重试，或上传 .docx/.txt 版本")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        done = subprocess.run([exe, "-q", "-enc", "UTF-8", str(src), "-"], capture_output=True, timeout=120,
                              check=False)
    if done.returncode != 0:
        raise DocumentError("PDF 文件已损坏或加密，无法读取文字")
    raw = done.stdout.decode("utf-8", "replace").replace("\f", "\n")
    if not re.sub(r"\s", "", raw):
        raise DocumentError("这个 PDF 没有文字层（可能是扫描件或图片），无法识别其中的数字；"
                            "请先做文字识别（OCR），或上传 Word/文本版本")
    return reflow(raw)


def reflow(raw: str) -> str:
    """Join the lines a PDF breaks inside a sentence; keep a break after a sentence's end, before a
    heading (一、 （二） 3.) and around empty lines."""
    out: list[str] = []
    for line in raw.split("\n"):
        line = line.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        if out and out[-1] and not out[-1].endswith(tuple(PDF_SENTENCE_END)) and not HEADING_RE.match(line) \
                and not HEADING_RE.match(out[-1]):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(x for x in out if x)


def read_legacy_word(name: str, data: bytes) -> str:
    """.doc/.wps through LibreOffice headless, when the server has it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise DocumentError("服务器未安装 LibreOffice，无法读取 .doc/.wps 文件；"
                            "请用 Word 或 WPS 打开后“另存为 .docx”再上传")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / ("in" + Path(name).suffix.lower())
        src.write_bytes(data)
        # A profile of its own per conversion: two soffice processes sharing one profile hand
        # the job to each other or fail, and the worker may read two documents at once.
        profile = Path(tmp, "profile").as_uri()
        try:
            done = subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                                   "--convert-to", "docx", "--outdir", tmp, str(src)],
                                  capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise DocumentError("LibreOffice 转换超时（180 秒）；请用 Word 或 WPS 另存为 .docx 后上传") from None
        out = Path(tmp) / "in.docx"
        if done.returncode != 0 or not out.exists():
            raise DocumentError("LibreOffice 无法转换这个文件；请用 Word 或 WPS 另存为 .docx 后上传")
        return read_docx(out.read_bytes())


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(name: str, data: bytes) -> str:
    """txt | docx | pdf | word (.doc/.wps) | image — by content first, then by name."""
    suffix = Path(name).suffix.lower()
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if data[:8] == OLE_MAGIC:
        return "word"
    if data[:4].startswith(IMAGE_MAGIC) or data[8:12] == b"WEBP" or suffix in IMAGE_SUFFIXES:
        return "image"
    return {".pdf": "pdf", ".docx": "docx", ".doc": "word", ".wps": "word"}.get(suffix, "txt")


def read_bytes(name: str, data: bytes) -> str:
    kind = kind_of(name, data)
    if kind == "docx":
        try:
            return read_docx(data)
        except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds for broken files
            raise DocumentError(f"无法读取 Word 文档：{exc}") from None
    if kind == "pdf":
        return read_pdf(data)
    if kind == "word":
        return read_legacy_word(name, data)
    if kind == "image":
        raise DocumentError("这是图片，没有文字层，无法识别其中的数字；请先做文字识别（OCR），或上传 Word/文本版本")
    return decode(data).replace("\r\n", "\n").replace("\r", "\n")


def read_path(path: str | Path) -> str:
    p = Path(path)
    return read_bytes(p.name, p.read_bytes())


@lru_cache(maxsize=4)
def _converter(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def looks_traditional(text: str, sample: int = 20000) -> bool:
    """More than 2 % of the Chinese characters change under t2s: a traditional document."""
    chunk = text[:sample]
    cjk = sum(1 for ch in chunk if "\u4e00" <= ch <= "\u9fff")
    if not cjk:
        return False
    changed = sum(1 for ch in chunk if "\u4e00" <= ch <= "\u9fff" and _one_char(ch) != ch)
    return changed > 0.02 * cjk


def to_simplified(text: str, keep: tuple[str, ...] = ()) -> str:
    """Same length as `text`. Taiwan-style idioms (專案, 建立 for 创建) are converted back too,
    except where the idiom conversion would rewrite one of the `keep` words (the indicator names:
    Taiwan's 指標 'pointer' → 指针, 類比 'analog' → 模拟 inside 達到或優於Ⅲ類比例)."""
    cc = _converter("tw2sp")
    out = []
    for piece in _PIECE.findall(text):
        if not piece:
            continue
        plain = _char_by_char(piece)
        if plain == piece:  # no traditional character: nothing for tw2sp to do (and 3× faster)
            out.append(piece)
            continue
        conv = cc.convert(piece)
        if len(conv) != len(piece):
            conv = plain
        elif keep:
            conv = _keep_words(conv, plain, keep)
        out.append(conv)
    result = "".join(out)
    if len(result) != len(text):  # cannot happen with _char_by_char; kept as a guard
        result = _char_by_char(text)
    return result


def _keep_words(idiomatic: str, plain: str, keep: tuple[str, ...]) -> str:
    """The character-by-character conversion wherever the idiomatic one changed part of a kept word."""
    if idiomatic == plain:
        return idiomatic
    out = list(idiomatic)
    for word in keep:
        i = plain.find(word)
        while i >= 0:
            j = i + len(word)
            if idiomatic[i:j] != word:
                out[i:j] = plain[i:j]
            i = plain.find(word, i + 1)
    return "".join(out)


def _char_by_char(text: str) -> str:
    return "".join(map(_one_char, text))


@lru_cache(maxsize=20000)
def _one_char(ch: str) -> str:
    c = _converter("t2s").convert(ch)
    return c if len(c) == 1 else ch


def matching_text(text: str, keep: tuple[str, ...] = ()) -> str:
    """The copy of `text` that the scanner and the mapper read: same length, simplified, half-width.
    `keep`: words that the Taiwan idiom conversion must not rewrite (see `to_simplified`)."""
    half = text.translate(_HALF_TABLE)
    result = to_simplified(half, keep) if looks_traditional(half) else half
    assert len(result) == len(text)
    return result
