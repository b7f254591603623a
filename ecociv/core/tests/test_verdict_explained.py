"""A 未达标 beside a value that improves must say why (issue 12): the 是否完成 flag decides a
text target such as “完成上级规定的目标任务”, and the reason names it and its answer."""
from decimal import Decimal

from ecociv.core.targets import Status, TargetSpec, evaluate


def test_a_text_target_judged_by_the_flag_says_so():
    spec = TargetSpec("all", "text", None, "完成上级规定的目标任务;保持稳定或持续改善")
    e = evaluate(spec, Decimal("0.557"), achieved=False, previous=Decimal("0.569"), direction="lower")
    assert e.status == Status.NOT_MET
    assert "是否完成" in e.reason and "：否" in e.reason and "完成上级规定的目标任务" in e.reason
