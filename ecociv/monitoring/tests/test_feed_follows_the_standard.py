"""The monitoring feed writes into the catalogue in force for the region-year — the one the
assessment reads — including when the standard is the parent city's choice, with the indicator
codes of that catalogue (data: monitoring/data/indicator-map.yaml)."""
from decimal import Decimal

import pytest

from ecociv.assessment.engine import assess
from ecociv.entry.models import IndicatorValue
from ecociv.monitoring.feed import FeedError, indicator_map
from ecociv.monitoring.tests.test_feed_values import _feed, coded_files  # noqa: F401 (fixture)
from ecociv.standards.actions import choose_standard
from ecociv.standards.models import Standard

pytestmark = pytest.mark.django_db


def test_a_parent_citys_choice_moves_the_fed_values_into_its_catalogue(world, coded_files):  # noqa: F811
    std = Standard.objects.get(code="national-2024-city")
    choose_standard(world.city, 2026, std, by=world.city_admin)  # the county has no choice of its own
    res, _run, _out = _feed(coded_files, world.city_admin)
    r = next(x for x in res.results if x["id"] == "870121" and x["year"] == 2026)
    v = IndicatorValue.objects.get(region=world.county, year=2026, indicator__standard=std, indicator__code="4.1")
    assert v.value == Decimal(str(r["good_rate"]))
    assert v.lineage["standard"] == "national-2024-city"
    assert not IndicatorValue.objects.filter(indicator__standard=world.standard).exists()
    # …where the assessment of the county looks.
    a = assess(world.county, 2026)
    assert a.standard == std
    assert next(x for x in a.rows() if x.code == "4.1").value == v.value


def test_a_catalogue_without_a_mapped_indicator_refuses_the_feed_by_name(world, coded_files):  # noqa: F811
    std = Standard.objects.get(code="national-2016-county")
    assert "national-2016-county" not in indicator_map()
    choose_standard(world.city, 2026, std, by=world.city_admin)
    with pytest.raises(FeedError, match="甲县 2026年.*未写入任何数值"):
        _feed(coded_files, world.city_admin)
    assert not IndicatorValue.objects.exists()


def test_without_any_choice_it_is_the_2019_catalogue(world, coded_files):  # noqa: F811
    _feed(coded_files, world.city_admin)
    assert IndicatorValue.objects.filter(indicator__standard=world.standard, indicator__code="7.1").count() == 2
