"""Reading CSV/xlsx tables with row numbers, so every error can say sheet, row and column."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    sheet: str
    number: int  # 1-based row number as the user sees it in Excel (header is row 1)
    values: dict[str, str]


class TableError(ValueError):
    pass


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), else GB18030 — how a Chinese Excel saves CSV; `name` is for the message."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise TableError(f"文件 {name} 既不是 UTF-8 也不是 GB18030 编码")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: str | Path, *, data: bytes | None = None, name: str | None = None,
               aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row]]:
    """Rows of the first sheet (or the CSV), keyed by canonical column names.

    `aliases` maps accepted header spellings (Chinese or English) to canonical keys.
    """
    path = Path(path)
    name = name or path.name
    raw = data if data is not None else path.read_bytes()
    aliases = aliases or {}
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
            raise TableError(f"文件 {name} 不是有效的 Excel（.xlsx）文件：{exc}") from None
        ws = wb.worksheets[0]
        sheet = ws.title
        it = ws.iter_rows(values_only=True)
        try:
            header = [_cell(c) for c in next(it)]
        except StopIteration:
            raise TableError(f"文件 {name} 工作表“{sheet}”是空的") from None
        records = ([_cell(c) for c in r] for r in it)
    elif suffix in (".csv", ".txt", ""):
        sheet = name
        reader = csv.reader(io.StringIO(decode_text(raw, name)))
        try:
            header = [c.strip() for c in next(reader)]
        except StopIteration:
            raise TableError(f"文件 {name} 是空的") from None
        records = reader
    else:
        raise TableError(f"文件 {name}：不支持的格式“{suffix}”，请使用 .csv 或 .xlsx")
    keys = [aliases.get(h, aliases.get(h.lower(), h)) for h in header]
    rows = []
    for number, rec in enumerate(records, start=2):
        rec = [_cell(c) for c in rec]
        if not any(rec):
            continue
        rows.append(Row(sheet, number, {k: (rec[i] if i < len(rec) else "") for i, k in enumerate(keys) if k}))
    return keys, rows
