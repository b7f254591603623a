"""`ecociv extract FILE [--json]`: the figures a document contains, as the review page proposes them.

Needs no database: indicator names and aliases are read from the standard's files.
"""
import json

from django.core.management.base import BaseCommand, CommandError

from ecociv.extraction.extract import extract
from ecociv.extraction.mapping import Catalogue
from ecociv.extraction.textio import DocumentError, read_path


class Command(BaseCommand):
    help = "找出文档（.txt/.docx）中的数据事实，并建议对应的指标、项目、资金或活动"
    requires_system_checks = ()

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表")
        parser.add_argument("--standard", default="national-2019", help="指标体系代码（默认 national-2019）")

    def handle(self, *args, **opts):
        try:
            text = read_path(opts["file"])
        except (OSError, DocumentError) as exc:
            raise CommandError(f"无法读取 {opts['file']}：{exc}") from None
        try:
            catalogue = Catalogue.from_files(opts["standard"])
        except FileNotFoundError:
            raise CommandError(f"找不到指标体系 {opts['standard']}") from None
        facts = extract(text, catalogue=catalogue)
        if opts["json"]:
            self.stdout.write(json.dumps([f.as_dict() for f in facts], ensure_ascii=False, indent=1))
            return
        for f in facts:
            value = "（已遮盖）" if f.masked else f.as_dict()["value"]
            self.stdout.write(f"{f.start:>6}  {f.quote:<14} {value} {f.unit} {f.comparator:<2} "
                              f"指标 {f.indicator or '—'}  {f.period or ''} {f.region or ''}  {f.subject}")
        self.stdout.write(f"共 {len(facts)} 条，其中遮盖 {sum(f.masked for f in facts)} 条")
