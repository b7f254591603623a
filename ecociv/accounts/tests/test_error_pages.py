import pytest

pytestmark = pytest.mark.django_db


def test_not_found_and_forbidden_pages_are_chinese(client, world):
    client.force_login(world.viewer)
    html = client.get("/regions/870122/").content.decode()
    assert "未找到" in html and "管辖范围" in html
    html = client.get("/regions/870121/edit/").content.decode()
    assert "无权访问" in html and "查看权限" in html
