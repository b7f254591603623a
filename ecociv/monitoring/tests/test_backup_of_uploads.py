"""A backup holds the monitoring uploads a run refers to (a JSON list of paths, not a FileField):
they count among "every file the database refers to", so a missing one fails the backup and its
verification, as an evidence file does; a file the command line evaluated where it lies does not."""
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecociv.core import backup
from ecociv.monitoring.models import MonitoringRun, RunKind, RunState

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_var")]


@pytest.fixture
def upload(settings, tmp_path, world):
    settings.MEDIA_ROOT = tmp_path / "media"
    stored = Path(settings.MEDIA_ROOT) / "monitoring" / "files" / "ab12-air.csv"
    stored.parent.mkdir(parents=True)
    stored.write_text("station,time,SO2,NO2,CO,O3,PM10,PM2.5\n", encoding="utf-8")
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("x\n", encoding="utf-8")
    MonitoringRun.objects.create(kind=RunKind.AIR, region=world.county, created_by=world.admin, state=RunState.DONE,
                                 files=[{"role": "data", "name": "空气.csv", "path": "monitoring/files/ab12-air.csv"},
                                        {"role": "stations", "name": "站点.csv", "path": str(outside)}])
    return stored


def test_a_runs_upload_is_referenced_and_verified(upload, tmp_path):
    with connection.cursor() as cur:
        names = backup.referenced_files(cur)
    assert "monitoring/files/ab12-air.csv" in names and not any("elsewhere" in n for n in names)
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), "--verify", "--no-progress", stdout=out)
    assert "恢复校验通过" in out.getvalue() and f"数据库引用的 {len(names)} 个文件都在备份中" in out.getvalue()


def test_a_missing_upload_fails_the_backup_and_its_verify(upload, tmp_path):
    upload.unlink()
    with pytest.raises(CommandError, match="数据库引用的 1 个文件.*不存在"):
        call_command("backup", "--out", str(tmp_path / "b"), "--no-progress", stdout=StringIO())
    (archive,) = (tmp_path / "b").glob("ecociv-*.tar")
    with pytest.raises(CommandError, match="(?s)恢复校验失败.*数据库引用的 1 个文件不在备份中"):
        call_command("restore", str(archive), "--verify", "--no-progress", stdout=StringIO())
