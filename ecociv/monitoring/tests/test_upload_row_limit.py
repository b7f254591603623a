"""A monitoring data file with more rows than MONITORING_MAX_ROWS is refused on the page, naming
the setting, before anything is stored or queued; rows are counted the same in .csv, .xlsx and
.parquet (header excluded, a missing final newline counted)."""
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecociv.monitoring import runs
from ecociv.monitoring.models import MonitoringRun
from ecociv.monitoring.tests.test_pages import _upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MONITORING_THREADS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_upload_over_the_row_limit_is_refused_naming_the_setting(client, world, tmp_path, settings):
    settings.MONITORING_MAX_ROWS = 50
    world.login(client, world.admin)
    resp = _upload(client, tmp_path)
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "小时数据.csv" in text and "超过 50 行的上限（MONITORING_MAX_ROWS）" in text
    assert not MonitoringRun.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "monitoring" / "files").exists()
    settings.MONITORING_MAX_ROWS = 2_000_000
    assert _upload(client, tmp_path).status_code == 302  # the same files within the limit


def _csv(text: bytes):
    return SimpleUploadedFile("d.csv", text)


def test_rows_are_counted_alike_in_every_format(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    assert runs._count_rows(_csv(b"a,b\n1,2\n3,4\n"), ".csv", 100) == 2
    assert runs._count_rows(_csv(b"a,b\n1,2\n3,4"), ".csv", 100) == 2
    assert runs._count_rows(_csv(b"a,b\n"), ".csv", 100) == 0
    wb = Workbook()
    for r in [["a", "b"], [1, 2], [3, 4], [5, 6]]:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    assert runs._count_rows(io.BytesIO(buf.getvalue()), ".xlsx", 100) == 3
    pq.write_table(pa.table({"a": list(range(7))}), tmp_path / "d.parquet")
    with open(tmp_path / "d.parquet", "rb") as fh:
        assert runs._count_rows(fh, ".parquet", 100) == 7


def test_the_index_page_still_offers_the_upload(client, world):
    world.login(client, world.admin)
    assert client.get(reverse("monitoring:index")).status_code == 200
