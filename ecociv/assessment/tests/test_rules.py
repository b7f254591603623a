import pytest

from ecociv.assessment.rules import DEFAULT_FILE, RulesError, load_rules, parse_rules


def test_builtin_rules_load_and_flag_r4_as_unverified():
    rules = load_rules()
    assert rules["reference_min_share"] == 0.8 and rules["binding_all_required"] is True
    assert rules.parameters["reference_min_share"].verified is False
    assert rules.condition("plan_adopted").verified is True


@pytest.mark.parametrize("old,new,message", [
    ("value: 0.8", "value: 1.8", "0 到 1"),
    ("value: 0.8", "value: 八成", "类型"),
    ('version: "default-2026.1"', "version:", "version"),
    ("  veto_lookback_years:\n    value: 3", "  veto_lookback_years:\n    valu: 3", "veto_lookback_years"),
])
def test_bad_rules_fail_loudly(old, new, message):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(RulesError, match=message):
        parse_rules(text.replace(old, new))


def test_another_rules_file_can_be_named(tmp_path, monkeypatch):
    f = tmp_path / "rules.yaml"
    f.write_text(DEFAULT_FILE.read_text(encoding="utf-8").replace('"default-2026.1"', '"province-x-1"'), encoding="utf-8")
    monkeypatch.setenv("ECOCIV_ASSESSMENT_RULES", str(f))
    assert load_rules().version == "province-x-1"
