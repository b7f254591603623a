import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecociv.core.system import operator
from ecociv.standards.actions import ActionError, load_standard
from ecociv.standards.loader import BUILTIN_FILES, DATA_DIR, StandardFileError, parse_file
from ecociv.standards.models import Standard
from ecociv.standards.serialize import standard_indicators_json, standard_json


class Command(BaseCommand):
    help = "指标体系：list 列出，show 查看指标，load 从文件导入"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="列出已导入的指标体系")
        lst.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="列出一个指标体系的指标（JSON 数组）")
        show.add_argument("code")
        show.add_argument("--json", action="store_true", help="输出 JSON（默认即为 JSON）")
        load = sub.add_parser("load", help="导入指标体系文件（YAML）")
        load.add_argument("files", nargs="*", help="文件路径；不给则导入内置的国家标准")
        load.add_argument("--builtin", action="store_true", help="导入内置的国家标准（已存在的跳过）")
        load.add_argument("--replace", action="store_true", help="已存在时用文件内容替换")
        load.add_argument("--as", dest="as_user")

    def handle(self, *args, action, **opts):
        if action == "list":
            data = [standard_json(s) for s in Standard.objects.all()]
            if opts["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                for s in data:
                    self.stdout.write(f"{s['code']}\t{s['title']}\t{s['doc_no']}\t{s['indicator_count']} 项")
            return
        if action == "show":
            standard = Standard.objects.filter(code=opts["code"]).first()
            if standard is None:
                raise CommandError(f"指标体系“{opts['code']}”不存在（可用：{', '.join(Standard.objects.values_list('code', flat=True))}）")
            self.stdout.write(json.dumps(standard_indicators_json(standard), ensure_ascii=False, indent=2))
            return
        files = [Path(f) for f in opts["files"]] or [DATA_DIR / f for f in BUILTIN_FILES]
        user = operator(opts.get("as_user"))
        for path in files:
            if not path.exists():
                raise CommandError(f"文件不存在：{path}")
            try:
                for data in parse_file(path):
                    standard, outcome = load_standard(data, by=user, replace=opts["replace"])
                    word = {"created": "已导入", "updated": "已替换", "exists": "已存在，跳过"}[outcome]
                    self.stdout.write(f"{standard.code}：{word}（{len(data.indicators)} 项含分项）")
            except (StandardFileError, ActionError) as exc:
                raise CommandError(str(exc)) from None
