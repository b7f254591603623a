"""Nothing loaded from another host; errors written for people (issue 12)."""
import re

import pytest

pytestmark = pytest.mark.django_db


def test_api_docs_are_a_local_page(client, world):
    client.force_login(world.admin)
    html = client.get("/api/v1/docs").content.decode()
    assert "接口说明" in html and "/api/v1/entry/tasks" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "external resource on the API page"


def test_no_template_loads_anything_from_another_host():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p) for p in root.rglob("*.html")
                 if re.search(r"""(src|href)=["'](https?:)?//""", p.read_text(encoding="utf-8"))]
    assert not offenders


def test_404_says_it_in_chinese_without_django_internals(client, world):
    client.force_login(world.admin)
    resp = client.get("/no/such/page/")
    html = resp.content.decode()
    assert resp.status_code == 404 and "未找到" in html and "Resolver404" not in html and "tried" not in html
    assert "<title>未找到" in html


def test_favicon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code in (301, 302) and resp["Location"].endswith(".svg")
