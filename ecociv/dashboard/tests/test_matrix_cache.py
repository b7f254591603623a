from decimal import Decimal

import pytest
from django.db import transaction

from ecociv.audit.actions import record
from ecociv.dashboard import queries
from ecociv.entry.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _status(data, region, code):
    a = next(a for a in data["assessments"] if a.region.pk == region.pk)
    return next(r.status for r in a.indicators if r.code == code)


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
    assert {a.region.pk for a in mine["assessments"]} == {world.county.pk}
    assert len(full["assessments"]) > len(mine["assessments"])
