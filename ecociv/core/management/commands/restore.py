"""`ecociv restore ARCHIVE [--verify]`: put the database and the stored files of a backup back
(every member is checked against the manifest first; nothing is changed if one disagrees), or
with `--verify` only restore it into a scratch place and compare."""
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecociv.core import backup
from ecociv.core.management.commands.backup import run_verify


class Command(BaseCommand):
    help = "从备份恢复数据库和全部上传文件（先校验清单，不一致则不做任何改动）；--verify 只恢复到临时位置校验"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（ecociv-….tar）")
        parser.add_argument("--verify", action="store_true", help="只校验：恢复到临时位置并比对，不改动当前数据")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts):
        progress = not opts["no_progress"] and sys.stderr.isatty()
        archive = Path(opts["archive"])
        if opts["verify"]:
            run_verify(self, archive, progress)
            return
        try:
            r = backup.restore(archive, progress=progress)
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        m = r["manifest"]
        files = sum(1 for n in m["members"] if n.startswith("media/"))
        self.stdout.write(f"恢复完成：{archive.name}（{m['created']} 备份）的 {len(m['counts'])} 张表、"
                          f"{sum(m['counts'].values())} 行和 {files} 个文件已恢复到 {settings.MEDIA_ROOT}")
        if r["previous_media"]:
            self.stdout.write(f"恢复前的文件目录已改名为 {r['previous_media']}，确认无误后可删除")
        self.stdout.write("所有会话已失效，用户需重新登录；如代码版本比备份新，请再运行 ecociv migrate")
