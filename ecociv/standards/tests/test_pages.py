import pytest

from ecociv.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_catalogue_page_shows_verification_status(client, world):
    client.force_login(world.filler)
    html = client.get("/standards/national-2019/").content.decode()
    assert "回忆一致" in html and "存疑" in html and "已核实" in html
    assert "城镇污水处理率" in html and "/edit/" not in html  # fillers cannot correct


def test_only_a_province_admin_may_correct_the_shared_catalogue(client, world):
    client.force_login(world.filler)
    assert client.get("/standards/national-2019/31/edit/").status_code == 403
    client.force_login(world.admin)  # a county administrator: local targets only
    assert client.get("/standards/national-2019/31/edit/").status_code == 403
    client.force_login(world.province_admin)
    assert client.get("/standards/national-2019/31/edit/").status_code == 200


def test_admin_corrects_a_target_through_the_page(client, world):
    client.force_login(world.province_admin)
    resp = client.post("/standards/national-2019/31/edit/", {
        "name": "城镇人均公园绿地面积", "unit": "平方米/人", "type": "reference", "applies_to": "city",
        "direction": "higher", "lead_department": "住房和城乡建设局", "aliases": "人均公园绿地",
        "target_count": "1", "t0_class": "all", "t0_op": ">=", "t0_value": "14.6", "t0_text": "≥14.6",
        "source_document": "省厅2025年解释"})
    assert resp.status_code == 302
    ind = world.standard.indicators.get(code="31")
    assert ind.verification == "corrected" and ind.aliases == ["人均公园绿地"]
    assert AuditLog.objects.filter(action="indicator.correct", username="prov_admin").count() == 1


def test_standards_api(client, world):
    client.force_login(world.viewer)
    data = client.get("/api/v1/standards/national-2019").json()
    assert len(data["indicators"]) == 40 and data["doc_no"] == "环生态〔2019〕76号"


def test_admin_uploads_a_provincial_standard_and_a_bad_one_changes_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecociv.standards.models import Standard

    good = ("standard: prov-x\ntitle: 示例省生态文明建设示范县指标\nindicators:\n- code: '1'\n  name: 森林覆盖率\n"
            "  unit: '%'\n  type: binding\n  targets:\n  - {region_class: 山区, op: '>=', value: 70}\n")
    client.force_login(world.province_admin)
    resp = client.post("/standards/", {"file": SimpleUploadedFile("prov-x.yaml", good.encode())}, follow=True)
    assert "已导入" in resp.content.decode()
    assert Standard.objects.get(code="prov-x").indicators.get().targets.get().region_class == "mountain"
    bad = good.replace("'>='", "'≥≥'").replace("prov-x", "prov-y")
    resp = client.post("/standards/", {"file": SimpleUploadedFile("prov-y.yaml", bad.encode())})
    html = resp.content.decode()
    assert "prov-y.yaml" in html and "第 9 行" in html and not Standard.objects.filter(code="prov-y").exists()
    client.force_login(world.filler)
    assert client.post("/standards/", {"file": SimpleUploadedFile("p.yaml", good.encode())}).status_code == 403
