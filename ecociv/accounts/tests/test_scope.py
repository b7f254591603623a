"""Scope rules proved from outside, through HTTP, never by calling the helper."""
import hashlib

import pytest

from ecociv.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_region_page_of_another_county_is_404(client, world):
    client.force_login(world.admin)
    assert client.get("/regions/870121/").status_code == 200
    assert client.get("/regions/870122/").status_code == 404
    assert client.get("/regions/870100/").status_code == 404  # the parent is above the scope


def test_viewer_gets_403_on_edit_in_scope_and_404_outside(client, world):
    client.force_login(world.viewer)
    assert client.get("/regions/870121/edit/").status_code == 403
    assert client.get("/regions/870122/edit/").status_code == 404


def test_city_admin_sees_both_counties(client, world):
    client.force_login(world.city_admin)
    assert client.get("/regions/870122/").status_code == 200
    codes = [r["code"] for r in client.get("/api/v1/regions/").json()]
    assert set(codes) == {"870100", "870121", "870122", "870121001"}


def test_api_lists_only_the_scope(client, world):
    client.force_login(world.filler)
    codes = {r["code"] for r in client.get("/api/v1/regions/").json()}
    assert codes == {"870121", "870121001"}
    assert client.get("/api/v1/regions/870122").status_code == 404


def test_api_needs_authentication(client, world):
    assert client.get("/api/v1/regions/").status_code == 401


def test_api_token_auth_uses_the_same_scope(client, world):
    ApiToken.objects.create(user=world.other_admin, name="t", digest=hashlib.sha256(b"secret-token").hexdigest())
    resp = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Bearer secret-token")
    assert resp.status_code == 200 and {r["code"] for r in resp.json()} == {"870122"}
    assert client.get("/api/v1/regions/870121", HTTP_AUTHORIZATION="Bearer secret-token").status_code == 404
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_openapi_schema_is_published(client, world):
    client.force_login(world.viewer)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/regions/" in schema["paths"] and "/api/v1/standards/{code}" in schema["paths"]


def test_audit_page_is_closed_to_fillers(client, world):
    client.force_login(world.filler)
    assert client.get("/audit/").status_code == 403


def test_region_import_page_is_admin_only(client, world):
    client.force_login(world.filler)
    assert client.get("/regions/import/").status_code == 403


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
@pytest.mark.parametrize("attached", [False, True])
def test_system_roles_see_no_business_data(client, world, role, attached):
    """三员分立: the system roles administer accounts and read the audit log, nothing else —
    also when their account happens to be attached to a region."""
    from ecociv.conftest import make_user

    user = make_user(f"{role}_{attached}", role, world.county if attached else None)
    client.force_login(user)
    for url in ("/regions/870121/", "/standards/targets/870121/2024/", "/dashboard/region/870121/2024/",
                "/dashboard/matrix/870100/2024/", "/api/v1/regions/870121", "/api/v1/assessment/870121/2024"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/regions/").json() == []


def test_system_role_home_and_navigation_hold_no_business_modules(client, world):
    from ecociv.conftest import make_user

    client.force_login(make_user("sys_home", "sysadmin", None))
    html = client.get("/").content.decode()
    assert "三员分立" in html and "账户管理" in html
    for label in ("数据填报", "驾驶舱", "达标评估", "监测数据"):
        assert label not in html, label
