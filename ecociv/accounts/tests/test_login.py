import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecociv.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_login_works(client, world):
    html = client.get("/accounts/login/").content.decode()
    assert "用户登录" in html and "密码" in html
    resp = client.post("/accounts/login/", {"username": "jia_filler", "password": PASSWORD})
    assert resp.status_code == 302
    assert "首页" in client.get("/").content.decode()


def test_passwords_are_hashed_with_argon2(world):
    assert world.filler.password.startswith("argon2")


def test_account_locks_after_five_failures(client, world):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "jia_filler", "password": "wrong"})
    resp = client.post("/accounts/login/", {"username": "jia_filler", "password": PASSWORD})
    assert resp.status_code == 429 and "锁定" in resp.content.decode()


def test_password_complexity_is_enforced():
    with pytest.raises(ValidationError, match="至少三类"):
        validate_password("abcdefghij")
    validate_password("Green#River2026")


def test_expired_password_sends_user_to_change_page(client, world):
    world.filler.password_changed_at = timezone.now() - dt.timedelta(days=91)
    world.filler.save()
    client.force_login(world.filler)
    resp = client.get("/regions/")
    assert resp.status_code == 302 and "/accounts/password/" in resp["Location"]


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get("/regions/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
