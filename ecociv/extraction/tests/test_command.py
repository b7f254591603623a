"""`ecociv extract FILE --json` prints every fact with the agreed fields."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

FIELDS = {"quote", "start", "end", "subject", "value", "unit", "comparator", "period", "region",
          "indicator", "candidates"}


def test_it_prints_facts_as_json(tmp_path):
    text = "2022年，全县城镇污水处理率达到95.6%，同比提高2个百分点，投入资金**万元。"
    path = tmp_path / "summary.txt"
    path.write_bytes(text.encode("gb18030"))
    out = StringIO()
    call_command("extract", str(path), "--json", stdout=out)
    facts = json.loads(out.getvalue())
    assert [f["quote"] for f in facts] == ["95.6%", "2个百分点", "**万元"]
    for f in facts:
        assert set(f) >= FIELDS and text[f["start"]:f["end"]] == f["quote"]
        assert f["comparator"] in ("=", ">=", "<=", "up", "down")
    assert facts[0]["indicator"] == "29" and facts[0]["period"] == "2022"
    assert facts[2]["masked"] and facts[2]["value"] is None


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("extract", str(tmp_path / "none.txt"), "--json")


def test_a_level_goes_to_the_level_indicator_and_a_change_to_its_change_indicator(tmp_path):
    """Issue 12: 水质达到或优于Ⅲ类比例为85.7% is indicator 8 (not 8.1 提高幅度); a PM2.5 fall
    written 浓度X，同比下降Y% is 7.2 (not 7.1); each says why."""
    text = ("2023年，全县地表水水质达到或优于Ⅲ类比例为85.7%，较上年提高4.2个百分点，劣Ⅴ类水体比例为0。"
            "PM2.5平均浓度为32微克/立方米，同比下降5.9%。")
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("extract", str(path), "--json", stdout=out)
    got = {f["quote"]: f for f in json.loads(out.getvalue())}
    assert got["85.7%"]["indicator"] == "8"
    assert "水平值" in got["85.7%"]["explanation"] and "8.1" in got["85.7%"]["explanation"]
    assert got["4.2个百分点"]["indicator"] == "8.1" and "变化量" in got["4.2个百分点"]["explanation"]
    assert got["0"]["indicator"] == "8"
    assert got["32微克/立方米"]["indicator"] == "7"
    assert got["5.9%"]["indicator"] == "7.2" and got["5.9%"]["comparator"] == "down"
    assert "PM2.5" in got["5.9%"]["explanation"]
