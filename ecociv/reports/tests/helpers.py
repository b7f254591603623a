"""Demo-like data for the fixture world: values for every leaf indicator of the 2019 catalogue
made the way `ecociv demo` makes them (its own value functions), a mix of approved, submitted
(待核实) and draft values, plus a few evidence names and tasks."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from ecociv.core.targets import select_target
from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.standards.models import Indicator, RegionStandard, Standard
from ecociv.web.demo import NUMERIC_RANGES, _numeric_value, _rng

TODAY = dt.date(2026, 11, 30)


def fill_values(region, years, *, by, pending_share: float = 0.15, missing_share: float = 0.06) -> int:
    standard = Standard.objects.get(code="national-2019")
    for y in years:
        RegionStandard.objects.get_or_create(region=region, year=y, defaults={"standard": standard})
    rc = region.as_class()
    rows = []
    leaves = [i for i in Indicator.objects.filter(standard=standard).prefetch_related("targets", "sub_items")
              .select_related("parent").order_by("order") if not i.sub_items.exists()]
    last = max(years)
    for ind in leaves:
        spec = select_target(ind.target_specs(), rc)
        for year in years:
            if year == last and _rng(region.code, ind.code, "gap").random() < missing_share:
                continue
            value = achieved = None
            if (spec is not None and spec.op != "text") or ind.code in NUMERIC_RANGES:
                value = _numeric_value(ind, spec, region, year)
            if spec is None or spec.op == "text":
                achieved = _rng(region.code, ind.code, year, "ok").random() > 0.1
            status = ValueStatus.APPROVED
            if year == last and _rng(region.code, ind.code, "st").random() < pending_share:
                status = ValueStatus.SUBMITTED
            rows.append(IndicatorValue(region=region, year=year, indicator=ind, value=value, achieved=achieved,
                                       status=status, source=ValueSource.DEMO, updated_by=by, note="测试数据"))
    IndicatorValue.objects.bulk_create(rows)
    return len(rows)


def docx_text(data: bytes) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """(style name, text) of every body paragraph, and every table's rows, read back with python-docx."""
    import docx

    d = docx.Document(io.BytesIO(data))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paras, tables


def docx_xml(data: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(part).decode("utf-8")


NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
