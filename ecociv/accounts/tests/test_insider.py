"""三员分立 against one insider, walked from outside: the system administrator tries to become the
security administrator (reset their password, log in as them, grant itself a region) and fails
at the first step; a reset or expired password blocks every page and API call until changed,
and ends the account's sessions and tokens; a new password differs from the last few."""
import io

import pytest
from django.core.management import call_command
from django.test import Client

from ecociv.accounts.models import ApiToken, User
from ecociv.audit.models import AuditLog
from ecociv.conftest import PASSWORD, make_user
from ecociv.core.roles import Role

pytestmark = pytest.mark.django_db

NEW = "Green#River2026"


@pytest.fixture
def admins(world):
    return make_user("sys", Role.SYSADMIN, None), make_user("sec", Role.SECADMIN, None)


def login(client, username, password=PASSWORD):
    resp = client.post("/accounts/login/", {"username": username, "password": password})
    assert resp.status_code == 302, resp.content.decode()[:500]
    return client


def test_the_escalation_chain_fails_at_its_first_step(client, world, admins):
    sys_, sec = admins
    login(client, "sys")
    # Step 1: reset the security administrator's password — refused, nothing changed.
    resp = client.post(f"/accounts/users/{sec.pk}/", {"action": "reset", "password": NEW}, follow=True)
    assert "管理员账户的密码不能由其他管理员重置" in resp.content.decode() or resp.status_code == 403
    sec.refresh_from_db()
    assert sec.check_password(PASSWORD) and not sec.password_change_required
    assert not AuditLog.objects.filter(action="user.reset_password").exists()
    # Step 2: so it cannot log in as them.
    assert Client().post("/accounts/login/", {"username": "sec", "password": NEW}).status_code != 302
    # Step 3: nor grant itself a region, nor read business data.
    client.post(f"/accounts/users/{sys_.pk}/", {"action": "grant", "role": "admin", "region": "870121"})
    sys_.refresh_from_db()
    assert sys_.role == Role.SYSADMIN and sys_.region is None
    assert client.get("/regions/870121/").status_code == 404
    assert client.get("/api/v1/regions/870121").status_code == 404


def test_even_if_a_reset_happened_the_account_and_token_pages_wait_for_the_change(world, admins):
    """The second half of the chain, were step 1 done by the server operator: the reset account
    reaches nothing — not the account admin pages, not the token page, not the API — before
    setting its own password."""
    assert admins
    target = world.admin  # an ordinary account the system administrator may reset
    victim = login(Client(), target.username)
    _, token = _token(target.username, "write")
    assert victim.get("/accounts/me/").status_code == 200

    admin = login(Client(), "sys")
    admin.post(f"/accounts/users/{target.pk}/", {"action": "reset", "password": NEW})
    target.refresh_from_db()
    assert target.password_change_required == "reset"
    # The old session is gone, the token revoked (each revocation audited).
    assert victim.get("/regions/").status_code == 302 and "/accounts/login/" in victim.get("/regions/")["Location"]
    assert Client().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert ApiToken.objects.get(user=target).revoked_at is not None
    assert AuditLog.objects.filter(action="token.revoke", object_id=str(ApiToken.objects.get(user=target).pk)).exists()

    # Whoever logs in with the reset password reaches only the change page.
    as_target = login(Client(), target.username, NEW)
    for path in ["/", "/regions/", "/accounts/me/", "/accounts/users/", "/audit/", "/api/v1/regions/"]:
        resp = as_target.get(path)
        assert resp.status_code in (302, 403), path
        if resp.status_code == 302:
            assert resp["Location"] == "/accounts/password/", path
    assert as_target.post("/accounts/me/", {"action": "token"}).status_code == 302
    assert ApiToken.objects.filter(user=target, revoked_at__isnull=True).count() == 0
    html = as_target.get("/accounts/password/").content.decode()
    assert "管理员已重置您的密码" in html and "已过期" not in html and "超过有效期" not in html

    # The same password again is refused, in Chinese, with the field named in Chinese.
    html = visible(as_target.post("/accounts/password/", {"old_password": NEW, "new_password1": NEW,
                                                          "new_password2": NEW}).content.decode())
    assert "确认新密码：新密码不能与当前密码或最近 5 次" in html and "new_password" not in html
    # An earlier one too (the last few are kept).
    html = as_target.post("/accounts/password/", {"old_password": NEW, "new_password1": PASSWORD,
                                                  "new_password2": PASSWORD}).content.decode()
    assert "不能与当前密码或最近" in html
    resp = as_target.post("/accounts/password/", {"old_password": NEW, "new_password1": "Blue#Lake20261",
                                                  "new_password2": "Blue#Lake20261"})
    assert resp.status_code == 302
    assert as_target.get("/regions/").status_code == 200


def test_a_new_account_is_asked_to_set_its_own_password_not_told_it_expired(client, world, admins):
    login(client, "sys")
    client.post("/accounts/users/", {"action": "create", "username": "newbie", "password": NEW})
    c = login(Client(), "newbie", NEW)
    assert c.get("/").status_code == 302
    html = c.get("/accounts/password/").content.decode()
    assert "第一次登录" in html and "超过" not in html and "过期" not in html


def test_django_password_messages_are_in_chinese(client, world):
    login(client, world.filler.username)
    html = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Ab1!",
                                               "new_password2": "Ab1!x"}).content.decode()
    assert "密码太短" in html or "不一致" in html
    html = visible(client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Ab1!",
                                                       "new_password2": "Ab1!"}).content.decode())
    assert "密码太短：至少 8 位" in html
    for english in ("This password", "too short", "new_password", "old_password"):
        assert english not in html


def test_an_expired_password_blocks_the_api_session_and_tokens(client, world):
    import datetime as dt

    from django.utils import timezone

    _, token = _token(world.admin.username, "read")
    User.objects.filter(pk=world.admin.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    resp = Client().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 401 and "修改密码" in resp.json()["detail"]
    c = login(Client(), world.admin.username)
    assert c.get("/api/v1/regions/").status_code == 403
    assert c.get("/accounts/me/").status_code == 302
    assert "超过 90 天未修改" in c.get("/accounts/password/").content.decode()


def visible(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html)


def _token(username, scope):
    out = io.StringIO()
    call_command("token", "create", username, "--scope", scope, stdout=out)
    return out.getvalue(), out.getvalue().strip().splitlines()[-1]
