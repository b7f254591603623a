"""创建自评报告: the structure of a region's self-evaluation for the 国家生态文明建设示范区
application — 基本情况, 创建工作开展情况, 指标达标情况 (every indicator: value, target, status,
evidence), 特色与亮点, 存在问题与下一步, and the 自评结论 with what blocks it."""
from __future__ import annotations

from ecociv.core.fmt import cn_date, percent, plain
from ecociv.core.targets import CLASS_LABELS, Status
from ecociv.reports import ledger_text
from ecociv.reports.data import ReportData
from ecociv.reports.document import Document
from ecociv.reports.prose import (
    PENDING_MARK,
    TYPE_LABELS,
    change_sentence,
    changes,
    departments,
    indicator_brief,
    indicator_table,
    reference_share_sentence,
    target_text,
    value_text,
)
from ecociv.reports.summary import addressee_of, listing, office_of

LEVEL_TITLES = {"city": "国家生态文明建设示范市", "county": "国家生态文明建设示范县（市、区）"}


def _class_text(region) -> str:
    parts = []
    for attr in ("zone", "terrain", "special_zone", "city_size"):
        v = getattr(region, attr, "")
        if v and v in CLASS_LABELS:
            parts.append(CLASS_LABELS[v])
    if getattr(region, "coastal", False):
        parts.append("沿海地区")
    return "、".join(parts)


def _evidence_text(names: list[str]) -> str:
    if not names:
        return "无"
    return "、".join(f"《{n}》" for n in names)


def build_self_evaluation(data: ReportData) -> Document:
    a, region, year = data.assessment, data.region, data.year
    s = a.summary
    title = LEVEL_TITLES.get(region.level, "国家生态文明建设示范区")
    doc = Document("self-evaluation", f"{region.name}{title}创建自评报告（{year}年度）",
                   addressee=addressee_of(region), office=office_of(region), date=cn_date(data.date))
    std = a.standard.title if a.standard else "国家生态文明建设示范区建设指标"
    doc.p(f"根据生态文明建设示范区创建管理的有关要求，{region.name}对照《{std}》，"
          f"以{year}年度数据对创建工作和指标达标情况进行了自评估，现将有关情况报告如下。")

    doc.h1("基本情况")
    parent = region.parent.name if region.parent else ""
    cls = _class_text(region)
    doc.p(f"{region.name}（行政区划代码{region.code}）隶属{parent or '—'}，"
          f"{'按' + cls + '类别适用指标目标值，' if cls else ''}本次自评采用《{std}》"
          f"和《{a.rules.title}》。")
    doc.p(f"{year}年共评估指标{s['total']}项，其中约束性指标{s['binding_total']}项、达标{s['binding_met']}项；"
          f"{reference_share_sentence(a)}。")

    doc.h1("创建工作开展情况")
    tasks = data.tasks
    doc.h2("组织领导和责任分解")
    if tasks.get("total"):
        doc.p(f"按指标牵头部门分解任务，{year}年向{tasks['departments']}个部门下达填报任务{tasks['total']}项，"
              f"已审核{tasks['approved']}项、已提交待审核{tasks['submitted']}项、填报中{tasks['open']}项、"
              f"退回修改{tasks['returned']}项，逾期未审核{tasks['overdue']}项。")
    else:
        doc.p(f"{year}年尚未在平台下达填报任务。")
    for line in ledger_text.responsibility_sentences(data.ledger or {}):
        doc.p(line)
    projects = ledger_text.project_sentences(data) if data.ledger else []
    if projects:
        doc.h2("重点工程建设")
        for line in projects:
            doc.p(line)
    if data.ledger:
        funds = ledger_text.fund_sentences((data.ledger or {}).get("funds") or {})
        acts = ledger_text.activity_sentences(data.ledger)
        if funds or acts:
            doc.h2("资金保障和宣传执法")
            for line in funds + acts:
                doc.p(line)
        ranking = ledger_text.ranking_sentences(data)
        if ranking:
            doc.h2("考核督导")
            for line in ranking:
                doc.p(line)

    doc.h1("指标达标情况")
    doc.p(f"全部指标中达标{s['met']}项、未达标{s['not_met']}项、数据缺失{s['missing']}项、待核实{s['pending']}项、"
          f"不适用{s['not_applicable']}项。逐项情况如下：")
    by_area: dict[str, list] = {}
    for r in a.indicators:
        by_area.setdefault(r.area, []).append(r)
    for area, results in by_area.items():
        met = sum(r.status == Status.MET for r in results)
        doc.h2(f"{area}（{len(results)}项，达标{met}项）")
        for r in results:
            kind = TYPE_LABELS.get(r.type, "")
            doc.h3(f"{r.name}{'（' + kind + '）' if kind else ''}")
            for row in r.rows():
                prefix = f"分项“{row.name}”：" if row is not r else ""
                if row.sub_items:
                    doc.p(f"{prefix}达标情况：{row.status.label}（{row.reason}）。")
                    continue
                mark = PENDING_MARK if row.status == Status.PENDING else ""
                line = (f"{prefix}现状值{value_text(row)}{mark}，目标值{target_text(row)}，达标情况：{row.status.label}")
                if row.status in (Status.NOT_MET,) and row.gap is not None:
                    line += f"，差距{plain(abs(row.gap))}"
                line += f"；牵头单位：{row.lead_department or '未明确'}；佐证材料：{_evidence_text(data.evidence.get(row.indicator.pk, []))}。"
                doc.p(line)
    doc.table(indicator_table(a))

    doc.h1("特色与亮点")
    highlights = 0
    ch = changes(data)
    better = [x for x in ch if x[2] == "better"]
    exceeding = sorted([r for r in a.rows() if r.status == Status.MET and r.gap_share is not None and r.gap_share > 0
                        and not r.sub_items], key=lambda r: -r.gap_share)[:5]
    if exceeding:
        highlights += 1
        doc.p("超额完成目标较多的指标：" + "；".join(
            f"{r.name}{value_text(r)}，高于目标{percent(r.gap_share * 100)}" for r in exceeding) + "。")
    if better:
        highlights += 1
        doc.p("同比改善的指标：" + "；".join(change_sentence(r, t) for r, t, _ in better[:5]) + "。")
    if not highlights:
        doc.p("本年度暂无可由数据支撑的亮点，建议结合实际补充典型做法。")

    doc.h1("存在问题与下一步工作")
    failing = [r for r in a.indicators if r.status in (Status.NOT_MET, Status.MISSING)]
    if failing:
        doc.p(f"{len(failing)}项指标未达标或缺少数据：" + "；".join(indicator_brief(r) for r in failing)
              + f"。下一步将督促{departments(failing)}逐项整改、补齐数据。")
    else:
        doc.p("各项适用指标均已达标或待审核，下一步将巩固提升，做好复核和佐证材料归档。")
    pending = [r for r in a.rows() if r.status == Status.PENDING]
    if pending:
        doc.note(f"{len(pending)}项指标（含分项）的数值已提交、尚未审核（待核实）：{listing([r.name for r in pending])}，"
                 "其达标情况以审核结果为准。")
    ledger_text.finding_notes(doc, data)

    doc.h1("自评结论")
    if not a.blocking:
        doc.p(f"经自评，{region.name}{year}年{a.verdict_label}：约束性指标{s['binding_total']}项全部达标，"
              f"参考性指标达标比例满足要求，未发现前提条件不满足或否决情形。")
    else:
        doc.p(f"经自评，{region.name}{year}年{a.verdict_label}。制约申报的因素共{len(a.blocking)}项：")
        for i, b in enumerate(a.blocking, start=1):
            doc.p(f"（{i}）{b.name}：{b.reason}。")
    for w in a.warnings:
        doc.note(w)
    doc.attachment_title = ""
    doc.attachment = None
    return doc


