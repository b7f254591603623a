"""A year of plausible ledger entries for the demo city and its counties and towns, written
the way an office would: generated sheets imported through the same planner and action as
a real file (so the demo is audited and idempotent — the second run finds every row 未变),
then the 考核 rankings of 2024 and 2025 published for the history.

The figures are invented but shaped like the seeds (a county's sewage plant of 5,600 万元,
85 news items, 9 briefs, 56 banners, 5,000 volunteers on 3月5日, fines in 万元); a few entries
disagree on purpose (a split that does not add up, a fund that lags) so the findings show.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal

from ecociv.ledger.importing import SPECS, plan_import

YEAR = 2025
PROJECT_TEMPLATES = [  # (name pattern, category, lead department, planned range 万元)
    ("{c}污水处理厂提标改造工程", "污水处理", "住房和城乡建设局", (3000, 6000)),
    ("{t}生活污水管网建设", "污水处理", "住房和城乡建设局", (600, 1800)),
    ("{c}生活垃圾转运站建设", "垃圾处理", "城市管理局", (800, 2400)),
    ("{c}集中式饮用水源地规范化建设", "饮用水源保护", "生态环境局", (500, 1500)),
    ("{t}河道生态修复工程", "生态修复", "水利局", (1200, 3600)),
    ("{t}农村人居环境整治", "农村环境整治", "农业农村局", (400, 1200)),
    ("{c}生态农业示范园", "产业", "农业农村局", (2000, 8000)),
    ("{c}生态环境监测能力建设", "能力建设", "生态环境局", (200, 600)),
    ("{t}矿山生态修复", "生态修复", "自然资源局", (900, 2700)),
]
RESPONSIBILITY_TEMPLATES = [  # (title, lead, helpers, month due, indicator)
    ("编制并印发生态文明建设示范区规划", "生态环境局", "发展和改革局、自然资源局", 3, "1"),
    ("将生态文明建设纳入党政实绩考核", "党委组织部", "生态环境局", 4, "2"),
    ("落实河长制湖长制年度任务", "水利局", "生态环境局、农业农村局", 6, ""),
    ("城镇污水处理率达到目标", "住房和城乡建设局", "生态环境局", 10, ""),
    ("完成城市建成区黑臭水体整治", "住房和城乡建设局", "水利局", 9, ""),
    ("推进农村生活垃圾分类收运处置", "农业农村局", "城市管理局", 11, ""),
    ("开展秸秆综合利用", "农业农村局", "生态环境局", 10, ""),
    ("创建绿色学校", "教育局", "生态环境局", 12, ""),
    ("开展生态文明宣传教育进机关、进社区", "党委宣传部", "生态环境局、团委", 12, ""),
    ("完成年度造林绿化任务", "林业局", "自然资源局", 5, ""),
    ("落实政府绿色采购", "财政局", "市场监督管理局", 12, ""),
    ("建设项目环评执行率100%", "生态环境局", "发展和改革局", 12, ""),
]
SOURCES = ["中央", "省级", "市级", "县级", "社会资本"]


def _rng(*parts) -> random.Random:
    return random.Random("ledger-demo|" + "|".join(str(p) for p in parts))  # nosec B311  # demo figures, not security


def _csv(kind: str, rows: list[dict]) -> bytes:
    headers = [c.header for c in SPECS[kind].columns]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(h, "") for h in headers])
    return buf.getvalue().encode("utf-8")


def _wan(x: float) -> Decimal:
    return Decimal(str(round(x, 1)))


def _projects(reg, towns, year: int, strength: float) -> list[dict]:
    rng = _rng(reg.code, year, "projects")
    rows = []
    n = 5 if reg.level == "city" else 8
    for i, (pattern, category, dept, (lo, hi)) in enumerate(rng.sample(PROJECT_TEMPLATES, n)):
        at = reg if reg.level == "city" or not towns or "{t}" not in pattern else towns[i % len(towns)]
        name = pattern.format(c=reg.name, t=at.name)
        planned = _wan(rng.uniform(lo, hi))
        weights = [rng.random() for _ in SOURCES]
        if category != "产业":
            weights[4] = 0
        else:
            weights = [0, 0, 0, weights[3] * 0.2, 1]
        total_w = sum(weights)
        split = [_wan(float(planned) * w / total_w) for w in weights]
        split[max(range(5), key=lambda k: weights[k])] += planned - sum(split)  # parts add up exactly
        roll = rng.random() + strength * 0.3
        status = "已完成" if roll > 0.85 else "在建" if roll > 0.35 else "部分完成" if roll > 0.25 else "未开工"
        done_share = {"已完成": 1, "在建": rng.uniform(0.3, 0.8), "部分完成": rng.uniform(0.5, 0.7),
                      "未开工": 0}[status]
        completed = _wan(float(planned) * done_share) if status != "已完成" else planned
        row = {"区划代码": at.code, "年度": year, "项目名称": name, "类别": category, "牵头单位": dept, "状态": status,
               "计划投资(万元)": f"{planned}", "累计完成投资(万元)": f"{completed}" if completed else "",
               "开工日期": f"{year - (1 if status == '已完成' else 0)}-{rng.randint(3, 9):02d}-01"}
        for label, amount in zip(SOURCES, split, strict=True):
            row[f"{'社会资本' if label == '社会资本' else label + '资金'}(万元)"] = f"{amount}" if amount else ""
        rows.append(row)
    if reg.level == "county" and rows:
        # One split that does not add up, as real sheets have: the ledger flags it.
        r = rows[-1]
        key = next(k for k in ("县级资金(万元)", "省级资金(万元)", "中央资金(万元)") if r.get(k))
        r[key] = str(Decimal(r[key]) + Decimal("120"))
    return rows


def _funds(reg, projects: list[dict], year: int, strength: float) -> list[dict]:
    rng = _rng(reg.code, year, "funds")
    rows = []
    programmes = [(f"{reg.name}生态文明建设示范区创建工作经费", "县级" if reg.level == "county" else "市级", 206,
                   "宣传活动（场）", 20, "")]
    if reg.level == "county":
        programmes.append(("农村环境整治专项资金", "省级", 500, "整治行政村（个）", 14, ""))
    for p in projects[:5]:
        src = next((s for s in SOURCES if p.get(f"{s}资金(万元)")), None)
        if src and p["状态"] != "未开工":
            amount = Decimal(p[f"{src}资金(万元)"])
            programmes.append((p["项目名称"] + "资金", src, amount, "", None, p))
    for name, source, budget, perf, target, project in programmes:
        budget = Decimal(str(budget))
        pace = min(1.0, rng.uniform(0.55, 1.0) + strength * 0.1)
        owner = project["区划代码"] if project else reg.code
        row = {"区划代码": owner, "年度": year, "资金名称": name, "资金来源": source, "预算金额(万元)": str(budget),
               "主管单位": "财政局"}
        if project:
            row["关联项目"] = project["项目名称"]
        spent = Decimal(0)
        for m in range(1, 13):
            month_share = Decimal(str(round(pace * rng.uniform(0.5, 1.5) / 12, 4)))
            amt = (budget * month_share).quantize(Decimal("0.1"))
            if spent + amt > budget * Decimal(str(pace)):
                amt = max(Decimal(0), (budget * Decimal(str(pace)) - spent).quantize(Decimal("0.1")))
            spent += amt
            row[f"{m}月执行(万元)"] = str(amt) if amt else ""
        if perf:
            row["绩效指标"] = perf
            row["绩效目标值"] = str(target)
            row["绩效实际值"] = str(max(1, round(target * min(1.1, pace + rng.uniform(-0.2, 0.15)))))
        rows.append(row)
    return rows


def _activities(reg, year: int, strength: float) -> list[dict]:
    rng = _rng(reg.code, year, "activities")
    k = 1 + strength * 0.3
    code, rows = reg.code, []

    def add(kind, title, date, count, **extra):
        rows.append({"区划代码": code, "年度": year, "类别": kind, "事项": title, "日期": date, "数量": str(count),
                     "牵头单位": extra.pop("dept", "党委宣传部"), **extra})

    add("新闻报道", "电视台播放生态创建新闻", f"{year}-12-31", int(rng.randint(60, 90) * k))
    add("简报", "编印创建工作简报", f"{year}-12-31", rng.randint(6, 12))
    add("专栏", "制作创建宣传专栏", f"{year}-12-31", rng.randint(8, 14))
    add("横幅", "悬挂宣传横幅", f"{year}-06-05", rng.randint(40, 70))
    add("标语", "张贴宣传标语", f"{year}-06-05", rng.randint(800, 1500))
    add("宣传资料", "散发宣传资料", f"{year}-06-05", rng.randint(8, 15) * 1000)
    add("培训", "生态环境法律法规培训班", f"{year}-04-{rng.randint(10, 28)}", rng.randint(2, 5),
        参与人数=str(rng.randint(80, 200)), dept="生态环境局")
    add("宣传活动", "六五环境日主题宣传活动", f"{year}-06-05", 1, 参与人数=str(rng.randint(800, 1500)),
        dept="生态环境局")
    add("志愿服务", "“保护母亲河”志愿服务活动", f"{year}-03-05", 1, 参与人数=str(rng.randint(2000, 5000)), dept="团委")
    add("绿色学校", "绿色学校创建", f"{year}-11-20", rng.randint(2, 5), 级别="市级", dept="教育局")
    add("绿色社区", "绿色社区创建", f"{year}-11-20", rng.randint(1, 4), 级别="县级", dept="住房和城乡建设局")
    add("绿色家庭", "绿色家庭评选", f"{year}-11-20", rng.randint(30, 80), 级别="县级", dept="妇联")
    add("执法检查", "环境执法检查", f"{year}-12-31", rng.randint(150, 400), dept="生态环境局")
    add("立案查处", "环境违法案件立案查处", f"{year}-12-31", rng.randint(8, 30), dept="生态环境局",
        **{"金额(万元)": str(_wan(rng.uniform(20, 160)))})
    add("关停取缔", "关闭取缔“散乱污”企业", f"{year}-09-30", rng.randint(5, 30), dept="生态环境局")
    return rows


def _responsibilities(reg, year: int, strength: float) -> list[dict]:
    rng = _rng(reg.code, year, "responsibilities")
    rows = []
    for title, lead, helpers, month, indicator in RESPONSIBILITY_TEMPLATES:
        roll = rng.random() + strength * 0.25
        progress = 100 if roll > 0.3 else rng.choice([40, 60, 80, 90])
        rows.append({"区划代码": reg.code, "年度": year, "任务": title, "牵头单位": lead, "配合单位": helpers,
                     "完成时限": f"{year}-{month:02d}-{28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31}",
                     "进度(%)": str(progress), "关联指标": indicator})
    return rows


def build_ledger_demo(city, counties, *, by, strong=frozenset()) -> dict:
    """Idempotent: a second call imports the same rows and changes nothing."""
    from ecociv.ledger import actions
    from ecociv.ledger.models import Letter, RankingResult

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    regions = [city, *counties]
    towns = {c.pk: list(c.children.order_by("code")) for c in counties}
    for year in (YEAR - 1, YEAR):
        per_kind = {k: [] for k in ("projects", "funds", "activities", "responsibilities")}
        for reg in regions:
            strength = 1.0 if reg.code in strong else 0.0
            if year < YEAR:  # the year before: a weaker start, for the ranking history
                strength = 0.5 - strength * 0.5
            projects = _projects(reg, towns.get(reg.pk, []), year, strength)
            per_kind["projects"] += projects
            per_kind["funds"] += _funds(reg, projects, year, strength)
            if year == YEAR:
                per_kind["activities"] += _activities(reg, year, strength)
                for t in towns.get(reg.pk, []):
                    per_kind["activities"] += _activities(t, year, strength - 0.5)[:3]
            per_kind["responsibilities"] += _responsibilities(reg, year, strength)
        for kind in ("projects", "funds", "activities", "responsibilities"):
            if not per_kind[kind]:
                continue
            plan = plan_import(f"演示{kind}.csv", kind, by=by, data=_csv(kind, per_kind[kind]),
                               name=f"演示数据-{SPECS[kind].label}-{year}.csv")
            if plan.errors:
                raise RuntimeError("演示台账数据有误：" + "；".join(plan.errors[:5]))
            for k, v in plan.counts().items():
                if k in counts:
                    counts[k] += v
            if any(r.outcome != "unchanged" for r in plan.rows):
                actions.apply_import(plan, by=by)
    for reg in counties:
        for title, parties in (("生态文明建设目标责任书", f"{reg.name}人民政府—各乡镇（街道）"),
                               ("生态文明建设示范区创建任务责任书", f"{reg.name}人民政府—各有关部门")):
            if not Letter.objects.filter(region=reg, year=YEAR, title=title).exists():
                actions.save_letter(by=by, region=reg, year=YEAR, title=title, parties=parties,
                                    signed_on=dt.date(YEAR, 3, 15), file=_letter_file(reg, title, parties))
    for parent in regions:
        for year in (YEAR - 1, YEAR):
            if not RankingResult.objects.filter(parent=parent, year=year).exists():
                actions.publish_ranking(by=by, parent=parent, year=year)
    return counts


def _letter_file(region, title: str, parties: str):
    """A small .docx standing for the signed letter's scan, so the demo's download link works."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document
    from docx.oxml.ns import qn

    d = Document()
    d.styles["Normal"].font.name = "宋体"
    d.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading(title, level=1)
    d.add_paragraph(f"签订各方：{parties}")
    d.add_paragraph(f"{region.name}（演示数据：代表签字盖章后的扫描件）")
    buf = io.BytesIO()
    d.save(buf)
    return SimpleUploadedFile(f"{title}.docx", buf.getvalue())
