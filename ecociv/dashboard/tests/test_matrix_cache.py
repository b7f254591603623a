import json
from decimal import Decimal

import pytest
from django.db import transaction

from ecociv.audit.actions import record
from ecociv.dashboard import queries
from ecociv.entry.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _status(data, region, code):
    """The status the page shows in the region's row and the indicator's column."""
    y = [r.pk for r in data["rows"]].index(region.pk)
    x = [c["code"] for c in data["columns"]].index(code)
    chart = json.loads(data["chart_json"])
    cell = next(c for c in chart["cells"] if (c[0], c[1]) == (x, y))
    return chart["statuses"][cell[2]][0]


def test_matrix_follows_every_change_despite_the_cache(world):
    queries._MATRIX_CACHE.clear()
    ind = world.standard.indicators.get(code="29")
    assert _status(queries.matrix(world.city_admin, world.city, 2025), world.county, "29") == "missing"
    v = IndicatorValue.objects.create(region=world.county, year=2025, indicator=ind, value=Decimal("90"),
                                      status="approved")
    assert _status(queries.matrix(world.city_admin, world.city, 2025), world.county, "29") == "met"
    # An edit that adds no row is still seen: every write leaves an audit row.
    with transaction.atomic():
        # (reopened, corrected, approved again: the model refuses to change a locked figure)
        IndicatorValue.objects.filter(pk=v.pk).update(status="returned")
        IndicatorValue.objects.filter(pk=v.pk).update(value=Decimal("70"))
        IndicatorValue.objects.filter(pk=v.pk).update(status="approved")
        record(user=world.admin, action="value.update", obj=v)
    assert _status(queries.matrix(world.city_admin, world.city, 2025), world.county, "29") == "not_met"


def test_cache_is_keyed_by_what_the_user_may_see(client, world):
    queries._MATRIX_CACHE.clear()
    full = queries.matrix(world.city_admin, world.city, 2025)
    mine = queries.matrix(world.admin, world.county, 2025)
    assert {r.pk for r in mine["rows"]} == {world.county.pk}
    assert len(full["rows"]) > len(mine["rows"])
