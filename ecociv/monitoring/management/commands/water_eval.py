"""ecociv water-eval FILE --json [--feed --year YYYY --base-year YYYY [--as USERNAME]]: GB 3838
classes of samples, sections and regions."""
import json

from django.core.management.base import BaseCommand, CommandError

from ecociv.monitoring.engine.api import sha256
from ecociv.monitoring.engine.ingest import InputError
from ecociv.monitoring.engine.water import WATER_ENGINE_VERSION, evaluate_water
from ecociv.monitoring.management.commands.air_eval import add_feed_arguments, check_feed_arguments, feed


class Command(BaseCommand):
    # The system checks import every URLconf, view and API module of the project (ninja, openpyxl,
    # pandas: ~1 s); this command serves no URL and writes only through the feed's actions.
    requires_system_checks = []
    help = "地表水水质评价（GB 3838-2002）：断面年度类别、地区Ⅰ–Ⅲ类与劣Ⅴ类比例"

    def add_arguments(self, parser):
        parser.add_argument("file", help="水质数据（CSV/xlsx：section,region,date,water_type,<GB 3838 项目>）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--samples", action="store_true", help="JSON 中包括每个样品的类别")
        add_feed_arguments(parser, "8.1 水质达到或优于Ⅲ类比例提高幅度、8.2 劣Ⅴ类水体比例下降幅度（均相对 --base-year，须有该年结果）")

    def handle(self, *args, **o):
        check_feed_arguments(o)
        try:
            res = evaluate_water(o["file"], samples=o["samples"])
        except (InputError, FileNotFoundError) as e:
            raise CommandError(str(e)) from e
        for b in res["bad_rows"][:20]:
            self.stderr.write(f"  {b}")
        if res["bad_rows"]:
            self.stderr.write(f"有 {len(res['bad_rows'])} 行数据未使用")
        if o["json"]:
            out = {"sections": res["sections"], "regions": res["regions"],
                   "standard": "GB 3838-2002 / 地表水环境质量评价办法（试行）2011"}
            if o["samples"]:
                out["samples"] = res["samples"]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            self._text(res)
        if o["feed"]:
            from ecociv.monitoring.runs import WATER_STANDARD

            inputs = [{"path": o["file"], "sha256": sha256(o["file"]), "role": "data"}]
            results = {"sections": res["sections"], "regions": res["regions"], "rulesets": [WATER_STANDARD],
                       "engine": "duckdb", "engine_version": WATER_ENGINE_VERSION}
            feed(self, "water", inputs, {}, results, o)

    def _text(self, res):
        for s in res["sections"]:
            self.stdout.write(f"断面 {s['id']} {s['year']}：{s['class_cn']}（{s['status']}）")
        for r in res["regions"]:
            self.stdout.write(f"地区 {r['id']} {r['year']}：Ⅰ–Ⅲ类 {r['share_I_III']}%，劣Ⅴ类 {r['share_worse_V']}%，{r['status']}")
