import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from ecociv.audit.models import AuditLog
from ecociv.regions.actions import RegionImportError, import_regions, update_region
from ecociv.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "区划代码,名称,级别,上级代码,市县类别,东中西部,地形,沿海\n"


def test_import_csv_creates_tree_and_audits(tmp_path, world):
    f = tmp_path / "r.csv"
    f.write_text(HEADER + "870123,丙县,县,870100,县,中部,丘陵,否\n870123101,丙镇,镇,870123,,,,\n"
                 "870123101201,丙村,村,870123101,,,,\n", encoding="utf-8")
    result = import_regions(f, by=world.city_admin)
    assert result.created == 3
    village = Region.objects.get(code="870123101201")
    assert village.path == "870000/870100/870123/870123101/870123101201/"
    assert Region.objects.get(code="870123").terrain == "hill"
    assert AuditLog.objects.filter(action="region.create").count() == 3


def test_import_xlsx_gb18030_names_row_and_column_and_writes_nothing(tmp_path, world):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "区划"
    ws.append(["区划代码", "名称", "级别", "上级代码", "地形"])
    ws.append(["870123", "丙县", "县", "870100", "丘陵"])
    ws.append(["870223", "丁县", "县", "870100", "丘陵"])  # prefix does not match the city
    ws.append(["87012310", "戊镇", "镇", "870123", ""])  # town codes have 9 digits
    ws.append(["870124", "己县", "县", "870100", "高原"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.raises(RegionImportError) as exc:
        import_regions(path, by=world.city_admin)
    problems = exc.value.problems
    assert any("工作表“区划” 第 3 行，“区划代码”列" in p and "870100" in p for p in problems)
    assert any("第 4 行" in p and "9 位" in p for p in problems)
    assert any("第 5 行，“地形”列" in p and "高原" in p for p in problems)
    assert not Region.objects.filter(code="870123").exists()


def test_import_refuses_regions_outside_the_users_scope(tmp_path, world):
    f = tmp_path / "r.csv"
    f.write_text(HEADER + "870122101,乙镇,镇,870122,,,,\n", encoding="utf-8")
    with pytest.raises(RegionImportError) as exc:
        import_regions(f, by=world.admin)  # 甲县 admin, 乙县 town
    assert "不在您的管辖范围内" in exc.value.problems[0]


def test_regions_list_json(world):
    out = StringIO()
    call_command("regions", "list", "--json", stdout=out)
    data = {r["code"]: r for r in json.loads(out.getvalue())}
    assert data["870121"] == {"code": "870121", "name": "甲县", "level": "county", "parent": "870100",
                              "admin_class": "county", "zone": "central", "terrain": "mountain",
                              "special_zone": None, "city_size": None, "coastal": False,
                              "valid_from": None, "valid_to": None}


def test_import_command_reports_errors_in_chinese(tmp_path, world):
    f = tmp_path / "r.csv"
    f.write_text(HEADER + "abc,坏,县,870100,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("regions", "import", str(f))


def test_membership_is_versioned_by_year(world):
    """撤县设区: 乙县 moves under 甲县's city in 2024; 2023 still sees the old parent."""
    new_parent = Region.objects.create(code="870200", name="新市", level="city", parent=world.province)
    other = world.other_county
    update_region(other, {"parent": new_parent, "valid_from": 2024}, by=world.city_admin, reason="区划调整")
    assert other.parent_in(2023) == world.city
    assert other.parent_in(2024) == new_parent
    assert other in new_parent.children_in(2025) and other not in new_parent.children_in(2023)
    assert Region.objects.get(pk=other.pk).path.startswith("870000/870200/")


def test_county_admin_records_a_superior_target_with_its_source(client, world):
    from ecociv.standards.models import RegionTarget

    client.force_login(world.admin)
    resp = client.post("/standards/targets/870121/2025/", {"indicator": "7.1", "kind": "assigned", "op": ">=",
                                                         "value": "86.5", "source_document": "市目标责任书"})
    assert resp.status_code == 302
    rt = RegionTarget.objects.get(region=world.county, year=2025, indicator__code="7.1")
    assert str(rt.value.normalize()) == "86.5" and rt.source_document == "市目标责任书"
    assert AuditLog.objects.filter(action="region_target.assigned", region=world.county).exists()
    html = client.get("/standards/targets/870121/2025/").content.decode()
    assert "≥86.5" in html and "市目标责任书" in html


def test_targets_page_scope(client, world):
    client.force_login(world.viewer)
    assert client.get("/standards/targets/870121/2025/").status_code == 200
    assert client.post("/standards/targets/870121/2025/", {"indicator": "7.1", "kind": "assigned", "op": ">=",
                                                         "value": "1", "source_document": "x"}).status_code == 403
    assert client.get("/standards/targets/870122/2025/").status_code == 404
