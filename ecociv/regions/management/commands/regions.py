import json

from django.core.management.base import BaseCommand, CommandError

from ecociv.core.system import operator
from ecociv.regions.actions import RegionImportError, import_regions
from ecociv.regions.models import Region


def region_json(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent.code if r.parent_id else None,
            "admin_class": r.admin_class or None, "zone": r.zone or None, "terrain": r.terrain or None,
            "special_zone": r.special_zone or None, "city_size": r.city_size or None, "coastal": r.coastal,
            "valid_from": r.valid_from, "valid_to": r.valid_to}


class Command(BaseCommand):
    help = "行政区划：list 列出，import 从 CSV/xlsx 导入"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="列出区划")
        lst.add_argument("--json", action="store_true", help="输出 JSON")
        lst.add_argument("--under", help="只列出该代码下的区划")
        imp = sub.add_parser("import", help="从 CSV/xlsx 导入区划（整文件校验，出错不写入）")
        imp.add_argument("file")
        imp.add_argument("--as", dest="as_user", help="记入审计的操作用户，默认 system")

    def handle(self, *args, action, **opts):
        if action == "list":
            qs = Region.objects.select_related("parent").order_by("path")
            if opts.get("under"):
                root = Region.objects.filter(code=opts["under"]).first()
                if root is None:
                    raise CommandError(f"区划代码 {opts['under']} 不存在")
                qs = qs.filter(path__startswith=root.path)
            data = [region_json(r) for r in qs]
            if opts["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                for r in qs:
                    depth = r.path.count("/") - 1
                    self.stdout.write(f"{'  ' * depth}{r.code} {r.name}（{r.get_level_display()}）")
            return
        try:
            result = import_regions(opts["file"], by=operator(opts.get("as_user")))
        except RegionImportError as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{opts['file']}") from None
        self.stdout.write(f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
