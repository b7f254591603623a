"""Writes of the monitoring app: recording a run, and feeding computed figures into indicator
values. Each is atomic, permission-checked through regions.scope, and audited."""
from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import end_job, record
from ecociv.monitoring.feed import FeedError, codes_for, measures
from ecociv.monitoring.models import MonitoringRun, RunState
from ecociv.monitoring.scope import get_run_for_user
from ecociv.regions.scope import get_region_for_user

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


def finish_run(run_id: int, fields: dict, *, started_at=None) -> None:
    """The end of a run (the worker's evaluation, or a command's `--feed` recording a finished
    evaluation): its state, stage, error or stored results, with an audit row in the run owner's
    name (monitoring.finish / monitoring.fail), through the one end-of-job action."""
    def describe(run):
        results = run.results or {}
        after = {"state": run.state, "stage": run.stage}
        if run.state == RunState.FAILED:
            after["error"] = run.error
        else:
            after |= {"rows": len(results.get("rows", results.get("regions", [])) or []),
                      "bad_rows": run.bad_row_count, "engine": results.get("engine", "")}
        return str(run), run.region, after

    end_job(MonitoringRun, run_id, action="monitoring", failed=fields.get("state") == RunState.FAILED,
            fields=lambda run: {**({"started_at": started_at} if started_at else {}), **fields},
            describe=describe, related=("region",))


class RerunError(ValueError):
    """The run cannot be started again; the message is for the user."""


def rerun(run: MonitoringRun, *, by) -> tuple[MonitoringRun, bool]:
    """A new run with the interrupted run's stored files and parameters, for a user who may
    write in the run's region. Returns (run, created): asking twice (two tabs, two servers)
    gives the rerun made the first time, decided under a row lock on the old run."""
    from ecociv.monitoring.stored import stored_path

    get_run_for_user(by, run.pk, write=True)
    missing = [f["name"] for f in run.files if not stored_path(f).exists()]
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


class _Indicators:
    """measure of a computed row → the indicator it feeds: the one of the catalogue in force for
    the region-year (standards.resolve, the catalogue the assessment reads), by the codes of
    data/indicator-map.yaml. None when that catalogue has no indicator for the measure."""

    def __init__(self, regions, years):
        from ecociv.standards.resolve import Resolver

        self.resolver = Resolver(regions, years)
        self.found: dict = {}

    def standard(self, region, year: int):
        std = self.resolver.standard(region, year)
        if std is None:
            raise FeedError("尚未载入任何指标体系；未写入任何数值")
        return std

    def get(self, region, year: int, measure: str):
        from ecociv.standards.models import Indicator

        std = self.standard(region, year)
        code = codes_for(std.code).get(measure)
        if code is None:
            return None
        key = (std.pk, code)
        if key not in self.found:
            self.found[key] = (Indicator.objects.filter(standard=std, code=code)
                               .select_related("standard", "parent").prefetch_related("targets").first())
            if self.found[key] is None:
                raise FeedError(f"指标体系“{std.title}”中没有指标 {code}；未写入任何数值")
        return self.found[key]

    def refuse_unfed(self, rows, regions) -> None:
        """Every region-year of the feed must receive something, or the whole feed is refused
        with the reason: its catalogue has no monitoring indicator, or those it has are changes
        against a base year that was not given."""
        fed = {(r["region"], r["year"]) for r in rows if r.get("_ind") is not None}
        for code, year in sorted({(r["region"], r["year"]) for r in rows}):
            if (code, year) in fed:
                continue
            region = regions[code]
            std = self.standard(region, year)
            wanted = codes_for(std.code)
            where = f"{region.name} {year}年采用的指标体系“{std.title}”"
            if not wanted:
                raise FeedError(f"{where}中没有登记与监测结果对应的指标；未写入任何数值")
            have = {r["measure"] for r in rows}
            missing = [f"{c}（{measures()[m].label}）" for m, c in sorted(wanted.items(), key=lambda x: x[1])
                       if measures()[m].kind in {measures()[h].kind for h in have}]
            raise FeedError(f"{where}中与这些监测结果对应的指标为 {'、'.join(missing) or '无'}，本次没有可写入的数值："
                            "相对基准年的变化请指定基准年，且本次文件或已完成的评价中须有该年的地区结果；未写入任何数值")


def feed_values(rows: list[dict], *, by, run: MonitoringRun | None = None, status: str | None = None,
                reason: str = "") -> dict:
    """Write computed rows (see feed.air_values) as IndicatorValues of source 监测计算, through
    the entry app's one writer (entry.writer.write_values), all or nothing.

    Values enter as 已提交 and go through review like any other, each with a computation note
    (.docx: inputs, engine, rule sets, figures) attached as its 佐证材料. A value 已提交 or 已审核
    (a department's, or an earlier feed's) is never overwritten: it is left as it is and reported
    (`locked`); a draft of another source that the feed replaces is reported too (`replaced`), and
    a department's 是否完成 is kept. The entry checks run first (`_run_checks`): a blocking finding
    refuses the feed, the warnings are returned, kept in the audit row and the run's record.
    """
    from ecociv.entry.models import IndicatorValue, ValueSource, ValueStatus, lock_message
    from ecociv.entry.writer import ValueWrite, value_repr, write_values

    status = status or ValueStatus.SUBMITTED
    if status not in (ValueStatus.DRAFT, ValueStatus.SUBMITTED):
        raise FeedError("计算结果只能以草稿或已提交状态写入，审核仍由审核人完成")
    if not rows:
        raise FeedError("没有可写入的指标数值")
    regions = resolve_regions([r["region"] for r in rows], by=by)
    now = timezone.now()
    out = {"created": 0, "updated": 0, "unchanged": 0, "locked": [], "replaced": [], "values": []}
    reason = reason or (f"监测数据计算（{run}）" if run else "监测数据计算")
    inds = _Indicators(regions.values(), {r["year"] for r in rows})
    rows = [{**r, "_ind": inds.get(regions[r["region"]], r["year"], r["measure"])} for r in rows]
    inds.refuse_unfed(rows, regions)
    rows = [r for r in rows if r["_ind"] is not None]  # measures the catalogue in force does not use
    with transaction.atomic():
        todo = []
        for r in rows:
            region = regions[r["region"]]
            ind = r["_ind"]
            v = IndicatorValue.objects.filter(region=region, year=r["year"], indicator=ind).first()
            todo.append((r, region, ind, v))
        # Values the feed will leave alone are not checked (their review is under way or done).
        checked_rows = [t for t in todo if t[3] is None or not lock_message(t[3].status)]
        warnings = dict(zip((id(t) for t in checked_rows), _run_checks(checked_rows, status), strict=True))
        out["warnings"] = [w for ws in warnings.values() for w in ws]
        writes = []
        for t in todo:
            r, region, ind, _v = t
            lineage = {**r["lineage"], "standard": ind.standard.code, "indicator": ind.code,
                       **({"run": run.pk} if run else {})}
            checked = warnings.get(id(t), [])
            writes.append(ValueWrite(region, r["year"], ind, r["value"], note=r["note"], lineage=lineage,
                                     reason=reason, keep_achieved=True,
                                     after={"lineage": lineage, **({"checks": checked} if checked else {})}))
        outcomes = write_values(writes, by=by, source=ValueSource.COMPUTED, action="value.compute", status=status,
                                on_locked="skip")
        for o in outcomes:
            v = o.value
            where = f"{v.region.name} {v.year}年 {v.indicator.code} {v.indicator.name}"
            if o.result == "skipped":
                out["locked"].append(f"{where}（{v.get_status_display()}）")
                continue
            out["values"].append(v.pk)
            if o.result in ("unchanged", "locked"):  # locked: says already what the feed would write
                out["unchanged"] += 1
                continue
            out[o.result] += 1
            if o.replaced:
                shown = o.replaced["value"] if o.replaced["value"] is not None else "—"
                out["replaced"].append(f"{where}（原{o.replaced['source']}数值 {shown}）")
            _attach_note(v, by=by, lineage=o.write.lineage, where=value_repr(v))
        if run is not None:
            run.fed = [*run.fed, {"at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "by": by.username,
                                  **{k: out[k] for k in ("created", "updated", "unchanged", "locked", "replaced",
                                                         "warnings")}}]
            write_run_fields(run, by=by, fields={"fed": run.fed}, action="monitoring.feed")
    return out


def _attach_note(v, *, by, lineage: dict, where: str) -> None:
    """The computation behind a fed value as a .docx 佐证材料: what a reviewer checks before
    approving (a binding indicator needs evidence, and the input files are the evidence)."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    from ecociv.entry.actions.evidence import attach_file

    d = Document()
    style = d.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word ignores a Latin-only Chinese font name
    d.add_heading("监测数据计算说明", level=1)
    d.add_paragraph(f"指标：{where}")
    d.add_paragraph(f"数值：{v.value}（{v.note}）")
    for i in lineage.get("inputs", []):
        d.add_paragraph(f"输入文件：{i.get('name')}  SHA-256：{i.get('sha256')}")
    d.add_paragraph(f"计算引擎：{lineage.get('engine') or '—'} {lineage.get('engine_version') or ''}")
    rules = lineage.get("rule_sets")
    d.add_paragraph(f"评价规则：{'、'.join(map(str, rules)) if isinstance(rules, list) else rules or '—'}")
    if lineage.get("formula"):
        d.add_paragraph(f"计算方法：{lineage['formula']}（基准年 {lineage.get('base_year')}：{lineage.get('base_value')}）")
    if lineage.get("run"):
        d.add_paragraph(f"监测评价记录编号：{lineage['run']}")
    buf = io.BytesIO()
    d.save(buf)
    attach_file(v, by=by, name=f"监测计算说明-{v.indicator.code}-{v.year}.docx", data=buf.getvalue(), written_now=True)


def write_run_fields(run: MonitoringRun, *, by, fields: dict, action: str) -> None:
    """A run's stored record changed by a person (results fed, and what came of it): audited."""
    before = {k: getattr(run, k) for k in fields}
    for k, val in fields.items():
        setattr(run, k, val)
    run.save(update_fields=list(fields))
    record(user=by, action=action, obj=run, object_repr=str(run), region=run.region,
           before={"fed": len(before.get("fed") or [])} if "fed" in before else before,
           after={"fed": run.fed[-1]} if "fed" in fields else fields)


def _run_checks(todo, status: str) -> list[list[str]]:
    """The checks of entry/data/checks.yaml on the rows about to be written, through the same
    batch machinery as an import (entry.checks.check_many: previous year and sibling regions
    from the database overlaid with the feed's own rows). Returns each row's warning messages.

    Blocking findings follow the import's rule: plan_import turns a blocking finding into an
    error of its row, and import_values refuses a plan with any error — the whole file, all or
    nothing. A feed is one batch in the same way, so any blocking finding refuses the whole feed
    (FeedError, nothing written) and names every offending value. Severities are those of a
    submit when the values enter as 已提交, or of saving when the feed writes drafts
    (everything a warning; submitting the task then blocks), as plan_import chooses.
    """
    from ecociv.entry import checks
    from ecociv.entry.models import Evidence, ValueStatus

    # Submit's checks when the values enter as 已提交, the evidence being the computation note
    # feed_values attaches to each (so the binding indicators' evidence check is met by it).
    stage = "save" if status == ValueStatus.DRAFT else "submit"
    ev_counts: dict[int, int] = {}
    for vid in Evidence.objects.filter(value_id__in=[v.pk for *_x, v in todo if v is not None]).values_list(
            "value_id", flat=True):
        ev_counts[vid] = ev_counts.get(vid, 0) + 1
    findings = checks.check_many([
        checks.Candidate(region, r["year"], ind, r["value"], v.achieved if v else None,
                         (ev_counts.get(v.pk, 0) if v else 0) + 1)
        for r, region, ind, v in todo], stage=stage)
    blocking, warnings = [], []
    for (r, region, ind, _v), fs in zip(todo, findings, strict=True):
        where = f"{region.name} {r['year']}年 {ind.code} {ind.name}"
        # 是否完成 is the department's to choose, not the monitoring data's: its absence is said
        # (the reviewer returns the value for it) but does not refuse the figures.
        warnings.append([f"{where}：{f.name}：{f.message}" + ("（由填报部门选择后再审核）" if f.code == "required" else "")
                         for f in fs if not f.blocking or f.code == "required"])
        blocking += [f"{where}：{f.name}：{f.message}" for f in fs if f.blocking and f.code != "required"]
    if blocking:
        raise FeedError("计算结果未通过数据检查，未写入任何数值。请核对监测数据文件：" + "；".join(blocking))
    return warnings


def summary_text(out: dict) -> str:
    if out["created"] + out["updated"] == 0:
        s = f"没有写入新的指标数值（未变 {out['unchanged']} 条）"
    else:
        s = f"写入指标数值：新增 {out['created']} 条，更新 {out['updated']} 条，未变 {out['unchanged']} 条（状态：已提交，待审核）"
    if out["locked"]:
        s += f"；已提交或已审核、未覆盖 {len(out['locked'])} 条：{'、'.join(out['locked'])}"
    if out.get("replaced"):
        s += f"；替换了草稿 {len(out['replaced'])} 条：{'、'.join(out['replaced'])}"
    if out.get("warnings"):
        s += f"；检查提示 {len(out['warnings'])} 条，请审核时核实：{'；'.join(out['warnings'])}"
    return s
