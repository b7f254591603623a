"""Backups that are proved by restoring them (等保 2.0 asks for both).

The archive is Django's own serialisation (gzip JSON), so a backup taken on PostgreSQL
restores onto SQLite and back. `--verify` restores the archive into a throwaway SQLite
database and compares the row count of every table with the live database.
"""
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes"]


def _counts() -> dict[str, int]:
    out = {}
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if model._meta.app_label in ("contenttypes", "sessions", "axes") or label == "auth.permission":
            continue
        out[label] = model.objects.count()
    return out


class Command(BaseCommand):
    help = "备份数据库（gzip JSON），--verify 通过实际恢复到临时库校验备份可用"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "backups"), help="备份目录")
        parser.add_argument("--verify", metavar="FILE", nargs="?", const="", help="校验备份（默认校验刚生成的备份）")

    def handle(self, *args, **opts):
        archive = None
        if opts["verify"] is None or opts["verify"] == "":
            out_dir = Path(opts["out"])
            out_dir.mkdir(parents=True, exist_ok=True)
            archive = out_dir / f"ecociv-{dt.datetime.now():%Y%m%d-%H%M%S}.json.gz"
            buf = StringIO()
            call_command("dumpdata", natural_foreign=True, exclude=EXCLUDE, stdout=buf)
            meta = {"counts": _counts(), "created": dt.datetime.now().isoformat()}
            with gzip.open(archive, "wt", encoding="utf-8") as fh:
                fh.write(buf.getvalue())
            archive.with_suffix(".meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
            self.stdout.write(f"备份完成：{archive}（{archive.stat().st_size // 1024} KB）")
        if opts["verify"] is not None:
            target = Path(opts["verify"]) if opts["verify"] else archive
            self._verify(target)

    def _verify(self, archive: Path):
        if not archive or not archive.exists():
            raise CommandError(f"备份文件不存在：{archive}")
        meta_path = archive.with_suffix(".meta.json")
        expected = json.loads(meta_path.read_text())["counts"] if meta_path.exists() else _counts()
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "restore.sqlite3"
            fixture = Path(tmp) / "data.json"
            with gzip.open(archive, "rt", encoding="utf-8") as src:
                fixture.write_text(src.read(), encoding="utf-8")
            env = os.environ | {"DATABASE_URL": f"sqlite:///{db}", "ECOCIV_VAR_DIR": tmp}
            code = (
                "import json,sys,django;django.setup();"
                "from django.core.management import call_command;"
                "call_command('migrate', verbosity=0);"
                f"call_command('loaddata', {str(fixture)!r}, verbosity=0);"
                "from ecociv.core.management.commands.backup import _counts;"
                "print(json.dumps(_counts()))"
            )
            proc = subprocess.run([sys.executable, "-c", code], env=env | {"DJANGO_SETTINGS_MODULE": "ecociv.settings"},
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise CommandError(f"恢复校验失败：{proc.stderr.strip().splitlines()[-1] if proc.stderr else '未知错误'}")
            restored = json.loads(proc.stdout.strip().splitlines()[-1])
        diffs = [f"{k}: 备份时 {v}，恢复后 {restored.get(k, 0)}" for k, v in expected.items() if restored.get(k, 0) != v]
        if diffs:
            raise CommandError("恢复校验发现差异：\n" + "\n".join(diffs))
        self.stdout.write(f"恢复校验通过：{len(expected)} 张表、{sum(expected.values())} 行与备份时一致")
