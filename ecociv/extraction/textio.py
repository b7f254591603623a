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
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def read_bytes(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".docx" or data[:2] == b"PK":
        try:
            return read_docx(data)
        except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds for broken files
            raise DocumentError(f"无法读取 Word 文档：{exc}") from None
    if suffix in (".doc", ".pdf"):
        raise DocumentError("只支持 .txt 和 .docx 文件；.doc 请先另存为 .docx")
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
    converted = _converter("t2s").convert(chunk)
    if len(converted) != len(chunk):
        converted = "".join(_converter("t2s").convert(ch) for ch in chunk)
    changed = sum(1 for a, b in zip(chunk, converted) if a != b)
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
        conv = cc.convert(piece)
        if len(conv) != len(piece):
            conv = _char_by_char(piece)
        elif keep:
            conv = _keep_words(conv, _char_by_char(piece), keep)
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
