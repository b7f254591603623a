"""Reading CSV/xlsx tables with row numbers, so every error can say sheet, row and column; and
with limits, checked before or while reading, never after: file size before reading a byte, an
.xlsx's decompressed size from its zip directory before inflating anything, rows and columns while
streaming (a 3-million-row sheet stops at the first row past the limit), formula cells refused
with the cell named (their cached value may be stale or absent: a formula read as empty would be
a silent wrong value). Every import (values, regions, the template round trip) reads through here."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from openpyxl.utils import get_column_letter


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


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    max_rows: int
    max_columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(max_bytes=settings.TABLE_MAX_MB * 1024 * 1024,
                   max_unzipped_bytes=settings.XLSX_MAX_UNZIPPED_MB * 1024 * 1024,
                   max_rows=settings.TABLE_MAX_ROWS, max_columns=settings.TABLE_MAX_COLUMNS)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise TableError(f"文件 {name} 有 {_mb(size)}，超过表格文件大小上限 {_mb(limits.max_bytes)}"
                         f"（TABLE_MAX_MB）；请拆分后分批导入")


def _check_xlsx_zip(source, name: str, limits: Limits) -> None:
    """The decompressed size from the zip's directory, before inflating anything: a 1 MB file
    whose sheet inflates to gigabytes (a zip bomb) stops here. A member lying about its size is
    caught by zipfile itself when read (it checks the CRC and the length)."""
    try:
        with zipfile.ZipFile(source) as zf:
            total = sum(i.file_size for i in zf.infolist())
            if total > limits.max_unzipped_bytes:
                raise TableError(f"文件 {name} 解压后有 {_mb(total)}，超过 Excel 解压后大小上限 "
                                 f"{_mb(limits.max_unzipped_bytes)}（XLSX_MAX_UNZIPPED_MB）；请拆分后分批导入")
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _count_rows(zf, info, name, limits)
    except zipfile.BadZipFile:
        raise TableError(f"文件 {name} 不是有效的 Excel（.xlsx）文件") from None


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    """Count `<row` tags in a sheet's XML in 1 MB chunks (zlib and bytes.count, no parsing),
    stopping past the limit: seconds for any sheet, where parsing 100,000 rows cell by cell
    takes much longer."""
    rows, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            rows += buf.count(b"<row") - tail.count(b"<row")
            tail = buf[-4:]
            if rows - 1 > limits.max_rows:
                raise _too_many_rows(name, None, limits)


_DIMENSION = re.compile(r"^[A-Z]+\d+:([A-Z]+)(\d+)$")


def _check_dimension(ws, name: str, limits: Limits) -> None:
    # The sheet's own declared extent, when present, refuses a huge sheet before streaming it.
    try:
        dim = ws.calculate_dimension(force=False)
    except (ValueError, TypeError):
        return
    m = _DIMENSION.match(dim or "")
    if m and int(m.group(2)) - 1 > limits.max_rows:
        raise _too_many_rows(name, ws.title, limits)


def _too_many_rows(name: str, sheet: str | None, limits: Limits) -> TableError:
    where = f"工作表“{sheet}”" if sheet else "的工作表"
    return TableError(f"文件 {name} {where}超过行数上限 {limits.max_rows:,} 行（TABLE_MAX_ROWS）；"
                      f"请拆分后分批导入")


def _too_many_columns(name: str, sheet: str, row: int, limits: Limits) -> TableError:
    return TableError(f"文件 {name} 工作表“{sheet}”第 {row} 行超过列数上限 {limits.max_columns} 列"
                      f"（TABLE_MAX_COLUMNS）")


def _xlsx_records(ws, name: str, limits: Limits):
    """Values row by row from a read-only (streaming) sheet, refusing a formula cell by name."""
    for cells in ws.iter_rows():
        out = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                where = f"{get_column_letter(cell.column)}{cell.row}"
                raise TableError(f"文件 {name} 工作表“{ws.title}”单元格 {where}（第 {cell.row} 行第 {cell.column} 列）"
                                 f"是公式“{str(cell.value)[:40]}”：请复制后“选择性粘贴 → 数值”再导入")
            out.append(cell.value)
        yield out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: str | Path, *, data: bytes | None = None, name: str | None = None,
               aliases: dict[str, str] | None = None, limits: Limits | None = None) -> tuple[list[str], list[Row]]:
    """Rows of the first sheet (or the CSV), keyed by canonical column names.

    `aliases` maps accepted header spellings (Chinese or English) to canonical keys. `limits`
    default to the settings (TABLE_MAX_MB, XLSX_MAX_UNZIPPED_MB, TABLE_MAX_ROWS, TABLE_MAX_COLUMNS).
    """
    path = Path(path)
    name = name or path.name
    limits = limits or Limits.from_settings()
    check_size(len(data) if data is not None else path.stat().st_size, name, limits)
    source = io.BytesIO(data) if data is not None else path
    aliases = aliases or {}
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        _check_xlsx_zip(source, name, limits)
        if isinstance(source, io.BytesIO):
            source.seek(0)
        try:
            wb = openpyxl.load_workbook(source, read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
            raise TableError(f"文件 {name} 不是有效的 Excel（.xlsx）文件：{exc}") from None
        ws = wb.worksheets[0]
        sheet = ws.title
        _check_dimension(ws, name, limits)
        it = _xlsx_records(ws, name, limits)
        try:
            header = [_cell(c) for c in next(it)]
        except StopIteration:
            raise TableError(f"文件 {name} 工作表“{sheet}”是空的") from None
        records = ([_cell(c) for c in r] for r in it)
    elif suffix in (".csv", ".txt", ""):
        sheet = name
        raw = data if data is not None else path.read_bytes()
        reader = csv.reader(io.StringIO(decode_text(raw, name)))
        try:
            header = [c.strip() for c in next(reader)]
        except StopIteration:
            raise TableError(f"文件 {name} 是空的") from None
        records = reader
    else:
        raise TableError(f"文件 {name}：不支持的格式“{suffix}”，请使用 .csv 或 .xlsx")
    if len(header) > limits.max_columns:
        raise _too_many_columns(name, sheet, 1, limits)
    keys = [aliases.get(h, aliases.get(h.lower(), h)) for h in header]
    rows = []
    for number, rec in enumerate(records, start=2):
        if number - 1 > limits.max_rows:
            raise _too_many_rows(name, sheet, limits)
        if len(rec) > limits.max_columns and any(str(c).strip() for c in rec[limits.max_columns:] if c is not None):
            raise _too_many_columns(name, sheet, number, limits)
        rec = [_cell(c) for c in rec]
        if not any(rec):
            continue
        rows.append(Row(sheet, number, {k: (rec[i] if i < len(rec) else "") for i, k in enumerate(keys) if k}))
    return keys, rows
