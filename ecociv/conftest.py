"""The shared fixture world: 示例省 → 示例市 → two counties, three departments, a filler, a
reviewer, an administrator, and the national-2019 catalogue (loaded once per test database)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("AXES_ENABLED", "1")

PASSWORD = "Test@2026pass"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from ecociv.accounts.system import system_user
    from ecociv.standards.actions import load_standard
    from ecociv.standards.loader import BUILTIN_FILES, DATA_DIR, parse_file

    with django_db_blocker.unblock():
        from ecociv.standards.models import Standard

        if not Standard.objects.filter(code="national-2019").exists():
            user = system_user()
            for f in BUILTIN_FILES:
                for data in parse_file(DATA_DIR / f):
                    load_standard(data, by=user)


@dataclass
class World:
    province: object
    city: object
    county: object
    other_county: object
    town: object
    env_dept: object
    housing_dept: object
    other_dept: object
    admin: object
    filler: object
    reviewer: object
    other_admin: object
    viewer: object
    city_admin: object
    standard: object

    def login(self, client, user):
        client.force_login(user)
        return client


def make_user(username, role, region, department=None, **extra):
    from ecociv.accounts.models import User

    user = User(username=username, role=role, region=region, department=department, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(db):
    from ecociv.accounts.models import Department, Role
    from ecociv.regions.models import Region, RegionLink
    from ecociv.standards.models import Standard

    def region(parent, **kw):
        r = Region.objects.create(parent=parent, **kw)
        if parent:
            RegionLink.objects.create(child=r, parent=parent)
        return r

    province = region(None, code="870000", name="示例省", level="province", zone="central")
    city = region(province, code="870100", name="示例市", level="city", admin_class="city", zone="central",
                  terrain="hill")
    county = region(city, code="870121", name="甲县", level="county", admin_class="county", zone="central",
                    terrain="mountain")
    other = region(city, code="870122", name="乙县", level="county", admin_class="county", zone="central",
                   terrain="plain", coastal=True)
    town = region(county, code="870121001", name="甲镇", level="town")
    env = Department.objects.create(region=county, name="生态环境局")
    housing = Department.objects.create(region=county, name="住房和城乡建设局")
    other_dept = Department.objects.create(region=other, name="生态环境局")
    return World(
        province=province, city=city, county=county, other_county=other, town=town,
        env_dept=env, housing_dept=housing, other_dept=other_dept,
        admin=make_user("jia_admin", Role.ADMIN, county, env),
        filler=make_user("jia_filler", Role.FILLER, county, env),
        reviewer=make_user("jia_reviewer", Role.REVIEWER, county, env),
        other_admin=make_user("yi_admin", Role.ADMIN, other, other_dept),
        viewer=make_user("jia_viewer", Role.VIEWER, county, env),
        city_admin=make_user("city_admin", Role.ADMIN, city, None),
        standard=Standard.objects.get(code="national-2019"),
    )
