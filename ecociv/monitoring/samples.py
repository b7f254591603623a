"""Small fictional monitoring files shipped in the package (data/samples, made by
scripts/make_monitoring_samples.py), offered on the 监测数据 page so a county office can see the
file layout and try an evaluation with one click. The files name a demo region; whoever downloads
or uses them gets the chosen region's code in the region column instead."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

DIR = Path(__file__).resolve().parent / "data" / "samples"


@dataclass(frozen=True)
class Sample:
    name: str      # file name in data/samples
    label: str     # what the page calls it
    kind: str      # air | water
    role: str      # the upload field it fills: stations | data


SAMPLES = [
    Sample("air-stations.csv", "空气站点文件（2 个站点）", "air", "stations"),
    Sample("air-hourly-2025.csv", "空气小时数据（2025 年全年）", "air", "data"),
    Sample("water-2024-2025.csv", "地表水监测数据（4 个断面，2024—2025 年逐月）", "water", "data"),
]
BY_NAME = {s.name: s for s in SAMPLES}


def content(name: str, region_code: str | None = None) -> bytes:
    """The sample file, with every row's region column set to `region_code` when given."""
    raw = (DIR / name).read_bytes()
    if not region_code:
        return raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if "region" not in rows[0]:  # hourly data name stations, not regions
        return raw
    col = rows[0].index("region")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        r[col] = region_code
        w.writerow(r)
    return out.getvalue().encode("utf-8")


def uploads(kind: str, region_code: str) -> dict[str, SimpleUploadedFile]:
    """The sample files of one kind as uploads by role, ready for the page's own upload path."""
    return {s.role: SimpleUploadedFile(s.name, content(s.name, region_code), content_type="text/csv")
            for s in SAMPLES if s.kind == kind}
