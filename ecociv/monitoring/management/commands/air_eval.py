"""ecociv air-eval STATIONS_FILE DATA_FILE --level station|region [--engine ...] [--daily OUT.csv] --json
[--feed --year YYYY [--base-year YYYY] [--as USERNAME]]"""
import json
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ecociv.core import years
from ecociv.monitoring.engine.api import ENGINES, evaluate_air, tqdm_progress
from ecociv.monitoring.engine.ingest import InputError

SHOWN_BAD_ROWS = 20


class Command(BaseCommand):
    # The system checks import every URLconf, view and API module of the project (ninja, openpyxl,
    # pandas: ~1 s); this command serves no URL and writes only through the feed's actions.
    requires_system_checks = []
    help = "环境空气质量年度评价（HJ 633 / GB 3095 / HJ 663）：逐日 AQI、优良天数比例、年均值与百分位数"

    def add_arguments(self, parser):
        parser.add_argument("stations_file", help="站点文件（station,region,name）")
        parser.add_argument("data_file", help="小时数据（CSV/xlsx/Parquet：station,time,SO2,NO2,CO,O3,PM10,PM2.5）")
        parser.add_argument("--level", choices=("station", "region"), default="station", help="按站点或按地区统计")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb", help="计算引擎（默认 duckdb）")
        parser.add_argument("--standard", help="强制使用的标准：2012 或 2026（默认按日期自动选择）")
        parser.add_argument("--daily", metavar="OUT.csv", help="写出逐日结果")
        parser.add_argument("--errors", metavar="OUT.csv", help="写出全部有问题的数据行（行号与原因）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--memory-limit", metavar="SIZE",
                            help="DuckDB 内存上限（如 600MB；超出部分写入临时目录），全国规模数据时使用")
        add_feed_arguments(parser, "7.1 优良天数比例；给出 --base-year 且有该年结果时另写 7.2 PM2.5浓度下降幅度")

    def handle(self, *args, **o):
        check_feed_arguments(o, need_region=o["level"] != "region")
        bar = tqdm_progress(6, disable=o["no_progress"] or not sys.stderr.isatty())
        try:
            res = evaluate_air(o["stations_file"], o["data_file"], level=o["level"], engine=o["engine"],
                               standard=o["standard"], daily_out=o["daily"], progress=bar,
                               memory_limit=o["memory_limit"])
        except (InputError, ValueError, FileNotFoundError) as e:
            raise CommandError(str(e)) from e
        finally:
            bar.close()
        if res.bad_row_count:
            self.stderr.write(f"有 {res.bad_row_count} 行数据未使用（前 {min(SHOWN_BAD_ROWS, res.bad_row_count)} 行如下）：")
            for b in res.bad_rows[:SHOWN_BAD_ROWS]:
                self.stderr.write(f"  {b}")
            if o["errors"]:
                import csv

                with open(o["errors"], "w", newline="", encoding="utf-8") as fh:
                    w = csv.writer(fh)
                    w.writerow(["row", "reason"])
                    w.writerows((b.row, b.reason) for b in res.bad_rows)
        if o["json"]:
            self.stdout.write(json.dumps(res.results, ensure_ascii=False, indent=1))
        else:
            self._text(res)
        if o["feed"]:
            inputs = [{**i, "role": role} for i, role in zip(res.inputs, ("stations", "data"))]
            params = {"level": o["level"], "engine": o["engine"], "standard": o["standard"] or ""}
            results = {"rows": res.results, "rulesets": res.rulesets, "engine": res.engine,
                       "engine_version": res.engine_version, "rows_used": res.rows_used}
            feed(self, "air", inputs, params, results, o)

    def _text(self, res):
        self.stdout.write(f"计算引擎：{res.engine_version}；标准：{'；'.join(res.rulesets)}；使用 {res.rows_used} 行")
        for r in res.results:
            r = {k: ("—" if v is None else v) for k, v in r.items()}
            self.stdout.write(
                f"{r['id']} {r['year']}：有效天数 {r['valid_days']}，优良天数 {r['good_days']}，"
                f"优良天数比例 {r['good_rate']}%，PM2.5 {r['PM2.5_mean']} μg/m³，O3-8h 第90百分位 {r['O3_8h_p90']} μg/m³"
            )


def add_feed_arguments(parser, what: str) -> None:
    g = parser.add_argument_group("写入指标（--feed）")
    g.add_argument("--feed", action="store_true",
                   help=f"把地区的年度结果写入指标数值（来源“监测计算”，状态“已提交”待审核，记录数据来源链与审计）：{what}")
    g.add_argument("--year", type=years.argument, help="写入哪一年的结果（与 --feed 同用，必填）")
    g.add_argument("--base-year", type=years.argument, help="变化幅度指标的基准年：取本次文件或已保存的评价中该年的结果")
    g.add_argument("--as", dest="as_user", metavar="USERNAME", help="以该用户身份写入（默认系统账户）；权限按其管辖范围检查")


def check_feed_arguments(o: dict, *, need_region: bool = False) -> None:
    if not o["feed"]:
        if o["year"] or o["base_year"] or o["as_user"]:
            raise CommandError("--year、--base-year、--as 只与 --feed 一起使用")
        return
    if not o["year"]:
        raise CommandError("--feed 需要 --year YYYY（写入哪一年的结果）")
    if need_region:
        raise CommandError("--feed 需要 --level region：按站点统计的结果不能写入指标")


def feed(cmd, kind: str, inputs: list[dict], params: dict, results: dict, o: dict) -> None:
    from django.http import Http404

    from ecociv.core.system import operator
    from ecociv.monitoring.actions import summary_text
    from ecociv.monitoring.feed import FeedError
    from ecociv.monitoring.runs import feed_from_command

    by = operator(o["as_user"])
    try:
        run, out = feed_from_command(by=by, kind=kind, inputs=inputs, parameters=params, results=results,
                                     year=o["year"], base_year=o["base_year"])
    except (FeedError, Http404, PermissionDenied) as e:
        raise CommandError(f"未写入指标：{e}") from e
    # stderr: stdout stays the --json contract.
    cmd.stderr.write(f"{run}：{summary_text(out)}")
