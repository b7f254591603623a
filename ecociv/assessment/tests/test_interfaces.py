"""The command line, the API and the pages show the same assessment; scope holds on every path."""
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from ecociv.assessment.models import RegionYearFact
from ecociv.assessment.tests.helpers import put
from ecociv.audit.models import AuditLog

pytestmark = pytest.mark.django_db
Y = 2025
KEYS = {"region", "year", "standard", "verdict", "blocking", "summary", "indicators"}
SUMMARY = {"binding_met", "binding_total", "reference_met", "reference_total", "missing", "pending"}
ROW = {"code", "name", "type", "status", "value", "target", "gap", "trend"}


@pytest.fixture
def data(world):
    put(world, world.county, Y, "29", 85)
    put(world, world.county, Y, "30", "79.5")
    put(world, world.county, Y, "1", achieved=True)
    put(world, world.county, Y, "28", 100, status="submitted")
    put(world, world.county, Y - 1, "29", 80)
    return world


def cli(*args) -> str:
    out = io.StringIO()
    call_command("assess", *args, stdout=out)
    return out.getvalue()


def test_cli_prints_the_contracted_json(data):
    doc = json.loads(cli("--region", "870121", "--year", str(Y), "--json"))
    assert set(doc) >= KEYS and set(doc["summary"]) >= SUMMARY
    assert doc["region"] == "870121" and doc["year"] == Y and doc["standard"] == "national-2019"
    assert doc["verdict"] == "fail"
    assert all(set(b) >= {"code", "name", "reason"} for b in doc["blocking"])
    rows = {r["code"]: r for r in doc["indicators"]}
    assert all(set(r) >= ROW for r in doc["indicators"])
    assert rows["29"]["status"] == "met" and rows["29"]["value"] == 85 and rows["29"]["gap"] == 0
    assert rows["29"]["target"] == "≥85" and rows["29"]["trend"]["status"] == "achieved"
    assert rows["30"]["status"] == "not_met" and rows["30"]["gap"] == -0.5
    assert rows["28"]["status"] == "pending" and rows["23"]["status"] == "not_applicable"
    assert rows["7.1"]["parent"] == "7"
    assert {"30", "28", "plan_adopted"} <= {b["code"] for b in doc["blocking"]}


def test_api_and_cli_agree(client, data):
    client.force_login(data.admin)
    api = client.get(f"/api/v1/assessment/870121/{Y}").json()
    assert api == json.loads(cli("--region", "870121", "--year", str(Y), "--json"))


def test_page_shows_the_same_statuses(client, data):
    client.force_login(data.admin)
    doc = client.get(f"/api/v1/assessment/870121/{Y}").json()
    html = client.get(f"/assessment/870121/{Y}/").content.decode()
    for row in doc["indicators"]:
        m = re.search(rf'<tr[^>]*id="i{re.escape(row["code"])}">(.*?)</tr>', html, re.DOTALL)
        assert m and f'b-{row["status"]}">{row["status_label"]}<' in m.group(1), row["code"]
    assert "暂不具备申报条件" in html and "未核实" in html
    text = cli("--region", "870121", "--year", str(Y))
    assert "暂不具备申报条件" in text and "30 未达标" in text.replace("   ", " ").replace("  ", " ")


def test_another_countys_assessment_is_404_everywhere(client, data):
    client.force_login(data.other_admin)
    for url in [f"/assessment/870121/{Y}/", f"/assessment/870121/{Y}/export.xlsx", f"/api/v1/assessment/870121/{Y}",
                f"/dashboard/region/870121/{Y}/", f"/dashboard/region/870121/{Y}/export.xlsx",
                f"/dashboard/region/870121/{Y}/indicator/29/", f"/dashboard/matrix/870100/{Y}/",
                f"/dashboard/matrix/870100/{Y}/export.xlsx", f"/dashboard/completeness/870121/{Y}/",
                f"/dashboard/completeness/870121/{Y}/export.xlsx"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/assessment/870121/{Y}/facts/", {"code": "plan_adopted", "state": "satisfied",
                                                          "source_document": "x"}).status_code == 404
    with pytest.raises(CommandError):
        cli("--region", "870121", "--year", str(Y), "--as", "yi_admin")
    assert client.get(f"/api/v1/assessment/870122/{Y}").status_code == 200


def test_api_needs_a_login(client, data):
    assert client.get(f"/api/v1/assessment/870121/{Y}").status_code == 401


def test_admin_records_a_veto_with_audit_and_viewer_cannot(client, data):
    client.force_login(data.viewer)
    assert client.post(f"/assessment/870121/{Y}/facts/", {"code": "major_incident", "state": "triggered",
                                                          "source_document": "通报"}).status_code == 403
    client.force_login(data.admin)
    resp = client.post(f"/assessment/870121/{Y}/facts/", {"code": "major_incident", "state": "triggered",
                                                          "source_document": "某环境事件通报"})
    assert resp.status_code == 302
    fact = RegionYearFact.objects.get(region=data.county, year=Y, code="major_incident")
    assert fact.kind == "veto" and fact.recorded_by == data.admin
    log = AuditLog.objects.get(action="assessment.veto")
    assert log.after["state"] == "triggered" and log.before is None and log.region_id == data.county.pk
    doc = client.get(f"/api/v1/assessment/870121/{Y}").json()
    assert any(b["code"] == "major_incident" for b in doc["blocking"])


def test_a_wrong_state_is_refused_with_a_message(client, data):
    client.force_login(data.admin)
    resp = client.post(f"/assessment/870121/{Y}/facts/", {"code": "plan_adopted", "state": "triggered",
                                                          "source_document": "x"}, follow=True)
    assert "只能是" in resp.content.decode() and not RegionYearFact.objects.exists()


def test_rules_are_published_with_their_verification(client, data):
    client.force_login(data.viewer)
    rules = client.get("/api/v1/assessment/rules").json()
    params = {p["key"]: p for p in rules["parameters"]}
    assert params["reference_min_share"]["value"] == 0.8 and params["reference_min_share"]["verified"] is False
    assert {c["code"] for c in rules["preconditions"]} == {"plan_adopted"}
