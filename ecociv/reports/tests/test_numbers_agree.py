"""Must hold 6: every number in the generated prose is a figure the assessment engine (or the
ledger) computes. The reports are regenerated for demo-like data, read back from the .docx,
and each number in the text is checked against figures this test derives from `assess`
itself; the key sentences are checked exactly."""
import datetime as dt
import re
from decimal import Decimal

import pytest

from ecociv.assessment.engine import assess
from ecociv.core.fmt import plain
from ecociv.core.targets import Status
from ecociv.entry.actions.tasks import assign_by_lead_department
from ecociv.entry.models import Task
from ecociv.reports.generate import generate
from ecociv.reports.tests.helpers import NUMBER, TODAY, docx_text, fill_values

COUNTED = {Status.MET, Status.NOT_MET, Status.PENDING}


def _ranking_figures(region, year) -> set[str]:
    """The 考核 ranking sentence quotes the ledger's ranking engine: score, rank, number ranked."""
    from ecociv.reports.data import ledger_parts

    _, ranking, own = ledger_parts(region, year)
    out: set[str] = set()
    for r in (ranking or []) + ([own] if own else []):
        out |= {r["score"], plain(Decimal(r["score"])), str(r["rank"]), str(r.get("of") or ""), str(r.get("previous_rank") or "")}
    return out


def _figures(a, prev) -> set[str]:
    """Every figure the documents may quote, derived from the two assessments directly."""
    out: set[str] = set()

    def add(x, *places):
        if x is None:
            return
        d = Decimal(str(x))
        out.add(plain(d))
        for p in places:
            out.add(plain(d, p))

    for assessment in (a, prev):
        for v in assessment.summary.values():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                add(v)
        add(assessment.summary["total"] - assessment.summary["not_applicable"])
        for c in assessment.by_area().values():
            for v in c.values():
                add(v)
    for area in {r.area for r in a.indicators}:
        add(sum(r.area == area for r in a.indicators))
    s = a.summary
    add(Decimal(s["reference_met"]) * 100 / Decimal(s["reference_total"]), 1)
    add(Decimal(str(s["reference_min_share"])) * 100, 0)
    for r in a.rows():
        add(r.value)
        if r.gap is not None:
            add(abs(r.gap))
        if r.gap_share is not None:
            add(r.gap_share * 100, 1)
        for n in NUMBER.findall(r.target_display or ""):
            add(n)
    return out


def _changes(a, prev):
    """同比 of each leaf, recomputed here: rate units by percentage points, others relative."""
    prev_rows = {r.code: r for r in prev.rows()}
    out = []
    for r in a.rows():
        p = prev_rows.get(r.code)
        if r.sub_items or r.value is None or r.status not in COUNTED or p is None or p.value is None \
                or p.status not in (Status.MET, Status.NOT_MET):
            continue
        direction = r.indicator.direction or (r.indicator.parent.direction if r.indicator.parent_id else "")
        if direction not in ("higher", "lower"):
            continue
        if (r.indicator.unit or "") == "%":
            delta = plain(abs(r.value - p.value), 1)
        else:
            delta = plain(abs(r.value - p.value) * 100 / abs(p.value), 1) if p.value else plain(abs(r.value))
        same = Decimal(delta) == 0
        better = (r.value > p.value) == (direction == "higher")
        out.append((r, delta, "same" if same else "better" if better else "worse"))
    return out


@pytest.fixture
def data(world):
    fill_values(world.county, [2024, 2025], by=world.admin)
    assign_by_lead_department(world.county, 2025, by=world.admin, deadline=TODAY - dt.timedelta(days=3))
    return world


def _strip(text: str, a) -> str:
    """Remove what is quoted verbatim rather than computed for the document: names (PM2.5),
    engine explanations (their figures are the engine's own), the standard's title."""
    names = sorted({r.name for r in a.rows()} | {a.standard.title}, key=len, reverse=True)
    for b in a.blocking:
        text = text.replace(b.reason, "")
    for r in a.rows():
        if r.reason:
            text = text.replace(r.reason, "")
    for n in names:
        text = text.replace(n, "")
    return text.replace(a.rules.version, "").replace(a.standard.code, "")


def test_every_number_in_the_summary_is_the_engines(data):
    w = data
    a, prev = assess(w.county, 2025), assess(w.county, 2024)
    out = generate(w.county, 2025, "summary", "docx", user=w.admin, today=TODAY)
    paras, _ = docx_text(out.data)
    text = "\n".join(t for _, t in paras)
    s, ps = a.summary, prev.summary
    # The key sentences, exactly.
    assert f"约束性指标{s['binding_total']}项，达标{s['binding_met']}项" in text
    share = plain(Decimal(s["reference_met"]) * 100 / Decimal(s["reference_total"]), 1)
    assert f"参考性指标{s['reference_total']}项，达标{s['reference_met']}项，达标比例{share}%" in text
    assert (f"达标{s['met']}项、未达标{s['not_met']}项、数据缺失{s['missing']}项、待核实{s['pending']}项") in text
    if ps["met"] != s["met"]:
        assert f"达标指标由{ps['met']}项" in text and f"{s['met']}项" in text
    ch = _changes(a, prev)
    n_better = sum(c[2] == "better" for c in ch)
    n_worse = sum(c[2] == "worse" for c in ch)
    assert f"在有连续两年数据的{len(ch)}项定量指标中，{n_better}项向好、{n_worse}项回落" in text
    # The first eight improved (and the first eight worsened) indicators are quoted with their 同比.
    for kind in ("better", "worse"):
        for r, delta, _ in [c for c in ch if c[2] == kind][:8]:
            word = "个百分点" if r.indicator.unit == "%" else "%"
            pattern = re.escape(r.name) + r"[^；。]*同比(上升|下降)" + re.escape(delta) + re.escape(word)
            assert re.search(pattern, text), r.name
    tasks = Task.objects.filter(region=w.county, year=2025)
    assert f"下达填报任务{tasks.count()}项" in text
    # Every number left after removing quoted names and engine explanations is a figure
    # computed from the assessments (or the task list, the years and the date).
    allowed = _figures(a, prev) | {str(x) for x in (2023, 2024, 2025, 2026, 11, 30)}
    allowed |= {str(len(ch)), str(n_better), str(n_worse), str(len(ch) - n_better - n_worse)}
    allowed |= {delta for _, delta, _ in ch}
    allowed |= {str(tasks.count()), str(tasks.values("department").distinct().count())}
    allowed |= {str(tasks.filter(status=st).count()) for st in ("open", "submitted", "approved", "returned")}
    allowed |= {str(len(a.blocking))} | _ranking_figures(w.county, 2025)
    fails = {
        "binding": sum(r.type == "binding" and r.status in (Status.NOT_MET, Status.MISSING) for r in a.indicators),
        "reference": sum(r.type == "reference" and r.status == Status.NOT_MET for r in a.indicators),
        "missing_other": sum(r.status == Status.MISSING and r.type != "binding" for r in a.indicators),
        "pending_rows": sum(r.status == Status.PENDING for r in a.rows()),
    }
    allowed |= {str(v) for v in fails.values()} | {str(fails["binding"] + fails["reference"])}
    body = _strip(text, a)
    unexplained = [n for n in NUMBER.findall(body) if n not in allowed]
    assert not unexplained, unexplained
    if fails["pending_rows"]:
        assert f"※ 数据提示：{fails['pending_rows']}项指标（含分项）的数值已提交、尚未审核（待核实）" in text


def test_every_number_in_the_self_evaluation_is_the_engines(data):
    w = data
    a, prev = assess(w.county, 2025), assess(w.county, 2024)
    out = generate(w.county, 2025, "self-evaluation", "docx", user=w.admin, today=TODAY)
    paras, tables = docx_text(out.data)
    text = "\n".join(t for _, t in paras)
    # Each indicator's value, target and status as the engine has them.
    for r in a.rows():
        if r.sub_items or r.status == Status.NOT_APPLICABLE:
            continue
        if r.value is not None and r.status in COUNTED:
            assert f"现状值{plain(r.value)}" in text, r.name
    ch = _changes(a, prev)
    tasks = Task.objects.filter(region=w.county, year=2025)
    allowed = _figures(a, prev) | {str(x) for x in (2024, 2025, 2026, 11, 30)} | {delta for _, delta, _ in ch}
    allowed |= {str(tasks.count()), str(tasks.values("department").distinct().count())}
    allowed |= {str(tasks.filter(status=st).count()) for st in ("open", "submitted", "approved", "returned")}
    overdue = tasks.filter(deadline__lt=TODAY).exclude(status="approved").count()
    allowed |= {str(overdue), str(len(a.blocking)), w.county.code} | _ranking_figures(w.county, 2025)
    allowed |= {str(i) for i in range(1, len(a.blocking) + 1)}  # （1）（2）… of the blockers
    allowed |= {str(sum(r.status in (Status.NOT_MET, Status.MISSING) for r in a.indicators)),
                str(sum(r.status == Status.PENDING for r in a.rows()))}
    body = _strip(text, a)
    unexplained = [n for n in NUMBER.findall(body) if n not in allowed]
    assert not unexplained, unexplained
    # The table inside the report lists every indicator with its status label.
    table = tables[0]
    status = table[0].index("达标情况")
    assert [row[status] for row in table[1:]] == [r.status.label for r in a.rows()]
