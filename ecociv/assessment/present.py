"""How the assessment pages and the dashboard pick a year and show a result's value: shared by
both, and owned here because the dashboard reads the assessment, never the reverse."""
from __future__ import annotations

import datetime as dt

from django.db.models import Max

from ecociv.assessment.engine import IndicatorResult
from ecociv.core.targets import format_decimal
from ecociv.entry.models import IndicatorValue
from ecociv.regions.models import Level
from ecociv.regions.scope import visible_regions

ASSESSED_LEVELS = (Level.CITY, Level.COUNTY)


def default_year(user) -> int:
    latest = IndicatorValue.objects.filter(region__in=visible_regions(user)).aggregate(y=Max("year"))["y"]
    return latest or dt.date.today().year


def year_choices(user, year: int) -> list[int]:
    years = set(IndicatorValue.objects.filter(region__in=visible_regions(user)).values_list("year", flat=True)
                .distinct())
    years.add(year)
    return sorted(years, reverse=True)


def value_text(r: IndicatorResult) -> str:
    if r.sub_items:
        return "见分项"
    if r.value is not None:
        unit = r.indicator.unit if r.indicator.unit not in ("-", "%/-") else ""
        return f"{format_decimal(r.value)}{unit}"
    if r.achieved is not None:
        return "已完成" if r.achieved else "未完成"
    return "—"


def value_cell(r: IndicatorResult):
    """The value as an export stores it: the number itself (the unit goes in its own column),
    or the text a qualitative or composite indicator shows."""
    if r.sub_items:
        return "见分项"
    if r.value is not None:
        return r.value
    if r.achieved is not None:
        return "已完成" if r.achieved else "未完成"
    return ""


def unit_text(r: IndicatorResult) -> str:
    return r.indicator.unit if r.indicator.unit not in ("-", "%/-") else ""
