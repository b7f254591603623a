"""`ecociv backup [--out DIR] [--verify [ARCHIVE]]`: the database, every stored file and the
login audit in one archive with a sha256 manifest (ecociv/core/backup.py says what and why);
`--verify` restores it into a scratch place and compares rows per table and file checksums."""
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecociv.core import backup


def run_verify(cmd: BaseCommand, archive: Path, progress: bool) -> None:
    try:
        r = backup.verify(archive, progress=progress, say=cmd.stdout.write)
    except backup.BackupError as e:
        raise CommandError(str(e)) from None
    cmd.stdout.write(f"恢复校验通过：{r['tables']} 张表、{r['rows']} 行与备份时一致；"
                     f"{r['files']} 个文件的 sha256 一致，数据库引用的 {r['referenced']} 个文件都在备份中")


class Command(BaseCommand):
    help = "备份数据库、全部上传文件（佐证材料、文档、监测数据、责任书）和登录审计到一个带校验清单的归档；--verify 恢复到临时位置校验"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "backups"), help="备份目录（默认 var/backups）")
        parser.add_argument("--verify", metavar="ARCHIVE", nargs="?", const="",
                            help="校验备份：恢复到临时位置并比对各表行数和文件校验值（不带文件名时校验刚生成的备份）")
        parser.add_argument("--portable", action="store_true",
                            help="SQLite 上也用与数据库无关的格式（JSON）备份，以便恢复到 PostgreSQL")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts):
        progress = not opts["no_progress"] and sys.stderr.isatty()
        archive = None
        if not opts["verify"]:
            try:
                archive = backup.create(Path(opts["out"]), progress=progress, stdout=self.stdout,
                                        portable=opts["portable"])
            except backup.BackupError as e:
                raise CommandError(str(e)) from None
            self.stdout.write(f"备份完成：{archive}（{archive.stat().st_size / 1024 / 1024:.1f} MB）")
        if opts["verify"] is not None:
            run_verify(self, Path(opts["verify"]) if opts["verify"] else archive, progress)
