"""A 未达标 beside a value that improves must say why (issue 12): the 是否完成 flag decides a
text target such as “完成上级规定的目标任务”, and the reason names it and its answer."""
from decimal import Decimal

from ecociv.core.targets import Status, TargetSpec, evaluate


def test_a_text_target_judged_by_the_flag_says_so():
    spec = TargetSpec("all", "text", None, "完成上级规定的目标任务;保持稳定或持续改善")
    e = evaluate(spec, Decimal("0.557"), achieved=False, previous=Decimal("0.569"), direction="lower")
    assert e.status == Status.NOT_MET
    assert "是否完成" in e.reason and "：否" in e.reason and "完成上级规定的目标任务" in e.reason


def test_the_flag_is_needed_exactly_where_the_verdict_would_use_it():
    from ecociv.core.targets import flag_decides

    superior = TargetSpec("all", "text", None, "完成上级规定的目标任务")
    assigned = TargetSpec("all", ">=", Decimal(85), "≥85")
    assert flag_decides(superior, value=Decimal(90), assigned=assigned) is False
    assert flag_decides(superior, value=None, assigned=assigned) is True
    assert flag_decides(superior, value=Decimal(90)) is True
    both = TargetSpec("all", "text", None, "完成上级规定的目标任务;保持稳定或持续改善")
    assert flag_decides(both, value=Decimal(90), previous=Decimal(88), assigned=assigned) is False
    assert flag_decides(both, value=Decimal(90), assigned=assigned) is True  # no previous year: flag decides
    assert flag_decides(TargetSpec("all", "text", None, "建立"), value=None) is True
    assert flag_decides(assigned, value=Decimal(1)) is False  # a numeric target never asks
    for spec, value, prev, asg in [(superior, Decimal(90), None, assigned), (both, Decimal(90), Decimal(88), assigned)]:
        e = evaluate(spec, value, previous=prev, assigned=asg)  # judged without the flag, as promised
        assert e.status in (Status.MET, Status.NOT_MET)
