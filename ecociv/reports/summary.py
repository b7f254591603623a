"""年度创建工作总结 (工作总结) from data, with the sections offices write: 基本情况, 主要工作及成效,
存在问题, 下一步工作打算, and the indicator achievement table attached."""
from __future__ import annotations

from ecociv.core.fmt import cn_date
from ecociv.core.targets import Status
from ecociv.reports import ledger_text
from ecociv.reports.data import ReportData
from ecociv.reports.document import Document
from ecociv.reports.prose import (
    change_sentence,
    changes,
    departments,
    indicator_brief,
    indicator_table,
    reference_share_sentence,
)

MAX_LISTED = 8  # indicators named in one sentence before "等N项"


def office_of(region) -> str:
    return f"{region.name}生态文明建设示范区创建工作领导小组办公室"


def addressee_of(region) -> str:
    parent = region.parent
    return f"{parent.name}生态文明建设示范区创建工作领导小组办公室：" if parent is not None else ""


def listing(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return "、".join(items)
    return "、".join(items[:MAX_LISTED]) + f"等{len(items)}项"


def build_summary(data: ReportData) -> Document:
    a, region, year = data.assessment, data.region, data.year
    s = a.summary
    doc = Document("summary", f"{region.name}{year}年生态文明建设示范区创建工作总结",
                   addressee=addressee_of(region), office=office_of(region), date=cn_date(data.date))
    std = a.standard.title if a.standard else "国家生态文明建设示范区建设指标"
    doc.p(f"{year}年，{region.name}深入践行习近平生态文明思想，对照《{std}》，以指标达标为主线，"
          f"统筹推进生态文明建设示范区创建各项工作。现将{year}年创建工作情况总结如下：")

    # 一、基本情况 ---------------------------------------------------------------------------
    doc.h1("基本情况")
    applicable = s["total"] - s["not_applicable"]
    doc.p(f"按照本地区适用的指标体系，{year}年共评估指标{s['total']}项，其中适用{applicable}项、不适用"
          f"{s['not_applicable']}项。约束性指标{s['binding_total']}项，达标{s['binding_met']}项；"
          f"{reference_share_sentence(a)}。")
    doc.p(f"全部指标中达标{s['met']}项、未达标{s['not_met']}项、数据缺失{s['missing']}项、待核实{s['pending']}项。"
          f"按现行判定规则，{region.name}{year}年{a.verdict_label}。")
    if data.previous is not None:
        ps = data.previous.summary
        if ps["met"] != s["met"]:
            verb = "增加到" if s["met"] > ps["met"] else "减少到"
            doc.p(f"与{year - 1}年相比，达标指标由{ps['met']}项{verb}{s['met']}项，约束性指标达标由"
                  f"{ps['binding_met']}项变为{s['binding_met']}项。")
        else:
            doc.p(f"与{year - 1}年相比，达标指标数量持平，均为{s['met']}项。")

    # 二、主要工作及成效 ------------------------------------------------------------------------
    doc.h1("主要工作及成效")
    doc.h2("指标达标稳步推进")
    areas = a.by_area()
    parts = [f"{area}领域适用{c['applicable']}项、达标{c['met']}项" for area, c in areas.items() if c["applicable"]]
    if parts:
        doc.p("分领域看，" + "；".join(parts) + "。")
    ch = changes(data)
    better = [x for x in ch if x[2] == "better"]
    worse = [x for x in ch if x[2] == "worse"]
    same = [x for x in ch if x[2] == "same"]
    if ch:
        doc.h2("主要指标同比改善")
        doc.p(f"在有连续两年数据的{len(ch)}项定量指标中，{len(better)}项向好、{len(worse)}项回落、"
              f"{len(same)}项与上年持平。")
        if better:
            doc.p("其中，" + "；".join(change_sentence(r, t) for r, t, _ in better[:MAX_LISTED]) + "。")
    tasks = data.tasks
    if tasks.get("total"):
        doc.h2("责任分解与数据填报")
        doc.p(f"{year}年向{tasks['departments']}个部门下达填报任务{tasks['total']}项，已审核{tasks['approved']}项、"
              f"已提交待审核{tasks['submitted']}项、填报中{tasks['open']}项、退回修改{tasks['returned']}项。")
    ledger_text.work_sections(doc, data)

    # 三、存在问题 ---------------------------------------------------------------------------
    doc.h1("存在问题")
    problems = 0
    binding_fail = [r for r in a.indicators if r.type == "binding" and r.status in (Status.NOT_MET, Status.MISSING)]
    reference_fail = [r for r in a.indicators if r.type == "reference" and r.status == Status.NOT_MET]
    if binding_fail:
        problems += 1
        doc.h2("约束性指标尚未全部达标")
        doc.p(f"约束性指标中有{len(binding_fail)}项未达标或缺少数据：" + "；".join(indicator_brief(r) for r in binding_fail)
              + f"。涉及牵头单位：{departments(binding_fail)}。")
    if reference_fail:
        problems += 1
        doc.h2("部分参考性指标存在差距")
        doc.p(f"参考性指标中有{len(reference_fail)}项未达标：" + "；".join(indicator_brief(r) for r in reference_fail)
              + f"。涉及牵头单位：{departments(reference_fail)}。")
    missing = [r for r in a.indicators if r.status == Status.MISSING and r.type != "binding"]
    if missing:
        problems += 1
        doc.h2("数据填报尚不完整")
        doc.p(f"{len(missing)}项指标尚无可用于评估的数据：{listing([r.name for r in missing])}，"
              f"涉及牵头单位：{departments(missing)}。")
    if worse:
        problems += 1
        doc.h2("部分指标同比回落")
        doc.p("；".join(change_sentence(r, t) for r, t, _ in worse[:MAX_LISTED]) + "。")
    if tasks.get("overdue"):
        problems += 1
        doc.h2("部分填报任务逾期")
        late = "、".join(f"{d}（{n}项）" for d, n in tasks["overdue_departments"].items())
        doc.p(f"截至{cn_date(data.date)}，{tasks['overdue']}项填报任务已过截止日期仍未审核，涉及{late}。")
    others = [b for b in a.blocking if b.kind not in ("indicator",)]
    if others:
        problems += 1
        doc.h2("申报条件尚未满足")
        doc.p("；".join(f"{b.name}：{b.reason}" for b in others) + "。")
    problems += ledger_text.problem_sections(doc, data)
    if not problems:
        doc.p("各项指标均已达标，数据完整，未发现需要整改的问题。")
    pending = [r for r in a.rows() if r.status == Status.PENDING]
    if pending:
        doc.note(f"{len(pending)}项指标（含分项）的数值已提交、尚未审核（待核实）：{listing([r.name for r in pending])}。"
                 "文中标注“（待核实）”的数值以审核结果为准。")
    ledger_text.finding_notes(doc, data)

    # 四、下一步工作打算 ------------------------------------------------------------------------
    doc.h1("下一步工作打算")
    failing = binding_fail + reference_fail
    if failing:
        doc.h2("聚焦短板指标攻坚")
        doc.p(f"针对未达标的{len(failing)}项指标，督促{departments(failing)}逐项制定整改措施，明确时间表和责任人，"
              f"确保{year + 1}年取得实质性进展。")
    if missing or pending:
        doc.h2("补齐数据与佐证材料")
        n_missing = s["missing"]
        doc.p(f"对缺失的{n_missing}项和待核实的{s['pending']}项指标，限期完成填报、审核和佐证材料归档，"
              "确保每一项数据有来源、可追溯。")
    ledger_text.next_sections(doc, data)
    doc.h2("健全常态化推进机制")
    doc.p("坚持定期调度、按月通报，将指标完成情况纳入年度考核，推动创建工作常态长效。")
    doc.attachment_title = f"{region.name}{year}年生态文明建设示范区建设指标达标情况表"
    doc.attachment = indicator_table(a)
    return doc


