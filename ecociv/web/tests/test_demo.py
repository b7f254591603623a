import json
from io import StringIO

import pytest
from django.core.management import call_command

from ecociv.accounts.models import User
from ecociv.core.roles import Role
from ecociv.entry.models import IndicatorValue
from ecociv.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_builds_the_world_once(client):
    call_command("demo", "--quiet", stdout=StringIO())
    counts = Region.objects.count(), User.objects.count(), IndicatorValue.objects.count()
    call_command("demo", "--quiet", stdout=StringIO())
    assert (Region.objects.count(), User.objects.count(), IndicatorValue.objects.count()) == counts
    counties = Region.objects.filter(level="county")
    assert counties.count() == 3
    assert len({(c.terrain, c.coastal) for c in counties}) == 3  # different class attributes
    for county in counties:
        roles = set(User.objects.filter(region=county).values_list("role", flat=True))
        assert {Role.ADMIN, Role.FILLER, Role.REVIEWER, Role.LEADER, Role.VIEWER} <= roles
        assert county.departments.count() >= 30
    years = set(IndicatorValue.objects.values_list("year", flat=True))
    assert years == {2021, 2022, 2023, 2024, 2025}
    out = StringIO()
    call_command("regions", "list", "--json", stdout=out)
    assert all(len(r["code"]) in (6, 9, 12) for r in json.loads(out.getvalue()))


def test_home_page_renders_in_chinese(client):
    call_command("demo", "--quiet", stdout=StringIO())
    client.force_login(User.objects.get(username="linjiang_admin"))
    html = client.get("/").content.decode()
    assert "首页" in html and "指标体系" in html and "年" in html
