"""API tokens from outside: `ecociv token create` (the contract), Bearer writes without CSRF,
read/write scope, expiry, revocation, last-used time — each create and revoke audited."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ecociv.accounts.models import ApiToken
from ecociv.audit.models import AuditLog
from ecociv.entry.models import IndicatorValue

from .conftest import YEAR, item

pytestmark = pytest.mark.django_db


def create(*args) -> tuple[str, str]:
    out = io.StringIO()
    call_command("token", "create", *args, stdout=out)
    text = out.getvalue()
    return text, text.strip().splitlines()[-1]


def test_the_command_prints_the_token_alone_on_its_last_line_and_audits_it(world):
    text, token = create(world.filler.username, "--scope", "write", "--days", "7")
    assert len(token) >= 40 and " " not in token and token not in text.splitlines()[0]
    tok = ApiToken.objects.get(user=world.filler)
    assert tok.scope == "write" and tok.digest != token
    assert dt.timedelta(days=6) < tok.expires_at - timezone.now() <= dt.timedelta(days=7)
    row = AuditLog.objects.get(action="token.create")
    assert row.after["scope"] == "write" and row.after["user"] == world.filler.username and token not in str(row.after)


def test_a_write_token_saves_a_value_without_csrf_and_a_read_token_cannot(world, env_task):
    api = Client(enforce_csrf_checks=True)
    url = f"/api/v1/entry/tasks/{env_task.pk}/values/27"
    _, write = create(world.filler.username, "--scope", "write")
    _, read = create(world.filler.username)  # read is the default
    resp = api.post(url, {"value": "95", "note": "令牌写入"}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {read}")
    assert resp.status_code == 403 and "只读令牌" in resp.json()["detail"]
    assert not IndicatorValue.objects.filter(indicator=item(env_task, "27").indicator).exists()
    resp = api.post(url, {"value": "95", "note": "令牌写入"}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {write}")
    assert resp.status_code == 200, resp.content
    v = IndicatorValue.objects.get(indicator=item(env_task, "27").indicator, region=world.county, year=YEAR)
    assert v.value == 95 and v.note == "令牌写入"
    assert AuditLog.objects.filter(username=world.filler.username, object_id=str(v.pk)).exists()
    # The read token reads, and its use is recorded.
    assert api.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {read}").status_code == 200
    assert ApiToken.objects.get(scope="read").last_used_at is not None


def test_a_cookie_session_still_needs_csrf_for_writes(world, env_task):
    api = Client(enforce_csrf_checks=True)
    api.force_login(world.filler)
    resp = api.post(f"/api/v1/entry/tasks/{env_task.pk}/values/27", {"value": "95"}, content_type="application/json")
    assert resp.status_code == 403 and "CSRF" in resp.content.decode()


def test_expired_and_revoked_tokens_are_refused(client, world):
    _, token = create(world.admin.username, "--days", "1")
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    resp = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 401 and resp.json()["detail"] == "令牌已过期"

    _, token = create(world.admin.username)
    tok = ApiToken.objects.get(revoked_at__isnull=True, expires_at__gt=timezone.now())
    client.force_login(world.admin)
    client.post("/accounts/me/", {"action": "revoke", "id": tok.pk})
    client.logout()
    resp = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 401 and resp.json()["detail"] == "令牌已吊销"
    row = AuditLog.objects.get(action="token.revoke")
    assert row.before["revoked_at"] is None and row.after["revoked_at"] and row.username == world.admin.username


def test_a_user_revokes_only_their_own_tokens(client, world):
    create(world.admin.username)
    tok = ApiToken.objects.get()
    client.force_login(world.other_admin)
    client.post("/accounts/me/", {"action": "revoke", "id": tok.pk})
    assert ApiToken.objects.get().revoked_at is None


def test_the_page_makes_a_token_with_scope_and_lifetime(client, world):
    client.force_login(world.admin)
    html = client.post("/accounts/me/", {"action": "token", "name": "报表脚本", "scope": "write",
                                         "days": "30"}).content.decode()
    assert "只显示这一次" in html
    tok = ApiToken.objects.get()
    assert tok.scope == "write" and tok.name == "报表脚本"
    assert dt.timedelta(days=29) < tok.expires_at - timezone.now() <= dt.timedelta(days=30)
    html = client.post("/accounts/me/", {"action": "token", "days": "9999"}).content.decode()
    assert "API_TOKEN_MAX_DAYS" in html and ApiToken.objects.count() == 1


def test_the_command_refuses_an_unknown_user_in_chinese(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不存在"):
        create("nobody")
