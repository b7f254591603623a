"""Backups hold the database, every stored file and the login audit; a restore brings them all
back (rows, and downloads that serve the same bytes); a damaged or incomplete archive is refused."""
import datetime as dt
import hashlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from ecociv.conftest import PASSWORD
from ecociv.core import backup
from ecociv.entry.actions.evidence import add_evidence
from ecociv.entry.actions.tasks import assign_by_lead_department

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("isolated_var")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"backup test evidence"
SUMMARY = "甲县2023年生态文明建设工作总结\n全县空气质量优良天数比例达到94.5%，森林覆盖率达到63.2%。\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored(world, media, client):
    """A value with an evidence file, an uploaded document, a monitoring data file, a login."""
    from ecociv.entry.models import Task
    from ecociv.extraction import actions as x

    assign_by_lead_department(world.county, 2025, by=world.admin, deadline=dt.date(2026, 3, 31))
    task = Task.objects.get(region=world.county, year=2025, department=world.env_dept)
    indicator = task.items.filter(indicator__isnull=False).first().indicator
    ev = add_evidence(task, indicator, by=world.filler, name="监测报告.pdf", data=PDF)
    doc = x.upload_document(by=world.admin, name="甲县总结.txt", data=SUMMARY.encode(), run="none")
    monitoring = Path(media) / "monitoring" / "files" / "stations.csv"
    monitoring.parent.mkdir(parents=True)
    monitoring.write_text("站点编码,站点名称\n1001A,城区站\n", encoding="utf-8")
    assert client.post(reverse("login"), {"username": "jia_filler", "password": PASSWORD}).status_code == 302
    client.logout()
    return {"evidence": ev, "document": doc, "monitoring": monitoring}


def _counts():
    with connection.cursor() as cur:
        return backup.count_rows(cur, backup.backed_up_tables())


def _backup(out: Path) -> Path:
    text = StringIO()
    call_command("backup", "--out", str(out), "--no-progress", stdout=text)
    assert "备份完成" in text.getvalue()
    (archive,) = out.glob("ecociv-*.tar")
    return archive


def test_restore_brings_back_rows_files_and_login_audit(world, stored, media, tmp_path, client):
    from axes.models import AccessLog

    from ecociv.entry.models import Evidence
    from ecociv.extraction.models import SourceDocument

    before = _counts()
    assert before["axes_accesslog"] >= 1 and before["entry_evidence"] == 1 and before["audit_auditlog"] > 0
    archive = _backup(tmp_path / "backups")
    names = backup.unpack(archive, tmp_path / "peek")["members"]
    ev, doc = stored["evidence"], stored["document"]
    assert f"media/{ev.file.name}" in names and f"media/{doc.file.name}" in names
    assert "media/monitoring/files/stations.csv" in names
    assert (tmp_path / "backups" / f"{archive.name}.sha256").read_text().split()[0] == \
        hashlib.sha256(archive.read_bytes()).hexdigest()

    # Everything gone: every table emptied, every stored file deleted.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert not Evidence.objects.exists() and not AccessLog.objects.exists()

    out = StringIO()
    call_command("restore", str(archive), "--no-progress", stdout=out)
    assert "恢复完成" in out.getvalue()
    assert _counts() == before
    assert AccessLog.objects.filter(username="jia_filler").exists()
    assert stored["monitoring"].read_text(encoding="utf-8").startswith("站点编码")

    # The download links serve the same bytes again (the user logs in anew: sessions are not restored).
    client.force_login(world.filler)
    resp = client.get(reverse("entry:evidence", args=[ev.pk]))
    assert resp.status_code == 200
    assert hashlib.sha256(b"".join(resp.streaming_content)).hexdigest() == ev.sha256 == Evidence.objects.get().sha256
    client.force_login(world.admin)
    resp = client.get(reverse("extraction:file", args=[doc.pk]))
    assert resp.status_code == 200
    assert hashlib.sha256(b"".join(resp.streaming_content)).hexdigest() == SourceDocument.objects.get().sha256


def test_verify_restores_into_a_scratch_place(world, stored, tmp_path):
    out = StringIO()
    call_command("backup", "--out", str(tmp_path), "--verify", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "备份完成" in text and "恢复校验通过" in text and "数据库引用的 2 个文件都在备份中" in text
    (archive,) = tmp_path.glob("ecociv-*.tar")
    out = StringIO()
    call_command("restore", str(archive), "--verify", "--no-progress", stdout=out)
    assert "恢复校验通过" in out.getvalue()


def test_damaged_archive_is_refused_and_nothing_changes(world, stored, media, tmp_path):
    from ecociv.entry.models import Evidence

    archive = _backup(tmp_path / "backups")
    data = bytearray(archive.read_bytes())
    at = data.index(PDF)
    data[at + len(PDF) - 1] ^= 0xFF  # one byte of the evidence file
    archive.write_bytes(bytes(data))
    Evidence.objects.all().delete()  # a change after the backup that a refused restore must keep
    with pytest.raises(CommandError, match="备份清单校验失败，未做任何恢复.*校验值不符"):
        call_command("restore", str(archive), "--no-progress", stdout=StringIO())
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("backup", "--verify", str(archive), "--no-progress", stdout=StringIO())
    assert not Evidence.objects.exists()
    assert stored["monitoring"].exists()
    assert not list(Path(media).parent.glob(".ecociv-restore-*")) and not list(Path(media).parent.glob("media.before-*"))


def test_restore_refuses_while_the_server_of_this_installation_runs(world, stored, media, tmp_path, settings):
    import subprocess
    import sys
    import time

    from ecociv.core import serving
    from ecociv.entry.models import Evidence

    archive = _backup(tmp_path / "backups")
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    Evidence.objects.all().delete()  # a change after the backup that a refused restore must keep
    # A process whose command line is ecociv's, as `ecociv serve` leaves in its pid file.
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "ecociv", "serve"])
    try:
        # Until the child has exec'd, /proc shows the parent's command line (as `ecociv serve`
        # writes its own pid file, the real server is always past this point).
        deadline = time.monotonic() + 20
        while b"ecociv" not in Path(f"/proc/{proc.pid}/cmdline").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.05)
        serving.pid_file().write_text(f"{proc.pid}\n")
        with pytest.raises(CommandError, match=f"平台服务正在运行（ecociv serve，进程 {proc.pid}）.*未做任何恢复"):
            call_command("restore", str(archive), "--no-progress", stdout=StringIO())
        assert not Evidence.objects.exists() and stored["monitoring"].exists()
    finally:
        proc.kill()
        proc.wait()
    # The file a crashed server left behind (no such process now) does not block a restore.
    call_command("restore", str(archive), "--no-progress", stdout=StringIO())
    assert Evidence.objects.exists()


def test_restore_refuses_while_a_job_worker_of_this_installation_runs(world, stored, media, tmp_path, settings):
    """A worker run alone (a second service unit) holds the database too: restore names it and
    changes nothing; once it has stopped (SIGTERM, as systemd stops it) its pid file is gone."""
    import signal
    import subprocess
    import time

    from ecociv.core import serving
    from ecociv.entry.models import Evidence

    from .procs import child_env, ecociv

    archive = _backup(tmp_path / "backups")
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    Evidence.objects.all().delete()
    proc = subprocess.Popen(ecociv("db_worker", "--queue-name", "*", "--no-reload", "--interval", "1",
                                   "--no-startup-delay"), env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not serving.running_workers() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert serving.running_workers() == [proc.pid], proc.stderr.read() if proc.poll() is not None else ""
        with pytest.raises(CommandError, match=f"后台任务进程正在运行（ecociv db_worker，进程 {proc.pid}）.*未做任何恢复"):
            call_command("restore", str(archive), "--no-progress", stdout=StringIO())
        assert not Evidence.objects.exists()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not serving.worker_pid_file(proc.pid).exists() and serving.running_workers() == []
    call_command("restore", str(archive), "--no-progress", stdout=StringIO())
    assert Evidence.objects.exists()


def test_a_backup_directory_inside_the_files_it_copies_is_refused(world, media):
    with pytest.raises(CommandError, match="位于上传文件目录（MEDIA_ROOT"):
        call_command("backup", "--out", str(Path(media) / "backups"), "--no-progress", stdout=StringIO())
    assert not (Path(media) / "backups").exists()


def test_a_file_missing_from_storage_fails_the_backup_and_its_verify(world, stored, tmp_path):
    Path(stored["evidence"].file.path).unlink()
    with pytest.raises(CommandError, match="数据库引用的 1 个文件.*不存在"):
        call_command("backup", "--out", str(tmp_path), "--no-progress", stdout=StringIO())
    (archive,) = tmp_path.glob("ecociv-*.tar")
    with pytest.raises(CommandError, match="(?s)恢复校验失败.*数据库引用的 1 个文件不在备份中"):
        call_command("restore", str(archive), "--verify", "--no-progress", stdout=StringIO())


def test_a_portable_backup_of_sqlite_restores_through_the_django_dump(world, stored, media, tmp_path):
    # The archive format a PostgreSQL server writes (and SQLite with --portable, to move to
    # PostgreSQL): every table emptied and loaded in one transaction, the audit tables' triggers kept.
    before = _counts()
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), "--portable", "--no-progress", stdout=out)
    (archive,) = (tmp_path / "b").glob("ecociv-*.tar")
    assert backup.unpack(archive, tmp_path / "peek")["database"] == backup.JSON_MEMBER
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    call_command("restore", str(archive), "--no-progress", stdout=StringIO())
    assert _counts() == before
    assert Path(stored["evidence"].file.path).read_bytes() == PDF
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditlog'")
            assert cur.fetchone()[0] == 2
