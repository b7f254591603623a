"""Sentences shared by the documents: an indicator's value and target as officials write them,
the lead departments of a list of indicators, the 同比 changes, the indicator table."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ecociv.assessment.engine import Assessment, IndicatorResult
from ecociv.core.fmt import percent, plain, share, yoy
from ecociv.core.targets import Status
from ecociv.reports.data import ReportData, counted_value
from ecociv.reports.document import Table

TYPE_LABELS = {"binding": "约束性", "reference": "参考性"}
PENDING_MARK = "（待核实）"


def unit_of(r: IndicatorResult) -> str:
    u = (r.indicator.unit or "").strip()
    return "" if u in ("-", "—", "%/-", "无") else u


def value_text(r: IndicatorResult) -> str:
    """现状值 as written in prose: 85.2%, 0.45吨标准煤/万元, 已完成; '—' when none was counted."""
    if r.sub_items:
        return "见分项"
    if r.status == Status.NOT_APPLICABLE:
        return "不适用"
    if r.status == Status.MISSING:
        return "未填报"
    if r.value is not None:
        return f"{plain(r.value)}{unit_of(r)}"
    if r.achieved is not None:
        return "已完成" if r.achieved else "未完成"
    return r.text_value or "—"


def target_text(r: IndicatorResult) -> str:
    """目标值 with the unit when the target is a number (≥20 → ≥20%)."""
    text = r.target_display or "—"
    unit = unit_of(r)
    if unit and text[-1:].isdigit():
        text += unit
    return text


def departments(results: list[IndicatorResult]) -> str:
    """生态环境局（3项）、水利局 — the lead departments of `results`, most indicators first."""
    counts = Counter(r.lead_department or "牵头单位未明确" for r in results)
    return "、".join(f"{d}（{n}项）" if n > 1 else d for d, n in counts.most_common())


def indicator_brief(r: IndicatorResult) -> str:
    """生活污水集中收集率（现状值85.2%，目标≥90%，牵头单位：住房和城乡建设局）."""
    parts = []
    if r.status in (Status.NOT_MET, Status.PENDING, Status.MET) and not r.sub_items:
        parts.append(f"现状值{value_text(r)}{PENDING_MARK if r.status == Status.PENDING else ''}")
    elif r.status == Status.MISSING:
        parts.append("数值未填报" if r.value_status in ("", None) else "数值未提交审核")
    if not r.sub_items:
        parts.append(f"目标{target_text(r)}")
    else:
        failing = [s.name for s in r.sub_items if s.status in (Status.NOT_MET, Status.MISSING, Status.PENDING)]
        if failing:
            parts.append("未达标分项：" + "、".join(failing))
    parts.append(f"牵头单位：{r.lead_department or '未明确'}")
    return f"{r.name}（{'，'.join(parts)}）"


def changes(data: ReportData) -> list[tuple[IndicatorResult, str, str]]:
    """(result, 同比 wording, better|worse|same) for every leaf with a judged value this year and
    an approved one last year, in catalogue order. Better/worse follows the indicator's
    direction; a qualitative indicator has no 同比."""
    out = []
    for r in data.assessment.rows():
        cur = counted_value(r)
        prev_r = data.previous_result(r.code)
        prev = counted_value(prev_r) if prev_r is not None and prev_r.status != Status.PENDING else None
        if cur is None or prev is None:
            continue
        direction = r.indicator.direction or (r.indicator.parent.direction if r.indicator.parent_id else "")
        if direction not in ("higher", "lower"):
            continue
        rate = unit_of(r) == "%"
        text = yoy(cur, prev, rate=rate, unit=unit_of(r))
        if text == "与上年持平":
            out.append((r, text, "same"))
            continue
        up = cur > prev
        better = up if direction == "higher" else not up
        out.append((r, text, "better" if better else "worse"))
    return out


def change_sentence(r: IndicatorResult, text: str) -> str:
    mark = PENDING_MARK if r.status == Status.PENDING else ""
    return f"{r.name}{value_text(r)}{mark}，{text}"


def reference_share_sentence(a: Assessment) -> str:
    s = a.summary
    need = Decimal(str(s["reference_min_share"])) * 100
    p = a.rules.parameters.get("reference_min_share")
    unverified = "（该比例为未经原文核实的默认参数）" if p is not None and not p.verified else ""
    return (f"参考性指标{s['reference_total']}项，达标{s['reference_met']}项，达标比例"
            f"{share(s['reference_met'], s['reference_total'])}，规则要求不低于{percent(need, 0)}{unverified}")


INDICATOR_HEADER = ["序号", "指标名称", "属性", "单位", "目标值", "目标来源", "现状值", "达标情况", "牵头部门"]
INDICATOR_WIDTHS = [6, 24, 8, 8, 12, 15, 11, 10, 14]


def indicator_rows(a: Assessment) -> list[list[str]]:
    rows = []
    for r in a.rows():
        rows.append([r.code, r.name, TYPE_LABELS.get(r.type, "") if not r.indicator.parent_id else "",
                     unit_of(r), target_text(r), r.target_label, value_text(r), r.status.label, r.lead_department])
    return rows


def indicator_table(a: Assessment) -> Table:
    return Table(INDICATOR_HEADER, indicator_rows(a), INDICATOR_WIDTHS)
