"""A monitoring run's life: checked uploads stored by content, the evaluation in a background
thread (CONVENTIONS: in-process threads, no Celery) with its stage written to the run, and
feeding a finished run's results into the indicators (the page and the commands share it)."""
from __future__ import annotations

import csv
import hashlib
import logging
import threading
import zipfile
from codecs import getincrementaldecoder
from pathlib import Path, PurePath

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ecociv.core.background import start_thread
from ecociv.monitoring.actions import create_run, feed_values, finish_run
from ecociv.monitoring.engine.ingest import InputError
from ecociv.monitoring.feed import FeedError, air_values, input_refs, water_values
from ecociv.monitoring.models import MonitoringRun, RunKind, RunState
from ecociv.monitoring.stored import stored_path

log = logging.getLogger(__name__)

SUFFIXES = {"stations": (".csv", ".xlsx", ".parquet"), "data": (".csv", ".xlsx", ".parquet")}
WATER_SUFFIXES = (".csv", ".xlsx")
SHOWN_BAD_ROWS = 200
WATER_STANDARD = "GB 3838-2002 / 地表水环境质量评价办法（试行）2011"
# DuckDB already uses every core: two evaluations at once would each take twice as long and
# hold twice the memory, so runs queue for one slot (state 排队中 until they get it).
_SLOT = threading.BoundedSemaphore(1)


class UploadError(ValueError):
    pass


def max_upload_bytes() -> int:
    # A year of hourly data for one county's ~10 stations is ~5 MB of CSV; a province's Parquet
    # stays well under this. Larger jobs belong to the command line (`ecociv air-eval`).
    return int(getattr(settings, "MONITORING_UPLOAD_MAX_MB", 500)) * 1024 * 1024


def run_dir(run: MonitoringRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "monitoring" / f"run-{run.pk}"


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def check_upload(f, label: str, suffixes=SUFFIXES["data"]) -> str:
    """The suffix the engine will dispatch on, after checking that the content is what the name
    says (an .xlsx is a zip with a workbook, a Parquet file has its magic at both ends, a CSV is
    UTF-8 or GB18030 text): a wrong file should fail here with its name, not deep inside the engine."""
    if f is None:
        raise UploadError(f"请选择{label}")
    suffix = PurePath(f.name).suffix.lower()
    if suffix not in suffixes:
        raise UploadError(f"{label}“{f.name}”的类型不支持，请使用 {'、'.join(s[1:] for s in suffixes)}")
    if f.size > max_upload_bytes():
        raise UploadError(f"{label}“{f.name}”超过 {max_upload_bytes() // 1024 // 1024} MB；更大的文件请用命令 ecociv air-eval")
    if f.size == 0:
        raise UploadError(f"{label}“{f.name}”是空文件")
    f.seek(0)
    head = f.read(65536)
    if suffix == ".xlsx":
        ok = head.startswith(b"PK\x03\x04")
        if ok:
            f.seek(0)
            try:
                ok = "xl/workbook.xml" in zipfile.ZipFile(f).namelist()
            except zipfile.BadZipFile:
                ok = False
        if not ok:
            raise UploadError(f"{label}“{f.name}”不是有效的 Excel（.xlsx）文件")
    elif suffix == ".parquet":
        f.seek(max(f.size - 4, 0))
        if not (head.startswith(b"PAR1") and f.read(4) == b"PAR1"):
            raise UploadError(f"{label}“{f.name}”不是有效的 Parquet 文件")
    else:
        # UTF-8, or GB18030 as a Chinese Excel saves "CSV (逗号分隔)": the engine reads both.
        if not any(_decodes(head, enc) for enc in ("utf-8", "gb18030")):
            raise UploadError(f"{label}“{f.name}”既不是 UTF-8 也不是 GB18030 编码的 CSV")
        if b"\x00" in head:
            raise UploadError(f"{label}“{f.name}”不是文本文件")
    f.seek(0)
    _check_rows(f, label, suffix)
    f.seek(0)
    return suffix


def max_rows() -> int:
    return int(getattr(settings, "MONITORING_MAX_ROWS", 2_000_000))


def _count_rows(f, suffix: str, limit: int) -> int:
    """Data rows (header excluded), counted without loading the file; stops past the limit."""
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(f).metadata.num_rows
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(f, read_only=True)
        try:
            n = 0
            for ws in wb.worksheets[:1]:  # the engine reads the first sheet
                for _row in ws.iter_rows(values_only=True):
                    n += 1
                    if n > limit + 1:
                        break
            return max(n - 1, 0)
        finally:
            wb.close()
    lines, last = 0, b"\n"
    for chunk in f.chunks():
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if lines > limit + 1:
            break
    return max(lines + (last != b"\n") - 1, 0)


def _check_rows(f, label: str, suffix: str) -> None:
    limit = max_rows()
    n = _count_rows(f, suffix, limit)
    if n > limit:
        raise UploadError(f"{label}“{f.name}”的数据超过 {limit:,} 行的上限（MONITORING_MAX_ROWS）；"
                          "请拆分后上传，更大的数据请用命令 ecociv air-eval")


def store_upload(role: str, f, suffix: str) -> dict:
    """Content-addressed like evidence files: the stored name is the sha256 plus the checked
    suffix (the engine dispatches on it), never the user's file name, which is kept as data."""
    d = Path(settings.MEDIA_ROOT) / "monitoring" / "files"
    d.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    tmp = d / f".upload-{threading.get_ident()}-{id(f)}"
    with open(tmp, "wb") as out:
        for chunk in f.chunks():
            h.update(chunk)
            out.write(chunk)
    path = d / f"{h.hexdigest()}{suffix}"
    tmp.replace(path)
    # Kept relative to MEDIA_ROOT, so a backup restored on another server (another MEDIA_ROOT)
    # still finds its files; `stored_path` reads it back.
    return {"role": role, "name": PurePath(f.name).name[:200],
            "path": path.relative_to(settings.MEDIA_ROOT).as_posix(), "size": f.size, "sha256": h.hexdigest()}


def start(run: MonitoringRun) -> None:
    if getattr(settings, "MONITORING_THREADS", True):
        # The ticker beats from the moment the thread exists: a run waiting for the slot (排队中)
        # behind a long one is alive too, and must not be shown as interrupted.
        start_thread(execute, run.pk, name=f"monitoring-run-{run.pk}", beat=(MonitoringRun, run.pk))
    else:
        execute(run.pk)


def _path(run: MonitoringRun, role: str) -> str:
    return str(stored_path(next(f for f in run.files if f["role"] == role)))


def execute(run_id: int) -> None:
    with _SLOT:
        def progress(msg: str) -> None:
            MonitoringRun.objects.filter(pk=run_id).update(stage=msg[:100], step=F("step") + 1,
                                                           heartbeat=timezone.now())

        fields = {"state": RunState.DONE, "stage": "完成"}
        try:
            run = MonitoringRun.objects.get(pk=run_id)
            now = timezone.now()
            MonitoringRun.objects.filter(pk=run_id).update(state=RunState.RUNNING, started_at=now, heartbeat=now,
                                                           stage="开始计算")
            if run.kind == RunKind.AIR:
                fields.update(_air(run, progress))
            else:
                fields.update(_water(run, progress))
        except (InputError, ValueError, FileNotFoundError) as exc:
            fields = {"state": RunState.FAILED, "stage": "失败", "error": str(exc)}
        except Exception as exc:
            log.exception("monitoring run %s failed", run_id)
            fields = {"state": RunState.FAILED, "stage": "失败", "error": f"内部错误：{type(exc).__name__}: {exc}"}
        finish_run(run_id, fields)





def _write_bad_rows(run: MonitoringRun, bad) -> None:
    run_dir(run).mkdir(parents=True, exist_ok=True)
    with open(run_dir(run) / "errors.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["行号", "原因"])
        w.writerows((b.row, b.reason) for b in bad)


def _air(run: MonitoringRun, progress) -> dict:
    from ecociv.monitoring.engine.api import evaluate_air

    p = run.parameters
    run_dir(run).mkdir(parents=True, exist_ok=True)
    MonitoringRun.objects.filter(pk=run.pk).update(steps=5 + (p.get("engine") == "spark"))
    res = evaluate_air(_path(run, "stations"), _path(run, "data"), level=p.get("level", "region"),
                       engine=p.get("engine", "duckdb"), standard=p.get("standard") or None,
                       daily_out=run_dir(run) / "daily.csv", progress=progress)
    _write_bad_rows(run, res.bad_rows)
    return {"results": {"rows": res.results, "rulesets": res.rulesets, "engine": res.engine,
                        "engine_version": res.engine_version, "rows_used": res.rows_used,
                        "daily": bool(res.daily_path)},
            "bad_rows": [[b.row, b.reason] for b in res.bad_rows[:SHOWN_BAD_ROWS]],
            "bad_row_count": res.bad_row_count}


def _water(run: MonitoringRun, progress) -> dict:
    from ecociv.monitoring.engine.water import WATER_ENGINE_VERSION, evaluate_water

    MonitoringRun.objects.filter(pk=run.pk).update(steps=1)
    progress("读取并评价水质数据")
    res = evaluate_water(_path(run, "data"))
    _write_bad_rows(run, res["bad_rows"])
    return {"results": {"sections": res["sections"], "regions": res["regions"], "rulesets": [WATER_STANDARD],
                        "engine": "duckdb", "engine_version": WATER_ENGINE_VERSION},
            "bad_rows": [[b.row, b.reason] for b in res["bad_rows"][:SHOWN_BAD_ROWS]],
            "bad_row_count": len(res["bad_rows"])}


def result_rows(run: MonitoringRun) -> list[dict]:
    return run.results.get("rows" if run.kind == RunKind.AIR else "regions", [])


def stored_results(kind: str, year: int, *, exclude: int | None = None) -> list[dict]:
    """Region results for `year` from earlier finished runs, newest first, each tagged with the
    run and files it came from (written into the lineage of a change indicator)."""
    out = []
    for run in MonitoringRun.objects.filter(kind=kind, state=RunState.DONE).exclude(pk=exclude).order_by("-created_at", "-pk"):
        if kind == RunKind.AIR and run.parameters.get("level") != "region":
            continue
        for r in result_rows(run):
            if r.get("year") == year:
                out.append({**r, "_from": {"run": run.pk, "inputs": input_refs(run.files)}})
    return out


def feed_run(run: MonitoringRun, *, by, year: int, base_year: int | None = None) -> dict:
    """The one path from a finished run to indicator values (page button and `--feed`)."""
    if run.state != RunState.DONE:
        raise FeedError("评价尚未完成，不能写入指标")
    if run.kind == RunKind.AIR and run.parameters.get("level") != "region":
        raise FeedError("按站点统计的结果不能写入指标：请按地区统计（站点文件的 region 列为区划代码）")
    if base_year is not None and base_year >= year:
        raise FeedError(f"基准年（{base_year}）应早于评价年度（{year}）")
    rows = result_rows(run)
    if not any(r.get("year") == year for r in rows):
        years = "、".join(str(y) for y in sorted({r["year"] for r in rows})) or "无"
        raise FeedError(f"评价结果中没有 {year} 年的数据（结果中的年度：{years}）")
    lineage = {"inputs": input_refs(run.files), "engine": run.results.get("engine"),
               "engine_version": run.results.get("engine_version"), "parameters": run.parameters,
               "rule_sets": run.results.get("rulesets")}
    base = stored_results(run.kind, base_year, exclude=run.pk) if base_year else None
    make = air_values if run.kind == RunKind.AIR else water_values
    values = make(rows, year=year, lineage=lineage, base_year=base_year, base_results=base)
    if not values:
        raise FeedError(f"{year} 年没有可写入的指标数值")
    return feed_values(values, by=by, run=run)


def feed_from_command(*, by, kind: str, inputs: list[dict], parameters: dict, results: dict, year: int,
                      base_year: int | None = None) -> tuple[MonitoringRun, dict]:
    """`--feed` of the commands: the evaluation is recorded as a finished run (so its lineage and
    its figures, as a later base year, are kept like a page upload's), then fed as the page does."""
    files = [{"role": i.get("role", ""), "name": PurePath(i["path"]).name, "path": str(Path(i["path"]).resolve()),
              "size": Path(i["path"]).stat().st_size, "sha256": i["sha256"]} for i in inputs]
    run = create_run(by=by, region=by.region, kind=kind, files=files, parameters=parameters, state=RunState.DONE)
    finish_run(run.pk, {"results": results, "stage": "完成"}, started_at=run.created_at)
    run.refresh_from_db()
    return run, feed_run(run, by=by, year=year, base_year=base_year)
