"""The indicator list of one assessment as .xlsx: what the assessment page shows, one row per
indicator and sub-item, so the 创建办 can file it or send it up."""
from openpyxl import Workbook

from ecociv.assessment.engine import Assessment
from ecociv.assessment.present import value_cell
from ecociv.core.xlsx import add_sheet, response, status_fill

HEADER = ["序号", "指标名称", "领域", "属性", "单位", "数值", "目标值", "目标来源", "上级下达目标", "差距", "达标情况",
          "趋势", "趋势说明", "判定依据", "牵头部门", "数值状态"]


def assessment_rows(a: Assessment) -> list[list]:
    rows = []
    for r in a.rows():
        rows.append([r.code, r.name, r.area, {"binding": "约束性", "reference": "参考性"}.get(r.type, ""),
                     r.indicator.unit, value_cell(r), r.target_display, r.target_label,
                     r.assigned.display if r.assigned else "", r.gap,
                     r.status.label, r.trend.label if r.trend else "", r.trend.reason if r.trend else "", r.reason,
                     r.lead_department, {"approved": "已审核", "submitted": "已提交", "draft": "草稿",
                                         "returned": "已退回"}.get(r.value_status, "未填报")])
    return rows


def assessment_workbook(a: Assessment):
    wb = Workbook()
    s = a.summary
    caption = (f"{a.region.name}（{a.region.code}）{a.year}年达标评估：{a.verdict_label}　约束性达标 "
               f"{s['binding_met']}/{s['binding_total']}，参考性达标 {s['reference_met']}/{s['reference_total']}，"
               f"缺失 {s['missing']}，待核实 {s['pending']}（判定规则 {a.rules.version_label}）")
    rows = assessment_rows(a)
    ws, r0 = add_sheet(wb, "指标达标情况", HEADER, rows, caption=caption,
                       widths={2: 34, 7: 26, 13: 30, 14: 40, 15: 16})
    for i, r in enumerate(a.rows(), start=r0 + 1):
        fill = status_fill(r.status)
        if fill:
            ws.cell(i, 11).fill = fill
    add_sheet(wb, "不达标原因", ["编码", "名称", "原因"], [[b.code, b.name, b.reason] for b in a.blocking],
              widths={2: 40, 3: 80})
    add_sheet(wb, "判定规则参数", ["参数", "取值", "是否核实", "来源"],
              [[p.label, p.value, "已核实" if p.verified else "未核实", p.source] for p in a.rules.parameters.values()],
              widths={1: 36, 4: 60})
    return response(wb, f"{a.region.name}{a.year}年达标评估.xlsx")
