import pytest

from ecociv.accounts.models import User
from ecociv.audit.models import AuditLog
from ecociv.conftest import make_user
from ecociv.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(world):
    return make_user("sys", Role.SYSADMIN, None), make_user("sec", Role.SECADMIN, None)


def test_sysadmin_creates_and_secadmin_grants(client, world, admins):
    sys_, sec = admins
    client.force_login(sys_)
    resp = client.post("/accounts/users/", {"action": "create", "username": "new_filler", "display_name": "新人",
                                            "password": "Green#River2026"})
    assert resp.status_code == 302
    new = User.objects.get(username="new_filler")
    assert new.role == Role.VIEWER and new.region is None
    # The system administrator may not grant rights (三员分立).
    client.post(f"/accounts/users/{new.pk}/", {"action": "grant", "role": "filler", "region": "870121"})
    assert User.objects.get(pk=new.pk).role == Role.VIEWER
    client.force_login(sec)
    client.post(f"/accounts/users/{new.pk}/", {"action": "grant", "role": "filler", "region": "870121",
                                               "department": world.env_dept.pk})
    new.refresh_from_db()
    assert (new.role, new.region, new.department) == (Role.FILLER, world.county, world.env_dept)
    assert AuditLog.objects.filter(action="user.create", username="sys").exists()
    grant = AuditLog.objects.get(action="user.grant")
    assert grant.before["role"] == "viewer" and grant.after["role"] == "filler"


def test_weak_initial_password_is_refused_in_chinese(client, world, admins):
    client.force_login(admins[0])
    resp = client.post("/accounts/users/", {"action": "create", "username": "x", "password": "abcdefgh"}, follow=True)
    assert "至少三类" in resp.content.decode() and not User.objects.filter(username="x").exists()


def test_nobody_changes_their_own_rights(client, world, admins):
    sec = admins[1]
    client.force_login(sec)
    resp = client.post(f"/accounts/users/{sec.pk}/", {"action": "grant", "role": "admin", "region": "870100"},
                       follow=True)
    assert "不能修改自己" in resp.content.decode()
    assert User.objects.get(pk=sec.pk).role == Role.SECADMIN


def test_business_users_cannot_reach_account_admin(client, world):
    client.force_login(world.admin)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{world.filler.pk}/").status_code == 403


def test_disabled_account_cannot_log_in(client, world, admins):
    client.force_login(admins[0])
    client.post(f"/accounts/users/{world.filler.pk}/", {"action": "disable"})
    client.logout()
    from ecociv.conftest import PASSWORD

    resp = client.post("/accounts/login/", {"username": "jia_filler", "password": PASSWORD})
    assert resp.status_code == 200 and "不正确" in resp.content.decode()
