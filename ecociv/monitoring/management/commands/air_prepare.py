"""ecociv air-prepare [--engine duckdb|spark …] [--quiet] [--background]: compile and keep the SQL of every air
evaluation a run can ask for (monitoring.engine.api.prepare), so the first `air-eval` after an
install or an upgrade runs as fast as any other. `ecociv serve` runs it at start."""
import os
import signal
import sys

from django.core.management.base import BaseCommand, CommandError

from ecociv.monitoring.engine.api import ENGINES, prepare, prepare_cases, tqdm_progress
from ecociv.monitoring.engine.sql_cache import cache_dir


class Command(BaseCommand):
    requires_system_checks = []  # touches no database and no URL, like air-eval
    help = "预编译环境空气质量评价的查询（每种标准组合 × 统计层级），使安装或升级后的首次评价无需编译"

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=ENGINES, action="append",
                            help="计算引擎，可重复（默认 duckdb）")
        parser.add_argument("--quiet", action="store_true", help="只在出错时输出")
        parser.add_argument("--background", action="store_true",
                            help="在后台以低优先级运行，不响应 Ctrl+C（由 ecociv serve 启动和停止）")

    def handle(self, *args, engine, quiet, background, **o):
        if background:
            os.nice(10)
            # Ctrl+C in the terminal of `make run` reaches the whole process group: the server
            # stops this helper itself (SIGTERM), without a traceback on the way out.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        engines = tuple(dict.fromkeys(engine or ["duckdb"]))
        bar = tqdm_progress(len(prepare_cases(engines)), disable=quiet or not sys.stderr.isatty())
        try:
            cases, compiled = prepare(engines, progress=bar)
        except (ValueError, OSError) as e:
            raise CommandError(f"预编译失败：{e}") from e
        finally:
            bar.close()
        if not quiet:
            self.stdout.write(f"已准备 {cases} 种评价的查询（本次新编译 {compiled} 条），保存在 {cache_dir()}")
