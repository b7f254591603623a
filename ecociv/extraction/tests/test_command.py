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
