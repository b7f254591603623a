"""`ecociv ranking --parent CODE --year YYYY [--rules FILE] [--departments] [--publish] --json`."""
import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from ecociv.core import years
from ecociv.core.system import operator


class Command(BaseCommand):
    help = "考核排名：下级区划（或 --departments 本级部门）按考核规则计分排名"

    def add_arguments(self, parser):
        parser.add_argument("--parent", required=True, help="上级区划代码（如县：对其乡镇排名）")
        parser.add_argument("--year", required=True, type=years.argument)
        parser.add_argument("--rules", help="考核规则 YAML 文件（默认：已上传启用的规则，否则内置规则）")
        parser.add_argument("--departments", action="store_true", help="对该区划的部门排名")
        parser.add_argument("--publish", action="store_true", help="保存为该年度的正式排名（留作历史）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="操作人（默认内置 system 账号）")

    def handle(self, *args, parent, year, rules, departments, publish, json: bool, as_user, **opts):
        from ecociv.ledger.ranking import (
            RulesError,
            active_rules,
            load_rules,
            rank_children,
            rank_departments,
        )
        from ecociv.regions.scope import get_region_for_user

        by = operator(as_user)
        try:
            region = get_region_for_user(by, parent)
            chosen = load_rules(rules) if rules else active_rules()
        except Http404:
            raise CommandError(f"区划代码“{parent}”不存在或不在您的管辖范围内") from None
        except (RulesError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        if publish:
            from ecociv.ledger.actions import publish_ranking

            try:
                publish_ranking(by=by, parent=region, year=year, rules=chosen)
            except (PermissionDenied, Http404) as exc:
                raise CommandError(str(exc)) from None
        rows = rank_departments(region, year, chosen) if departments else rank_children(region, year, chosen)
        if json:
            self.stdout.write(_dumps(rows))
            return
        self.stdout.write(f"{region.name} {year}年考核排名（规则：{chosen['name']}）")
        for r in rows:
            self.stdout.write(f"第{r['rank']}名  {r['name']}  {r['score']} 分")


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
