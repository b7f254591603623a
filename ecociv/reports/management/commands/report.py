import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from ecociv.core import years
from ecociv.core.system import operator
from ecociv.regions.scope import get_region_for_user
from ecociv.reports.docx import TemplateError
from ecociv.reports.generate import ReportError, batch_regions, generate, generate_batch


class Command(BaseCommand):
    help = "从数据生成报告：工作总结、创建自评报告（.docx/.pdf）、指标达标情况表、工作台账（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="行政区划代码，如 880121")
        parser.add_argument("--year", required=True, type=years.argument, help="年度，如 2025")
        parser.add_argument("--kind", required=True,
                            help="summary（工作总结）| self-evaluation（创建自评报告）| indicator-table（指标达标情况表）| ledger（工作台账）")
        parser.add_argument("--format", required=True, dest="fmt", help="docx | xlsx | pdf")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径（--batch 时为 .zip）")
        parser.add_argument("--as", dest="as_user", help="以该用户的管辖范围执行（默认系统账户）")
        parser.add_argument("--batch", action="store_true", help="为该区划的全部下级区划（市、县）各生成一份，打包为 .zip")

    def handle(self, *args, region, year, kind, fmt, output, **opts):
        user = operator(opts.get("as_user"))
        try:
            reg = get_region_for_user(user, region)
        except Http404:
            raise CommandError(f"区划“{region}”不存在或不在管辖范围内") from None
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"输出目录不存在：{path.parent}")
        try:
            if opts.get("batch"):
                out = self._batch(reg, year, kind, fmt, user)
            else:
                out = generate(reg, year, kind, fmt, user=user)
        except (ReportError, TemplateError) as exc:
            raise CommandError(str(exc)) from None
        except Http404:
            raise CommandError(f"区划“{region}”不存在或不在管辖范围内") from None
        path.write_bytes(out.data)
        self.stdout.write(f"已生成：{path}（{len(out.data) / 1024:.1f} KB）")

    def _batch(self, reg, year, kind, fmt, user):
        from tqdm import tqdm

        total = len(batch_regions(reg, user))
        bar = tqdm(total=total, desc="生成报告", unit="份", file=sys.stderr, disable=total == 0)
        try:
            return generate_batch(reg, year, kind, fmt, user=user, progress=lambda done, _t: bar.update(done - bar.n))
        finally:
            bar.close()
