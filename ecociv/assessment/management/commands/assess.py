import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from ecociv.assessment.engine import assess, assessment_json
from ecociv.core import years
from ecociv.core.system import operator
from ecociv.core.targets import format_decimal
from ecociv.regions.scope import get_region_for_user


class Command(BaseCommand):
    help = "达标评估：某区划某年度每项指标的达标情况、差距、趋势与总体结论"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="行政区划代码，如 880121")
        parser.add_argument("--year", required=True, type=years.argument, help="年度，如 2025")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--as", dest="as_user", help="以该用户的管辖范围执行（默认系统账户）")

    def handle(self, *args, region, year, **opts):
        user = operator(opts.get("as_user"))
        try:
            reg = get_region_for_user(user, region)
        except Http404:
            raise CommandError(f"区划“{region}”不存在或不在管辖范围内") from None
        a = assess(reg, year)
        if opts["json"]:
            self.stdout.write(json.dumps(assessment_json(a), ensure_ascii=False, indent=2))
            return
        s = a.summary
        self.stdout.write(f"{reg.name}（{reg.code}）{year}年 · {a.standard.title if a.standard else '无指标体系'}")
        self.stdout.write(f"结论：{a.verdict_label}（规则 {a.rules.version}）")
        self.stdout.write(f"约束性达标 {s['binding_met']}/{s['binding_total']}，参考性达标 "
                          f"{s['reference_met']}/{s['reference_total']}，缺失 {s['missing']}，待核实 {s['pending']}")
        for b in a.blocking:
            self.stdout.write(f"  ✗ {b.code} {b.name}：{b.reason}")
        for r in a.rows():
            value = format_decimal(r.value) if r.value is not None else ("是" if r.achieved else "否" if r.achieved is False else "")
            gap = format_decimal(r.gap) if r.gap is not None else ""
            self.stdout.write(f"{r.code:>5} {r.status.label:<4} {value:>10} {r.target_display:<12} {gap:>8} "
                              f"{r.trend.label if r.trend else ''}  {r.name}")
