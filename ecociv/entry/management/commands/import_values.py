"""`ecociv import-values FILE [--dry-run] [--approve] [--as USERNAME]`: long-format values
(.csv/.xlsx, headers 区划代码, 年度, 指标编码, 数值, 说明 and optionally 标准, 是否完成)
through the same checks and action as the page."""
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ecociv.core.system import operator
from ecociv.entry.actions.values import import_values
from ecociv.entry.errors import EntryError
from ecociv.entry.importing import ImportFileError, plan_import
from ecociv.entry.models import ValueStatus


class Command(BaseCommand):
    help = "导入指标数值（长表：区划代码、年度、指标编码、数值、说明；可选 标准、是否完成）"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv 或 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只预检，逐行列出 新增/更新/未变/错误，不写入")
        parser.add_argument("--approve", action="store_true",
                            help="已停用：录入与审核须由不同的人完成，导入的数据须在页面或 API 由审核人审核")
        parser.add_argument("--draft", action="store_true",
                            help="导入为“草稿”（只做保存时的检查；之后在页面补充佐证材料并提交）")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="审计记录中的操作人（默认内置 system 账号）")

    def handle(self, *args, file, dry_run, approve, draft, as_user, **opts):
        from tqdm import tqdm

        if approve:
            raise CommandError("--approve 已停用：录入与审核须由不同的人完成（录入人不能审核自己录入的数据）。"
                               "请导入（已提交或 --draft 草稿）后，由审核人在页面或 API 审核通过")
        by = operator(as_user)
        status = ValueStatus.DRAFT if draft else ValueStatus.SUBMITTED
        try:
            plan = plan_import(file, by=by, target_status=status)
        except (ImportFileError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        verbose = dry_run or opts["verbosity"] > 1
        for r in plan.rows:
            if verbose or r.outcome == "error":
                where = f"第 {r.row} 行 {r.region_code} {r.year} {r.indicator_code}"
                self.stdout.write(f"{where}：{r.outcome_label}")
                for m in r.errors:
                    self.stdout.write(f"  错误：{m}")
                if verbose:
                    for m in r.warnings:
                        self.stdout.write(f"  提示：{m}")
        if not plan.ok:
            raise CommandError(f"{plan.summary()}。文件有错误，未导入任何数据。")
        if dry_run:
            self.stdout.write(f"预检通过（未写入）：{plan.summary()}")
            return
        bar = tqdm(total=len(plan.rows), desc="导入", unit="行", file=sys.stderr,
                   disable=len(plan.rows) < 500 or opts["verbosity"] == 0)

        def progress(done, total):
            bar.update(done - bar.n)

        try:
            import_values(plan, by=by, progress=progress)
        except (EntryError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        label = "草稿" if draft else "已提交"
        self.stdout.write(f"导入完成（{label}，操作人 {by.username}）：{plan.summary()}")
