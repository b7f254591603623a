import pytest
from django.urls import reverse

from ecociv.entry.models import IndicatorValue
from ecociv.extraction import actions
from ecociv.extraction.tests.conftest import SUMMARY


@pytest.fixture
def doc(world):
    return actions.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode())


def accept_data(world):
    return {"region": world.county.code, "year": "2023", "indicator": "7.1", "value": "94.5", "unit": "%"}


def test_another_county_gets_404(world, client, doc):
    f = doc.facts.get(quote="94.5%")
    world.login(client, world.other_admin)
    assert client.get(reverse("extraction:document", args=[doc.pk])).status_code == 404
    assert client.get(reverse("extraction:file", args=[doc.pk])).status_code == 404
    assert client.get(reverse("extraction:status", args=[doc.pk])).status_code == 404
    assert client.post(reverse("extraction:accept", args=[f.pk]), accept_data(world)).status_code == 404
    assert client.post(reverse("extraction:reject", args=[f.pk])).status_code == 404
    assert doc.name not in client.get(reverse("extraction:index")).content.decode()
    assert not IndicatorValue.objects.exists()


def test_viewer_gets_403_on_accept_and_reject(world, client, doc):
    f = doc.facts.get(quote="94.5%")
    world.login(client, world.viewer)
    page = client.get(reverse("extraction:document", args=[doc.pk])).content.decode()
    assert "94.5%" in page and "accept-form" not in page and "只有查看权限" in page
    assert client.post(reverse("extraction:accept", args=[f.pk]), accept_data(world)).status_code == 403
    assert client.post(reverse("extraction:reject", args=[f.pk])).status_code == 403
    f.refresh_from_db()
    assert f.status == "pending" and not IndicatorValue.objects.exists()


def test_accepting_into_another_county_is_404(world, client, doc):
    f = doc.facts.get(quote="94.5%")
    world.login(client, world.admin)
    data = accept_data(world) | {"region": world.other_county.code}
    assert client.post(reverse("extraction:accept", args=[f.pk]), data).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_the_file_downloads_in_scope(world, client, doc):
    world.login(client, world.city_admin)  # the city sees its counties
    resp = client.get(reverse("extraction:file", args=[doc.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == SUMMARY.encode()
    assert resp["X-Content-SHA256"] == doc.sha256
