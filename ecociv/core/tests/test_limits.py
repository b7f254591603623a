"""Limits on every input, from outside: a zip bomb, a 3-million-row sheet, a formula cell, an
over-size file and request, a 10 MB text — each refused with a Chinese message naming the limit,
nothing written. The sheets are generated compactly (streamed into the zip, never held whole)."""
from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecociv.audit.models import AuditLog
from ecociv.core.tabular import TableError, read_table
from ecociv.entry.models import IndicatorValue

from .procs import child_env, ecociv

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="数值" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
HEADER_ROW = ('<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                      for c, h in zip("ABCDE", ["区划代码", "年度", "指标编码", "数值", "说明"])) + "</row>")


def write_xlsx(path: Path, rows, *, padding_mb: int = 0) -> Path:
    """A minimal .xlsx whose sheet is streamed into the zip: `rows` yields <row> XML strings;
    `padding_mb` adds that many MB of whitespace (compresses ~1000:1, the zip-bomb shape)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                     b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            fh.write(HEADER_ROW.encode())
            for block, times in rows:
                data = block.encode()
                for _ in range(times):
                    fh.write(data)
            block = b" " * (1024 * 1024)
            for _ in range(padding_mb):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def value_rows(n: int):
    """n identical value rows, as (block, times): rows without position attributes are legal
    (the reader counts them) and compress to almost nothing, like the 1.3 MB 3-million-row file."""
    row = ('<row><c><v>870121</v></c><c><v>2025</v></c><c t="inlineStr"><is><t>27</t></is></c>'
           '<c><v>90</v></c></row>')
    per = min(n, 10_000)
    return [(row * per, n // per)]


def dry_run(path: Path, **env):
    return subprocess.run(ecociv("import-values", str(path), "--dry-run"), env=child_env(**env),
                          capture_output=True, text=True, timeout=300)


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_inflating(world, tmp_path):
    # The limit is a setting; set low here so that the bomb stays small to make (same code path).
    bomb = write_xlsx(tmp_path / "bomb.xlsx", value_rows(1), padding_mb=30)
    assert bomb.stat().st_size < 1024 * 1024
    done = dry_run(bomb, XLSX_MAX_UNZIPPED_MB="20")
    assert done.returncode != 0
    assert "解压后" in done.stderr and "XLSX_MAX_UNZIPPED_MB" in done.stderr and "上限 20 MB" in done.stderr
    assert not IndicatorValue.objects.exists()


def test_a_three_million_row_sheet_stops_at_the_row_limit(world, tmp_path):
    big = write_xlsx(tmp_path / "rows.xlsx", value_rows(3_000_000))
    assert big.stat().st_size < 5 * 1024 * 1024
    audit_before = AuditLog.objects.count()
    # At the default settings its 298 MB of XML is refused by the unzipped-size limit first; with
    # that limit raised, the streaming read stops at the first row past the row limit.
    assert "XLSX_MAX_UNZIPPED_MB" in dry_run(big).stderr
    done = dry_run(big, XLSX_MAX_UNZIPPED_MB="1000")
    assert done.returncode != 0
    assert "TABLE_MAX_ROWS" in done.stderr and "100,000 行" in done.stderr
    assert not IndicatorValue.objects.exists() and AuditLog.objects.count() == audit_before


def test_a_file_over_the_size_limit_is_refused_before_reading(world, tmp_path):
    f = tmp_path / "big.csv"
    with open(f, "wb") as fh:
        fh.write("区划代码,年度,指标编码,数值,说明\n".encode())
        fh.truncate(21 * 1024 * 1024)  # sparse: 21 MB on paper, nothing to read
    done = dry_run(f)
    assert done.returncode != 0 and "TABLE_MAX_MB" in done.stderr and "20 MB" in done.stderr


def test_csv_rows_and_columns_are_limited(settings, tmp_path):
    settings.TABLE_MAX_ROWS = 3
    f = tmp_path / "v.csv"
    f.write_text("区划代码,年度,指标编码,数值,说明\n" + "870121,2025,27,90,\n" * 4, encoding="utf-8")
    with pytest.raises(TableError, match="超过行数上限 3 行（TABLE_MAX_ROWS）"):
        read_table(f)
    settings.TABLE_MAX_ROWS = 100
    settings.TABLE_MAX_COLUMNS = 4
    with pytest.raises(TableError, match="超过列数上限 4 列（TABLE_MAX_COLUMNS）"):
        read_table(f)


def test_a_formula_cell_is_refused_with_its_cell_named(world, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数值"
    ws.append(["区划代码", "年度", "指标编码", "数值", "说明"])
    ws.append([870121, 2025, "27", 90, ""])
    ws.append([870121, 2025, "28", "=D2*2", ""])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(TableError, match=r"工作表“数值”单元格 D3（第 3 行第 4 列）是公式“=D2\*2”"):
        read_table(tmp_path / "f.xlsx")
    done = dry_run(tmp_path / "f.xlsx")
    assert done.returncode != 0 and "D3" in done.stderr and not IndicatorValue.objects.exists()


def test_an_over_size_request_is_refused_from_its_header(client, world, settings):
    settings.REQUEST_MAX_MB = 1
    client.force_login(world.city_admin)
    body = b"x" * (1024 * 1024 + 10)
    resp = client.post("/entry/import/", {"file": SimpleUploadedFile("v.csv", body)})
    assert resp.status_code == 413 and "REQUEST_MAX_MB" in resp.content.decode()
    resp = client.post("/api/v1/entry/tasks/1/submit", body, content_type="application/json")
    assert resp.status_code == 413 and "超过上限 1 MB" in resp.json()["detail"]


def test_a_body_without_a_length_is_refused_naming_the_limit(client, world):
    # Chunked: no Content-Length to check before reading (Django would read the body as empty).
    client.force_login(world.city_admin)
    resp = client.post("/entry/import/", b"x" * 100, content_type="text/csv", CONTENT_LENGTH="",
                       HTTP_TRANSFER_ENCODING="chunked")
    assert resp.status_code == 411 and "REQUEST_MAX_MB" in resp.content.decode()
    resp = client.post("/monitoring/", b"x", content_type="text/csv", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert resp.status_code == 411 and "MONITORING_UPLOAD_MAX_MB" in resp.content.decode()
    resp = client.post("/api/v1/entry/tasks/1/submit", b"{}", content_type="application/json", CONTENT_LENGTH="",
                       HTTP_TRANSFER_ENCODING="chunked")
    assert resp.status_code == 411 and "分块传输" in resp.json()["detail"]


def test_a_ten_megabyte_text_is_refused_by_its_character_count(client, world):
    from ecociv.extraction.models import SourceDocument

    client.force_login(world.admin)
    text = ("2025年全县空气质量优良天数比例为88.5%，同比提高1.2个百分点。" * 200_000).encode()[: 10 * 1024 * 1024]
    text = text.decode("utf-8", errors="ignore").encode()
    html = client.post("/extraction/", {"file": SimpleUploadedFile("big.txt", text), "region": "870121"}).content.decode()
    assert "DOCUMENT_MAX_CHARS" in html and "300,000" in html
    assert not SourceDocument.objects.exists()
