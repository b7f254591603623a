"""The ledger's sentences in the documents: projects by status, investment by source, fund
execution, activities and enforcement, the ranking, and the ledger's findings as marked notes.
Every figure is the one `ledger_summary` / `rank_children` return; nothing is summed here."""
from __future__ import annotations

from decimal import Decimal

from ecociv.core.fmt import money, percent, plain, rank, rank_change
from ecociv.reports.data import ReportData
from ecociv.reports.document import Document

STATUSES = ["已完成", "部分完成", "在建", "未开工"]
SOURCES = ["中央", "省级", "市级", "县级", "社会资本"]


def _dec(x) -> Decimal:
    return Decimal(str(x)) if x not in (None, "") else Decimal(0)


def project_sentences(data: ReportData) -> list[str]:
    led = data.ledger or {}
    projects = led.get("projects") or {}
    total = projects.get("total") or 0
    inv = led.get("investment_wanyuan") or {}
    if not total:
        return [f"{data.year}年台账尚未登记重点工程项目（0个，计划总投资{money(_dec(inv.get('planned')))}）。"]
    by_status = projects.get("by_status") or {}
    status_text = "、".join(f"{k}{by_status[k]}个" for k in STATUSES if by_status.get(k))
    out = [f"全年纳入台账的重点工程项目共{total}个，其中{status_text}。"]
    planned, completed = _dec(inv.get("planned")), _dec(inv.get("completed"))
    line = f"项目计划总投资{money(planned)}，累计完成投资{money(completed)}"
    if planned:
        line += f"，完成率{percent(completed * 100 / planned)}"
    out.append(line + "。")
    by_source = inv.get("by_source") or {}
    counts = led.get("projects_by_source") or {}
    parts = [f"{k if k == '社会资本' else k + '资金'}{money(_dec(by_source[k]))}（涉及{counts.get(k, 0)}个项目）" for k in SOURCES
             if _dec(by_source.get(k))]
    if parts:
        out.append("按资金来源分，" + "，".join(parts) + "。")
    return out


def responsibility_sentences(led: dict) -> list[str]:
    r = (led or {}).get("responsibilities") or {}
    if not r.get("total"):
        return []
    line = f"台账列入责任清单的工作任务{r['total']}项，已完成{r.get('done', 0)}项"
    if r.get("overdue"):
        depts = "、".join(f"{d}（{n}项）" for d, n in (r.get("overdue_by_department") or {}).items())
        line += f"，逾期未完成{r['overdue']}项" + (f"，涉及{depts}" if depts else "")
    return [line + "。"]


def work_sections(doc: Document, data: ReportData) -> None:
    if data.ledger is None:
        return
    resp = responsibility_sentences(data.ledger)
    if resp:
        doc.h2("责任清单落实")
        for line in resp:
            doc.p(line)
    projects = project_sentences(data)
    if projects:
        doc.h2("重点工程项目有序推进" if ((data.ledger or {}).get("projects") or {}).get("total") else "重点工程项目")
        for line in projects:
            doc.p(line)
    funds = (data.ledger or {}).get("funds") or {}
    if funds:
        lines = fund_sentences(funds)
        if lines:
            doc.h2("资金保障和预算绩效")
            for line in lines:
                doc.p(line)
    acts = activity_sentences(data.ledger)
    if acts:
        doc.h2("宣传发动和执法监管")
        for line in acts:
            doc.p(line)
    ranking = ranking_sentences(data)
    if ranking:
        doc.h2("考核排名")
        for line in ranking:
            doc.p(line)


def fund_sentences(funds: dict) -> list[str]:
    out = []
    budget, executed = _dec(funds.get("budget_wanyuan") or funds.get("allocated")), _dec(
        funds.get("executed_wanyuan") or funds.get("executed"))
    if budget:
        line = f"全年安排生态文明建设资金{money(budget)}，已执行{money(executed)}"
        rate = funds.get("execution_rate")
        if rate not in (None, ""):
            line += f"，执行率{percent(_dec(rate))}"
            if funds.get("time_elapsed") not in (None, ""):
                line += f"（序时进度{percent(_dec(funds['time_elapsed']))}）"
        out.append(line + "。")
    return out


def activity_sentences(led: dict) -> list[str]:
    out = []
    acts = led.get("activities") or {}
    if isinstance(acts, dict) and acts:
        parts = []
        for kind, v in acts.items():
            n = v.get("count") if isinstance(v, dict) else v
            unit = v.get("unit", "") if isinstance(v, dict) else ""
            label = v.get("label", kind) if isinstance(v, dict) else kind
            if _dec(n):
                parts.append(f"{label}{plain(_dec(n))}{unit}")
        if parts:
            out.append("全年开展创建宣传和创建活动：" + "，".join(parts) + "。")
    enf = led.get("enforcement") or {}
    if isinstance(enf, dict) and enf:
        parts = []
        for key, label, unit in (("inspections", "开展执法检查", "次"), ("cases", "立案查处环境违法案件", "件")):
            if _dec(enf.get(key)):
                parts.append(f"{label}{plain(enf[key])}{unit}")
        if _dec(enf.get("fines_wanyuan")):
            parts.append(f"处罚金额{money(_dec(enf['fines_wanyuan']))}")
        if parts:
            out.append("生态环境执法方面，" + "，".join(parts) + "。")
    return out


def ranking_sentences(data: ReportData) -> list[str]:
    out = []
    own = data.own_rank
    if own:
        parent = data.region.parent.name if data.region.parent else ""
        out.append(f"在{parent}{data.year}年创建工作考核中，{data.region.name}得分{plain(_dec(own.get('score')))}分，"
                   f"在{own.get('of')}个参评地区中{rank_change(own.get('previous_rank'), own['rank'])}。")
    if data.ranking and len({str(_dec(r.get("score"))) for r in data.ranking}) == 1:
        out.append(f"对所辖{len(data.ranking)}个地区开展年度考核，各地区得分相同（{plain(_dec(data.ranking[0].get('score')))}分），"
                   "尚未拉开差距。")
    elif data.ranking:
        top = [r for r in data.ranking[:3] if (_dec(r.get("score")) or 0) > 0]  # a 0 is not "排名靠前"
        parts = [f"{r['name']}（{plain(_dec(r.get('score')))}分，{rank(r['rank'])}）" for r in top]
        out.append(f"对所辖{len(data.ranking)}个地区开展年度考核，排名靠前的是" + "、".join(parts) + "。")
    return out


def problem_sections(doc: Document, data: ReportData) -> int:
    led = data.ledger
    if not led:
        return 0
    n = 0
    by_status = (led.get("projects") or {}).get("by_status") or {}
    if by_status.get("未开工"):
        n += 1
        doc.h2("部分重点项目推进滞后")
        doc.p(f"{by_status['未开工']}个重点工程项目尚未开工，影响相关指标的改善进度。")
    lagging = ((led.get("funds") or {}).get("lagging")) or []
    if lagging:
        n += 1
        doc.h2("部分资金执行进度滞后")
        elapsed = (led.get("funds") or {}).get("time_elapsed")
        names = "、".join(f"{x.get('name')}（执行率{percent(_dec(x.get('rate')))}）" for x in lagging[:8])
        doc.p(f"{len(lagging)}项资金执行进度慢于序时进度" + (f"（{percent(_dec(elapsed))}）" if elapsed else "")
              + f"：{names}。")
    overdue = ((led.get("responsibilities") or {}).get("overdue")) or 0
    if overdue:
        n += 1
        doc.h2("部分责任任务逾期")
        doc.p(responsibility_sentences(led)[0])
    return n


def finding_notes(doc: Document, data: ReportData) -> None:
    """A ledger entry whose parts disagree with its total is quoted as the ledger holds it, and
    the reader is told: the note names each entry and what disagrees."""
    findings = (data.ledger or {}).get("findings") or []
    if not findings:
        return
    shown = "；".join(f"{f.get('ref', '')}：{f.get('message', '')}" for f in findings[:10])
    listed = "前10处：" if len(findings) > 10 else ""
    doc.note(f"台账中有{len(findings)}处数据前后不一致（{listed}{shown}）。文中相关合计按台账登记数引用，核实后请更正。")


def next_sections(doc: Document, data: ReportData) -> None:
    led = data.ledger
    if not led:
        return
    by_status = (led.get("projects") or {}).get("by_status") or {}
    pending = (by_status.get("在建") or 0) + (by_status.get("未开工") or 0)
    if pending:
        doc.h2("加快重点工程建设")
        doc.p(f"对在建的{by_status.get('在建') or 0}个和未开工的{by_status.get('未开工') or 0}个重点工程项目，"
              "实行清单化管理，加快资金拨付和建设进度。")
