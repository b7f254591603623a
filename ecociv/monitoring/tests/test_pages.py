"""The 监测数据 pages through the HTTP client: upload, results, downloads, feed, scope."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecociv.entry.models import IndicatorValue, ValueSource
from ecociv.monitoring.models import MonitoringRun, RunState
from ecociv.monitoring.tests.conftest import random_world, write_air, write_stations


@pytest.fixture(autouse=True)
def inline_runs(settings, tmp_path):
    # The test transaction is invisible to another thread: run the evaluation inline here (the
    # browser test runs it in the real background thread).
    settings.MONITORING_THREADS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def _files(tmp_path, stations=None):
    _s, rows = random_world()
    st = write_stations(tmp_path / "stations.csv", stations or {"A1": "870121", "A2": "870121", "B1": "870121"})
    rows = [r for r in rows if r[0] != "B2"]
    # One row the page must list with its number (header = row 1) and reason.
    rows.append(["A1", "2026-02-30 00:00", "5", "20", "0.5", "60", "40", "abc"])
    air = write_air(tmp_path / "air.csv", rows)
    _files.bad_row = len(rows) + 1
    return (SimpleUploadedFile("站点.csv", st.read_bytes()), SimpleUploadedFile("小时数据.csv", air.read_bytes()))


def _upload(client, tmp_path, region="870121", **kw):
    st, data = _files(tmp_path, **kw)
    return client.post(reverse("monitoring:index"), {"kind": "air", "region": region, "level": "region",
                                                      "engine": "duckdb", "standard": "", "stations": st, "data": data})


def test_an_administrator_uploads_sees_results_downloads_and_feeds(client, world, tmp_path):
    world.login(client, world.admin)
    resp = _upload(client, tmp_path)
    run = MonitoringRun.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("monitoring:run", args=[run.pk])
    assert run.state == RunState.DONE, run.error
    assert [f["name"] for f in run.files] == ["站点.csv", "小时数据.csv"]
    page = client.get(resp["Location"]).content.decode()
    assert "优良天数比例" in page and "甲县" in page and "levels-data" in page
    assert "未使用的数据行（1 行）" in page and f'<td class="num">{_files.bad_row}</td>' in page
    assert run.bad_rows[0][0] == _files.bad_row and "PM2.5" in run.bad_rows[0][1]
    daily = client.get(reverse("monitoring:daily", args=[run.pk]))
    assert daily.status_code == 200 and b"id,date,SO2" in b"".join(daily.streaming_content)
    assert client.get(reverse("monitoring:errors", args=[run.pk])).status_code == 200
    resp = client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026", "base_year": ""}, follow=True)
    assert "新增 1 条" in resp.content.decode()
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__code="7.1")
    assert v.source == ValueSource.COMPUTED and v.lineage["run"] == run.pk
    assert v.lineage["inputs"][1] == {"name": "小时数据.csv", "sha256": run.files[1]["sha256"], "role": "data"}


def test_another_county_sees_404_and_a_viewer_403(client, world, tmp_path):
    world.login(client, world.admin)
    _upload(client, tmp_path)
    run = MonitoringRun.objects.get()
    client.logout()
    world.login(client, world.other_admin)
    for name in ("run", "run_status", "daily", "errors"):
        assert client.get(reverse(f"monitoring:{name}", args=[run.pk])).status_code == 404
    assert client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}).status_code == 404
    assert client.get(reverse("monitoring:index")).content.decode().count(f"#{run.pk}<") == 0
    client.logout()
    world.login(client, world.viewer)
    assert client.get(reverse("monitoring:run", args=[run.pk])).status_code == 200
    assert client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}).status_code == 403
    assert _upload(client, tmp_path).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_a_county_cannot_upload_for_another_county_nor_feed_its_stations(client, world, tmp_path):
    world.login(client, world.admin)
    assert _upload(client, tmp_path, region="870122").status_code == 404
    # A file of 甲县 whose stations lie in 乙县: evaluated, but feeding it is refused.
    _upload(client, tmp_path, stations={"A1": "870122", "A2": "870122", "B1": "870122"})
    run = MonitoringRun.objects.get()
    assert client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_unknown_region_codes_are_named_on_the_page(client, world, tmp_path):
    world.login(client, world.admin)
    _upload(client, tmp_path, stations={"A1": "R1", "A2": "R1", "B1": "870121"})
    run = MonitoringRun.objects.get()
    resp = client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}, follow=True)
    assert "行政区划代码：R1" in resp.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_before_any_run(client, world, tmp_path):
    world.login(client, world.admin)
    st, _data = _files(tmp_path)
    fake = SimpleUploadedFile("data.xlsx", b"station,time\n")
    resp = client.post(reverse("monitoring:index"), {"kind": "air", "region": "870121", "level": "region",
                                                      "engine": "duckdb", "stations": st, "data": fake})
    assert "不是有效的 Excel" in resp.content.decode() and not MonitoringRun.objects.exists()
    bad = SimpleUploadedFile("data.csv", b"station,time\n\xff\xfe\x80,2025-01-01 00:00\n")
    st.seek(0)
    resp = client.post(reverse("monitoring:index"), {"kind": "air", "region": "870121", "level": "region",
                                                      "engine": "duckdb", "stations": st, "data": bad})
    assert "既不是 UTF-8 也不是 GB18030" in resp.content.decode() and not MonitoringRun.objects.exists()


def test_csv_files_saved_by_a_chinese_excel_are_accepted(client, world, tmp_path):
    """GB18030, as Excel saves "CSV (逗号分隔)" on a Chinese Windows."""
    world.login(client, world.admin)
    st, data = _files(tmp_path)
    recode = lambda f: SimpleUploadedFile(f.name, f.read().decode("utf-8").encode("gb18030"))  # noqa: E731
    resp = client.post(reverse("monitoring:index"), {"kind": "air", "region": "870121", "level": "region",
                                                      "engine": "duckdb", "standard": "",
                                                      "stations": recode(st), "data": recode(data)})
    run = MonitoringRun.objects.get()
    assert resp.status_code == 302 and run.state == RunState.DONE, run.error
    assert run.results["rows"] and run.bad_row_count == 1


def test_a_run_with_a_broken_file_fails_with_the_reason(client, world, tmp_path):
    world.login(client, world.admin)
    st, _data = _files(tmp_path)
    data = SimpleUploadedFile("data.csv", b"station,time,SO2\nA1,2026-01-01 00:00,5\n")
    resp = client.post(reverse("monitoring:index"), {"kind": "air", "region": "870121", "level": "region",
                                                      "engine": "duckdb", "stations": st, "data": data}, follow=True)
    run = MonitoringRun.objects.get()
    assert run.state == RunState.FAILED and "缺少列" in resp.content.decode()


def test_water_upload_and_feed_with_a_base_year(client, world, tmp_path):
    from ecociv.monitoring.tests.test_feed_values import WATER

    world.login(client, world.admin)
    client.post(reverse("monitoring:index"), {"kind": "water", "region": "870121",
                                              "data": SimpleUploadedFile("水质.csv", WATER.encode())})
    run = MonitoringRun.objects.get()
    page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert "达到或优于Ⅲ类比例" in page and "S2" in page
    resp = client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026"}, follow=True)
    assert "须填写基准年" in resp.content.decode() or "请指定基准年" in resp.content.decode()
    client.post(reverse("monitoring:feed", args=[run.pk]), {"year": "2026", "base_year": "2025"})
    assert set(IndicatorValue.objects.values_list("indicator__code", flat=True)) == {"8.1", "8.2"}


def test_the_status_card_asks_the_page_to_reload_once_the_run_has_ended(client, world, tmp_path):
    world.login(client, world.admin)
    _upload(client, tmp_path)
    run = MonitoringRun.objects.get()
    resp = client.get(reverse("monitoring:run_status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert resp["HX-Refresh"] == "true" and "已完成" in resp.content.decode()
    MonitoringRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, stage="计算日均值与 AQI", step=3)
    resp = client.get(reverse("monitoring:run_status", args=[run.pk]), HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "HX-Refresh" not in resp and 'hx-trigger="every 1s"' in body and "计算日均值与 AQI" in body and "60%" in body
