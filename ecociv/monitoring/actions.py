"""Writes of the monitoring app: recording a run, and feeding computed figures into indicator
values. Each is atomic, permission-checked through accounts.scope, and audited."""
from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from ecociv.accounts.scope import get_region_for_user
from ecociv.audit.actions import record
from ecociv.monitoring.feed import STANDARD, FeedError
from ecociv.monitoring.models import MonitoringRun, RunState

GB2260 = re.compile(r"\d{6}(\d{3}(\d{3})?)?")


def create_run(*, by, region, kind: str, files: list[dict], parameters: dict,
               state: str = RunState.QUEUED, rerun_of: MonitoringRun | None = None) -> MonitoringRun:
    if region is not None:
        get_region_for_user(by, region.code, write=True)
    with transaction.atomic():
        run = MonitoringRun.objects.create(kind=kind, region=region, created_by=by, files=files,
                                           parameters=parameters, state=state, heartbeat=timezone.now(),
                                           rerun_of=rerun_of)
        record(user=by, action="monitoring.run", obj=run, object_repr=str(run), region=region, before=None,
               after={"kind": kind, "files": [{k: f[k] for k in ("name", "size", "sha256") if k in f} for f in files],
                      "parameters": parameters, **({"rerun_of": rerun_of.pk} if rerun_of else {})})
    return run


class RerunError(ValueError):
    """The run cannot be started again; the message is for the user."""


def rerun(run: MonitoringRun, *, by) -> tuple[MonitoringRun, bool]:
    """A new run with the interrupted run's stored files and parameters, for a user who may
    write in the run's region. Returns (run, created): asking twice (two tabs, two servers)
    gives the rerun made the first time, decided under a row lock on the old run."""
    from pathlib import Path

    from ecociv.monitoring.scope import get_run_for_user

    get_run_for_user(by, run.pk, write=True)
    missing = [f["name"] for f in run.files if not Path(f["path"]).exists()]
    if missing:
        raise RerunError(f"原上传文件已不存在（{'、'.join(missing)}），请重新上传")
    with transaction.atomic():
        old = MonitoringRun.objects.select_for_update().get(pk=run.pk)
        if not old.interrupted:
            raise RerunError("只有已中断的评价可以重新开始")
        done = old.reruns.order_by("-pk").first()
        if done is not None and not done.interrupted:
            return done, False
        new = create_run(by=by, region=old.region, kind=old.kind, files=old.files, parameters=old.parameters,
                         rerun_of=old)
    return new, True


def resolve_regions(codes, *, by) -> dict:
    """GB/T 2260 codes from the input files -> Region, refusing the whole feed on any unknown
    code (a station file with ad-hoc ids such as "R1" must not create values for nobody), and
    checking write permission on each (not in scope -> 404, read-only -> 403)."""
    from ecociv.regions.models import Region

    codes = sorted(set(codes))
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if not GB2260.fullmatch(c) or c not in known]
    if unknown:
        raise FeedError(
            f"以下地区编码不是已登记的 GB/T 2260 行政区划代码：{'、'.join(unknown)}。"
            "站点文件（水质文件）的 region 列须填行政区划代码（如 110105）；未写入任何数值")
    return {c: get_region_for_user(by, c, write=True) for c in codes}


def _indicator(region, year: int, code: str, cache: dict):
    from ecociv.standards.models import Indicator, RegionStandard

    rs = RegionStandard.objects.filter(region=region, year=year).select_related("standard").first()
    std = rs.standard.code if rs else STANDARD
    if std != STANDARD:
        # The codes 7.1/7.2/8.1/8.2 are those of national-2019; another catalogue numbers differently.
        raise FeedError(f"{region.name} {year}年采用指标体系“{std}”，监测结果目前只对应 {STANDARD} 的指标；未写入任何数值")
    key = (std, code)
    if key not in cache:
        cache[key] = (Indicator.objects.filter(standard__code=std, code=code)
                      .select_related("standard", "parent").prefetch_related("targets").first())
        if cache[key] is None:
            raise FeedError(f"指标体系 {std} 中没有指标 {code}；未写入任何数值")
    return cache[key]


def feed_values(rows: list[dict], *, by, run: MonitoringRun | None = None, status: str | None = None,
                reason: str = "") -> dict:
    """Write computed rows (see feed.air_values) as IndicatorValues of source 监测计算.

    All or nothing. Values enter as 已提交 and go through review like any other; an approved
    (locked) value is never overwritten: it is left as it is and reported. The entry checks run
    on them first, as on an import (`_run_checks`): a blocking finding refuses the feed, the
    warnings are returned, kept in the audit row and the run's record.
    """
    from ecociv.entry.actions import refresh_task_status, value_repr, value_state
    from ecociv.entry.models import IndicatorValue, Task, ValueSource, ValueStatus

    status = status or ValueStatus.SUBMITTED
    if status not in (ValueStatus.DRAFT, ValueStatus.SUBMITTED):
        raise FeedError("计算结果只能以草稿或已提交状态写入，审核仍由审核人完成")
    if not rows:
        raise FeedError("没有可写入的指标数值")
    regions = resolve_regions([r["region"] for r in rows], by=by)
    now = timezone.now()
    out = {"created": 0, "updated": 0, "unchanged": 0, "locked": [], "values": []}
    reason = reason or (f"监测数据计算（{run}）" if run else "监测数据计算")
    cache: dict = {}
    with transaction.atomic():
        todo = []
        for r in rows:
            region = regions[r["region"]]
            ind = _indicator(region, r["year"], r["indicator"], cache)
            v = (IndicatorValue.objects.select_for_update()
                 .filter(region=region, year=r["year"], indicator=ind).first())
            if v is not None and v.status == ValueStatus.APPROVED:
                out["locked"].append(f"{region.name} {r['year']}年 {ind.code} {ind.name}")
                continue
            todo.append((r, region, ind, v))
        row_warnings = _run_checks(todo, status)
        out["warnings"] = [w for ws in row_warnings for w in ws]
        for (r, region, ind, v), checked in zip(todo, row_warnings, strict=True):
            lineage = {**r["lineage"], **({"run": run.pk} if run else {})}
            if (v is not None and v.value == r["value"] and v.source == ValueSource.COMPUTED
                    and v.status == status and v.lineage == lineage):
                out["unchanged"] += 1
                out["values"].append(v.pk)
                continue
            before = value_state(v)
            if v is None:
                v = IndicatorValue(region=region, year=r["year"], indicator=ind)
            v.value, v.achieved, v.note, v.status = r["value"], None, r["note"], status
            v.source, v.lineage, v.updated_by, v.review_reason = ValueSource.COMPUTED, lineage, by, ""
            v.submitted_at = now if status == ValueStatus.SUBMITTED else None
            v.save()
            out["created" if before is None else "updated"] += 1
            out["values"].append(v.pk)
            # The warnings the checks gave at the time are kept with the write, as an import's dry
            # run shows them; the task page shows the checks beside the value as for any value.
            record(user=by, action="value.compute", obj=v, object_repr=value_repr(v), region=region,
                   before=before, after={**value_state(v), "lineage": lineage, **({"checks": checked} if checked else {})},
                   reason=reason)
        for region_id, year in {(regions[r["region"]].pk, r["year"]) for r in rows}:
            for task in Task.objects.filter(region_id=region_id, year=year):
                refresh_task_status(task)
        if run is not None:
            run.fed = [*run.fed, {"at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "by": by.username,
                                  **{k: out[k] for k in ("created", "updated", "unchanged", "locked", "warnings")}}]
            run.save(update_fields=["fed"])
    return out


def _run_checks(todo, status: str) -> list[list[str]]:
    """The checks of entry/data/checks.yaml on the rows about to be written, through the same
    batch machinery as an import (entry.checks.check_many: previous year and sibling regions
    from the database overlaid with the feed's own rows). Returns each row's warning messages.

    Blocking findings follow the import's rule: plan_import turns a blocking finding into an
    error of its row, and import_values refuses a plan with any error — the whole file, all or
    nothing. A feed is one batch in the same way, so any blocking finding refuses the whole feed
    (FeedError, nothing written) and names every offending value. Severities are those of an
    import entering values as 已提交 (`import_severity`), or of saving when the feed writes
    drafts (everything a warning; submitting the task then blocks), as plan_import chooses.
    """
    from ecociv.entry import checks
    from ecociv.entry.models import Evidence, ValueStatus

    stage = "save" if status == ValueStatus.DRAFT else "import"
    ev_counts: dict[int, int] = {}
    for vid in Evidence.objects.filter(value_id__in=[v.pk for *_x, v in todo if v is not None]).values_list(
            "value_id", flat=True):
        ev_counts[vid] = ev_counts.get(vid, 0) + 1
    findings = checks.check_many([
        checks.Candidate(region, r["year"], ind, r["value"], None, ev_counts.get(v.pk, 0) if v else 0)
        for r, region, ind, v in todo], stage=stage)
    blocking, warnings = [], []
    for (r, region, ind, _v), fs in zip(todo, findings, strict=True):
        where = f"{region.name} {r['year']}年 {ind.code} {ind.name}"
        warnings.append([f"{where}：{f.name}：{f.message}" for f in fs if not f.blocking])
        blocking += [f"{where}：{f.name}：{f.message}" for f in fs if f.blocking]
    if blocking:
        raise FeedError("计算结果未通过数据检查，未写入任何数值。请核对监测数据文件：" + "；".join(blocking))
    return warnings


def summary_text(out: dict) -> str:
    s = f"写入指标数值：新增 {out['created']} 条，更新 {out['updated']} 条，未变 {out['unchanged']} 条（状态：已提交，待审核）"
    if out["locked"]:
        s += f"；已审核锁定、未覆盖 {len(out['locked'])} 条：{'、'.join(out['locked'])}"
    if out.get("warnings"):
        s += f"；检查提示 {len(out['warnings'])} 条，请审核时核实：{'；'.join(out['warnings'])}"
    return s
