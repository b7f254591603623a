import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ecociv.audit.models import AuditLog
from ecociv.standards.actions import ActionError, correct_indicator
from ecociv.standards.models import Indicator, Standard

pytestmark = pytest.mark.django_db


def show(code):
    out = StringIO()
    call_command("standards", "show", code, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_loads_forty_indicators_of_2019_with_verification():
    data = show("national-2019")
    assert len(data) == 40
    first = data[0]
    assert {"code", "area", "name", "unit", "type", "applies_to", "targets", "sub_items", "verification"} <= set(first)
    assert first["verification"] == "verified"
    by_code = {d["code"]: d for d in data}
    assert by_code["29"]["targets"] == [
        {"region_class": "city", "operator": ">=", "value": 95.0, "text": "≥95"},
        {"region_class": "county", "operator": ">=", "value": 85.0, "text": "≥85"},
    ]
    assert [s["name"] for s in by_code["7"]["sub_items"]] == ["优良天数比例", "PM2.5浓度下降幅度"]
    assert by_code["23"]["applies_to"] == "city" and by_code["23"]["verification"] == "disputed"
    assert {d["type"] for d in data} == {"binding", "reference"}
    assert {d["area"] for d in data} == {"生态制度", "生态安全", "生态空间", "生态经济", "生态生活", "生态文化"}


def test_partial_standards_keep_unknown_values_unknown():
    county_2016 = show("national-2016-county")
    assert len(county_2016) == 38
    unseen = [d for d in county_2016 if d["verification"] == "not_seen"]
    assert unseen and all(d["name"] == "" and d["targets"] == [] and d["type"] is None for d in unseen)
    city_2024 = show("national-2024-city")
    assert all(d["type"] is None for d in city_2024)


def test_list_prints_the_versions():
    out = StringIO()
    call_command("standards", "list", "--json", stdout=out)
    codes = {s["code"] for s in json.loads(out.getvalue())}
    assert {"national-2019", "national-2016-county", "national-2024-city"} <= codes


BAD = """standard: prov-test
title: 测试省标准
indicators:
- code: '1'
  name: 甲指标
  unit: '%'
  type: binding
  targets:
  - {region_class: all, op: '>=', value: 90, text: '≥90'}
- code: '2'
  name: 乙指标
  type: binding
  targets:
  - {region_class: all, op: '=>', value: 90}
- code: '3'
  name: 丙指标
  type: mandatory
  targets:
  - {region_class: 沙漠, op: '>=', value: 1}
"""


def test_malformed_file_names_file_line_and_field_and_changes_nothing(tmp_path):
    path = tmp_path / "prov-test.yaml"
    path.write_text(BAD, encoding="utf-8")
    before = Standard.objects.count(), Indicator.objects.count(), AuditLog.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("standards", "load", str(path))
    msg = str(exc.value)
    assert "prov-test.yaml" in msg
    assert "第 14 行，字段“op”" in msg and "=>" in msg
    assert "字段“type”" in msg and "字段“region_class”" in msg and "沙漠" in msg
    assert (Standard.objects.count(), Indicator.objects.count(), AuditLog.objects.count()) == before


def test_a_provincial_standard_loads_from_a_file_and_is_audited(tmp_path):
    path = tmp_path / "prov-test.yaml"
    path.write_text(BAD.split("- code: '2'")[0], encoding="utf-8")
    call_command("standards", "load", str(path))
    s = Standard.objects.get(code="prov-test")
    assert s.scope == "provincial" and s.indicators.get(code="1").targets.get().value == 90
    assert AuditLog.objects.filter(action="standard.create", object_id=str(s.pk)).exists()


def test_loading_builtins_twice_keeps_corrections(world):
    ind = world.standard.indicators.get(code="39")
    correct_indicator(ind, by=world.province_admin, changes={"lead_department": "党委宣传部"}, targets=None,
                      source_document="某省2025年指标解释")
    call_command("standards", "load", "--builtin")
    assert Indicator.objects.get(pk=ind.pk).lead_department == "党委宣传部"


def test_admin_correction_is_audited_with_source_and_marks_corrected(world):
    ind = world.standard.indicators.get(code="31")
    correct_indicator(ind, by=world.province_admin, changes={}, targets=[
        {"region_class": "all", "op": ">=", "value": "14.6", "text": "≥14.6"}], source_document="环生态〔2019〕76号 原文")
    ind.refresh_from_db()
    assert ind.verification == "corrected" and str(ind.targets.get().value.normalize()) == "14.6"
    log = AuditLog.objects.get(action="indicator.correct")
    assert log.before["targets"][0]["value"] == "15" and log.after["targets"][0]["value"] == "14.6"
    assert "76号" in log.reason and log.username == "prov_admin"


def test_correction_without_source_is_refused(world):
    ind = world.standard.indicators.get(code="31")
    with pytest.raises(ActionError):
        correct_indicator(ind, by=world.province_admin, changes={"unit": "m2"}, targets=None, source_document=" ")
    assert not AuditLog.objects.filter(action="indicator.correct").exists()
