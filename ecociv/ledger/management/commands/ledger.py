"""`ecociv ledger template|import|summary`: the work ledger from the command line, through the
same planner, action and summary as the pages."""
import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from ecociv.core import years
from ecociv.core.system import operator
from ecociv.ledger.importing import KINDS, ImportFileError, plan_import


class Command(BaseCommand):
    help = "工作台账：下载模板、导入（可预检）、汇总"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        t = sub.add_parser("template", help="生成导入模板（.xlsx）")
        t.add_argument("--kind", required=True, choices=KINDS)
        t.add_argument("-o", "--output", required=True, help="输出文件 FILE.xlsx")
        i = sub.add_parser("import", help="导入 .xlsx 或 .csv（UTF-8、带BOM的UTF-8、GB18030）")
        i.add_argument("file")
        i.add_argument("--kind", required=True, choices=KINDS)
        i.add_argument("--dry-run", action="store_true", help="只预检，逐行列出 新增/更新/未变/错误，不写入")
        i.add_argument("--as", dest="as_user", metavar="USERNAME", help="操作人（默认内置 system 账号）")
        s = sub.add_parser("summary", help="区划及其下级的台账汇总")
        s.add_argument("--region", required=True, help="区划代码")
        s.add_argument("--year", required=True, type=years.argument)
        s.add_argument("--json", action="store_true", help="输出 JSON")
        s.add_argument("--as", dest="as_user", metavar="USERNAME", help="以该用户的权限读取（默认内置 system 账号）")

    def handle(self, *args, sub, **opts):
        return getattr(self, f"do_{sub}")(**opts)

    def do_template(self, *, kind, output, **opts):
        from ecociv.ledger.excel import template

        Path(output).write_bytes(template(kind))
        self.stdout.write(f"已生成模板：{output}")

    def do_import(self, *, file, kind, dry_run, as_user, **opts):
        from tqdm import tqdm

        from ecociv.ledger.actions import LedgerError, apply_import

        by = operator(as_user)
        try:
            plan = plan_import(file, kind, by=by)
        except (ImportFileError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        verbose = dry_run or opts["verbosity"] > 1
        for r in plan.rows:
            if verbose or r.outcome == "error":
                self.stdout.write(f"第{r.row}行 {r.ref}：{r.outcome_label}")
                for m in r.errors:
                    self.stdout.write(f"  错误：{m}")
                if verbose:
                    for m in r.warnings:
                        self.stdout.write(f"  提示：{m}")
        if not plan.ok:
            raise CommandError(f"{plan.summary()}。文件有错误，未导入任何数据。" if plan.rows else "文件中没有数据行")
        if dry_run:
            self.stdout.write(f"预检通过（未写入）：{plan.summary()}")
            return
        bar = tqdm(total=len(plan.rows), desc="导入", unit="行", file=sys.stderr,
                   disable=len(plan.rows) < 500 or opts["verbosity"] == 0)
        try:
            apply_import(plan, by=by, progress=lambda done, total: bar.update(done - bar.n))
        except (LedgerError, PermissionDenied, Http404) as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        warnings = sum(len(r.warnings) for r in plan.rows)
        note = f"；{warnings} 处数据不一致已记为问题" if warnings else ""
        self.stdout.write(f"导入完成（操作人 {by.username}）：{plan.summary()}{note}")

    def do_summary(self, *, region, year, json: bool, as_user, **opts):
        from ecociv.ledger.summary import ledger_summary
        from ecociv.regions.models import Region

        by = operator(as_user)
        obj = Region.objects.filter(code=region).first()
        if obj is None:
            raise CommandError(f"区划代码“{region}”不存在")
        try:
            data = ledger_summary(obj, year, user=by)
        except (Http404, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json(data))
            return
        p, inv = data["projects"], data["investment_wanyuan"]
        self.stdout.write(f"{data['name']} {year}年 台账汇总")
        self.stdout.write(f"重点项目 {p['total']} 个（" + "，".join(f"{k} {v}" for k, v in p["by_status"].items()) + "）")
        self.stdout.write(f"计划投资 {inv['planned']} 万元，累计完成 {inv['completed']} 万元")
        self.stdout.write("分来源：" + "，".join(f"{k} {v} 万元" for k, v in inv["by_source"].items()))
        self.stdout.write(f"发现问题 {len(data['findings'])} 项")
        for f in data["findings"]:
            self.stdout.write(f"  {f['message']}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
