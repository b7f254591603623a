"""The region-class attributes and the qualitative target wordings are data files with a source
and a verified flag, and core.targets reads them (not constants beside the code)."""
import yaml

from ecociv.core import targets
from ecociv.core.targets import DATA_DIR, RegionClass, TargetSpec, evaluate, normalize_class


def test_each_file_names_its_source_and_whether_it_is_verified():
    for name in ("region-classes.yaml", "target-wordings.yaml"):
        data = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
        assert data["source"].strip() and isinstance(data["verified"], bool), name


def test_classes_come_from_the_file_in_its_order():
    data = yaml.safe_load((DATA_DIR / "region-classes.yaml").read_text(encoding="utf-8"))
    assert list(targets.CLASS_ATTRIBUTE) == [c["key"] for c in data["classes"]]
    assert normalize_class("超大、特大城市") == "megacity" and normalize_class("其他") == "other"
    spec = [TargetSpec("mountain", ">=", 60), TargetSpec("county", ">=", 40)]
    assert targets.select_target(spec, RegionClass(admin_class="county", terrain="mountain")).value == 60


def test_wordings_come_from_the_file():
    data = yaml.safe_load((DATA_DIR / "target-wordings.yaml").read_text(encoding="utf-8"))
    assert data["trend"] == targets.TREND_TEXTS
    ev = evaluate(TargetSpec("all", "text", None, "不增加"), 5, previous=6)
    assert ev.status == "met"
    ev = evaluate(TargetSpec("all", "text", None, data["superior"]["wordings"][0]), 5,
                  assigned=TargetSpec("all", ">=", 6))
    assert ev.status == "not_met"
