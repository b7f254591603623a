"""Fictional demo world: 青川省 → 云溪市 → three counties with different classes, towns,
departments, a user of each role, and values for every national-2019 indicator 2021–2025.

Deterministic (seeded by region and indicator code) and idempotent: a second run finds
everything in place and creates nothing.
"""
from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from ecociv.accounts.models import Department, User
from ecociv.audit.actions import record, snapshot
from ecociv.core.roles import Role
from ecociv.core.targets import RegionClass, select_target
from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus
from ecociv.regions.models import Region, RegionLink
from ecociv.standards.models import Indicator, RegionStandard, RegionTarget, Standard

DEMO_PASSWORD = "Demo@2026pass"  # nosec B105  # a label or the documented development/demo password, not a secret
YEARS = range(2021, 2026)

PROVINCE = {"code": "880000", "name": "青川省", "level": "province", "zone": "central"}
CITY = {"code": "880100", "name": "云溪市", "level": "city", "admin_class": "city", "zone": "central", "terrain": "hill",
            "city_size": "large_city"}
COUNTIES = [
    {"code": "880102", "name": "临江区", "level": "county", "admin_class": "county", "zone": "central", "terrain": "plain",
         "coastal": True, "slug": "linjiang",
         "towns": ["滨江街道", "新港街道", "沙洲镇", "芦湾镇"]},
    {"code": "880121", "name": "石岭县", "level": "county", "admin_class": "county", "zone": "central", "terrain": "mountain",
         "slug": "shiling", "towns": ["石岭镇", "云台镇", "松溪乡", "白岩乡", "高坪乡"]},
    {"code": "880182", "name": "河阳市", "level": "county", "admin_class": "county", "zone": "central", "terrain": "hill",
         "slug": "heyang", "towns": ["河阳街道", "东湖街道", "柳塘镇", "青石镇"]},
]
DEPARTMENTS = [
    "党委办公室", "政府办公室", "党委组织部", "党委宣传部", "发展和改革局", "教育局", "科学技术局", "工业和信息化局",
    "公安局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局",
    "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "林业局",
    "城市管理局", "机关事务管理局", "乡村振兴局", "气象局", "供电公司", "团委",
]
COUNTY_ROLES = [
    (Role.ADMIN, "admin", "生态环境局", "创建办管理员"),
    (Role.FILLER, "filler", "生态环境局", "填报员"),
    (Role.FILLER, "filler2", "住房和城乡建设局", "填报员"),
    (Role.REVIEWER, "reviewer", "生态环境局", "审核员"),
    (Role.LEADER, "leader", "政府办公室", "领导"),
    (Role.VIEWER, "viewer", "审计局", "只读"),
]
# Plausible ranges for indicators whose official target is qualitative but whose value is a
# number (优良天数比例 etc.); (low, high, yearly drift in the direction of improvement).
NUMERIC_RANGES = {
    "3": (18, 26, 0.5), "5": (96, 100, 0.5), "7.1": (78, 93, 0.8), "7.2": (2, 9, 0.0), "8.1": (1, 8, 0.0),
    "8.2": (0, 5, 0.0), "8.3": (80, 100, 3), "9": (70, 95, 1), "10": (55, 75, 0.3), "11": (20, 72, 0.5),
    "12.3": (95, 100, 0), "13.1": (1, 6, 0.3), "13.2": (10, 80, 3), "18": (35, 60, 0), "19": (60, 90, 0.5),
    "20": (0.38, 0.62, -0.012), "21": (38, 75, -1.2), "23": (0.9, 1.6, -0.03), "24": (85, 100, 1), "32": (80, 98, 1.5),
    "36.3": (0.8, 2.0, -0.05),
}


# 临江区 is the demo's front-runner (nearly ready to apply); the others show typical gaps.
STRONG = {"880102"}


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))  # nosec B311  # demo figures, not security


def _q(x: float, places: int = 2) -> Decimal:
    return Decimal(str(round(x, places)))


def _numeric_value(ind: Indicator, spec, region: Region, year: int) -> Decimal:
    rng = _rng(region.code, ind.code)
    if ind.code in NUMERIC_RANGES:
        lo, hi, drift = NUMERIC_RANGES[ind.code]
        base = rng.uniform(lo, hi)
        v = base + drift * (year - 2021) + rng.uniform(-0.3, 0.3) * abs(drift or (hi - lo) * 0.02)
        v = max(0.0, v)
        return _q(min(v, 100.0) if ind.unit == "%" else v, 3 if hi < 5 else 2)
    target = float(spec.value) if spec is not None and spec.value is not None else 80.0
    lower = spec is not None and spec.op in ("<=", "<")
    # Most regions near or above the target, a few short of it: an honest demo has failures.
    if region.code in STRONG:
        offset = rng.choice([0.12, 0.06, 0.03, 0.0]) if not lower else rng.choice([-0.1, -0.03])
    else:
        offset = rng.choice([0.12, 0.06, 0.03, 0.0, -0.04, -0.09]) if not lower else rng.choice([-0.1, -0.03, 0.05])
    trend = 0.012 * (year - 2025)
    v = target * (1 + offset + (trend if not lower else -trend))
    if ind.unit == "%":
        v = min(v, 100.0)
    return _q(v, 2)


@transaction.atomic
def build_demo(*, by, progress=None) -> dict:
    created = {"regions": 0, "departments": 0, "users": 0, "values": 0}

    def region(parent, **kw):
        kw = {k: v for k, v in kw.items() if k not in ("slug", "towns")}
        obj = Region.objects.filter(code=kw["code"]).first()
        if obj is None:
            obj = Region.objects.create(parent=parent, **kw)
            if parent:
                RegionLink.objects.create(child=obj, parent=parent)
            record(user=by, action="region.create", obj=obj, region=obj, after=snapshot(obj), reason="演示数据")
            created["regions"] += 1
        return obj

    province = region(None, **PROVINCE)
    city = region(province, **CITY)
    counties = []
    for c in COUNTIES:
        county = region(city, **c)
        counties.append((c, county))
        for i, town in enumerate(c["towns"], start=1):
            t = region(county, code=f"{county.code}{i:03d}", name=town, level="town")
            if i == 1:
                for j, village in enumerate(["前进村", "红星社区"], start=1):
                    region(t, code=f"{t.code}{j:03d}", name=village, level="village")

    def departments(reg):
        out = {}
        for name in DEPARTMENTS:
            d, made = Department.objects.get_or_create(region=reg, name=name)
            created["departments"] += made
            out[name] = d
        return out

    def user(username, role, reg, dept, display):
        if User.objects.filter(username=username).exists():
            return
        u = User(username=username, role=role, region=reg, department=dept, display_name=display)
        u.set_password(DEMO_PASSWORD)
        u.save()
        created["users"] += 1

    accounts = []
    city_depts = departments(city)
    for username, role, reg, dept, display in [
        ("yunxi_admin", Role.ADMIN, city, city_depts["生态环境局"], "云溪市创建办"),
        ("yunxi_superior", Role.SUPERIOR_REVIEWER, city, city_depts["生态环境局"], "云溪市审核"),
        ("yunxi_leader", Role.LEADER, city, city_depts["政府办公室"], "云溪市领导"),
        ("qingchuan_superior", Role.SUPERIOR_REVIEWER, province, None, "青川省审核"),
        ("sysadmin", Role.SYSADMIN, None, None, "系统管理员"),
        ("secadmin", Role.SECADMIN, None, None, "安全管理员"),
        ("auditadmin", Role.AUDITADMIN, None, None, "审计管理员"),
    ]:
        user(username, role, reg, dept, display)
        accounts.append((username, Role(role).label, reg.name if reg else "全部"))
    for c, county in counties:
        depts = departments(county)
        for role, suffix, dept, label in COUNTY_ROLES:
            username = f"{c['slug']}_{suffix}"
            user(username, role, county, depts[dept], f"{county.name}{label}")
            accounts.append((username, Role(role).label, county.name))

    standard = Standard.objects.get(code="national-2019")
    for reg in [city] + [c for _, c in counties]:
        for year in YEARS:
            RegionStandard.objects.get_or_create(region=reg, year=year, defaults={"standard": standard})

    leaves = [i for i in standard.indicators.prefetch_related("targets", "sub_items").order_by("order")
              if not i.sub_items.exists()]
    existing = set(IndicatorValue.objects.filter(indicator__standard=standard).values_list(
        "region_id", "year", "indicator_id"))
    rows = []
    targets_assigned = []
    regions = [city] + [c for _, c in counties]
    steps = len(regions) * len(leaves)
    done = 0
    for reg in regions:
        rc: RegionClass = reg.as_class()
        for ind in leaves:
            done += 1
            if progress:
                progress(done, steps)
            applies = ind.effective_applies_to
            if applies in ("city", "county") and applies != reg.admin_class:
                continue
            if (ind.coastal_only or (ind.parent_id and ind.parent.coastal_only)) and not reg.coastal:
                continue
            spec = select_target(ind.target_specs(), rc)
            rng = _rng(reg.code, ind.code, "gaps")
            missing_years = {2025} if rng.random() < 0.06 else set()
            if rng.random() < 0.03:
                missing_years.add(2023)
            for year in YEARS:
                if (reg.pk, year, ind.pk) in existing or year in missing_years:
                    continue
                value = achieved = None
                numeric = (spec is not None and spec.op != "text") or ind.code in NUMERIC_RANGES
                if numeric:
                    value = _numeric_value(ind, spec, reg, year)
                if spec is None or spec.op == "text":
                    achieved = _rng(reg.code, ind.code, year, "ok").random() > (0.01 if reg.code in STRONG else 0.07)
                status = ValueStatus.APPROVED
                if year == 2025:
                    roll = _rng(reg.code, ind.code, "status").random()
                    status = (ValueStatus.SUBMITTED if roll < 0.15 else ValueStatus.DRAFT if roll < 0.2
                              else ValueStatus.APPROVED)
                submitted_at, reviewed_at = _demo_times(reg, ind, year, status)
                rows.append(IndicatorValue(region=reg, year=year, indicator=ind, value=value, achieved=achieved,
                                           status=status, source=ValueSource.DEMO, updated_by=by,
                                           submitted_at=submitted_at, reviewed_at=reviewed_at,
                                           note="演示数据", lineage={"source": "demo"}))
            if ind.code in ("7.1", "8.1"):
                for year in YEARS:
                    targets_assigned.append((reg, year, ind))
    IndicatorValue.objects.bulk_create(rows, batch_size=500)
    created["values"] = len(rows)
    created["evidence"] = _demo_evidence(standard, by=by)
    for reg, year, ind in targets_assigned:
        value = Decimal("85") if ind.code == "7.1" else Decimal("2")
        RegionTarget.objects.get_or_create(region=reg, year=year, indicator=ind, kind=RegionTarget.Kind.ASSIGNED,
                                           defaults={"op": ">=", "value": value, "text": f"≥{value}",
                                                         "source_document": "云溪市大气/水污染防治目标责任书（演示）"})
    created["tasks"] = _demo_tasks([c for _, c in counties], by=by)
    _record_preconditions(regions, by=by)
    from django.apps import apps

    if apps.is_installed("ecociv.ledger"):
        from ecociv.ledger.demo import build_ledger_demo

        ledger = build_ledger_demo(city, [c for _, c in counties], by=by, strong=STRONG)
        created["ledger_rows"] = ledger["created"] + ledger["updated"]
    if any(created.values()):
        record(user=by, action="demo.load", object_type="demo", object_id="qingchuan", object_repr="演示数据",
               after=created)
    return {"created": created, "accounts": accounts, "password": DEMO_PASSWORD}


def _demo_times(reg, ind, year: int, status) -> tuple:
    """When a demo value was submitted and reviewed, so 填报及时率 in the ranking has something to
    measure: past years in the following spring; the task year within the last two months (the
    task deadlines are set around the day the demo is built, so some came in late)."""
    import datetime as dt

    from django.utils import timezone

    if status not in (ValueStatus.SUBMITTED, ValueStatus.APPROVED):
        return None, None
    roll = _rng(reg.code, ind.code, year, "submitted").random()
    if year == TASK_YEAR:
        submitted = timezone.now() - dt.timedelta(days=1 + int(roll * 60), hours=int(roll * 9))
    else:
        submitted = timezone.make_aware(dt.datetime(year + 1, 2, 1, 10)) + dt.timedelta(days=int(roll * 50))
    reviewed = submitted + dt.timedelta(days=1 + int(roll * 5)) if status == ValueStatus.APPROVED else None
    return submitted, reviewed


def _demo_evidence(standard, *, by) -> int:
    """The demo keeps its own rules (checks.yaml: a binding indicator needs evidence before it is
    submitted or approved): every demo value 已提交/已审核 of a binding indicator gets a small
    .docx 佐证材料, one file per indicator stored once by its sha256. Idempotent, and it mends
    a demo database built before this rule was kept (no task there starts deadlocked)."""
    import hashlib
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from docx import Document
    from docx.oxml.ns import qn

    from ecociv.entry.models import Evidence

    todo = list(IndicatorValue.objects.filter(
        indicator__standard=standard, source=ValueSource.DEMO, status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED],
        evidence__isnull=True).select_related("indicator", "indicator__parent"))
    todo = [v for v in todo if v.indicator.effective_type == "binding"]
    files: dict[int, tuple[str, str, int]] = {}
    evidence = []
    for v in todo:
        ind = v.indicator
        if ind.pk not in files:
            d = Document()
            d.styles["Normal"].font.name = "宋体"
            d.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
            d.add_heading("演示佐证材料", level=1)
            d.add_paragraph(f"指标：{ind.code} {ind.name}")
            d.add_paragraph("本文件由演示数据生成，代表部门上传的统计报表、监测报告或文件依据。")
            buf = io.BytesIO()
            d.save(buf)
            data = buf.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            path = f"evidence/{digest[:2]}/{digest}.docx"
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(data))
            files[ind.pk] = (path, digest, len(data))
        path, digest, size = files[ind.pk]
        ev = Evidence(value=v, original_name=f"演示佐证材料-{ind.code}.docx", extension=".docx",
                      content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      size=size, sha256=digest, uploaded_by=by)
        ev.file.name = path
        evidence.append(ev)
    Evidence.objects.bulk_create(evidence, batch_size=500)
    return len(evidence)


# ---- 填报任务 (entry, issue 4) ---------------------------------------------------------------
TASK_YEAR = 2025


def _demo_tasks(counties, *, by) -> int:
    """Every county's 2025 indicators assigned to their lead departments, the way an
    administrator would ("按牵头部门批量分配"). Deadlines are set relative to the day the demo is
    built, so a fresh demo always shows a mix: most due in a few weeks, some already overdue.
    Idempotent: the action skips indicators already assigned."""
    import datetime as dt

    from django.utils import timezone

    from ecociv.entry.actions.tasks import assign_by_lead_department

    today = timezone.localdate()

    def deadline_for(dept):
        roll = _rng(dept.region.code, dept.name, "deadline").random()
        if roll < 0.3:
            return today - dt.timedelta(days=int(3 + roll * 40))  # overdue
        return today + dt.timedelta(days=int(5 + roll * 40))

    made = 0
    for county in counties:
        tasks, _ = assign_by_lead_department(county, TASK_YEAR, by=by, deadline=None, deadline_for=deadline_for)
        made += len(tasks)
    return made


def _record_preconditions(regions, *, by) -> None:
    """The plan precondition (R2) as a recorded fact, so the demo's verdicts turn on the
    indicators; no veto is recorded as triggered."""
    from ecociv.assessment.actions import record_fact
    from ecociv.assessment.models import RegionYearFact

    for reg in regions:
        for year in YEARS:
            if RegionYearFact.objects.filter(region=reg, year=year, code="plan_adopted").exists():
                continue
            record_fact(reg, year, "plan_adopted", "satisfied", by=by,
                        source_document=f"{reg.name}生态文明建设规划（2021—2030年）（演示）")
            record_fact(reg, year, "major_incident", "clear", by=by, source_document="年度环境状况公报（演示）")
