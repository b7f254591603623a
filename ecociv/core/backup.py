"""Backups with the files, proved by restoring them (等保 2.0 asks for both).

One archive (`ecociv-YYYYmmdd-HHMMSS.tar`, plus `.sha256` beside it) holds:

- `db/snapshot.sqlite3` on SQLite: SQLite's online backup API, a consistent copy while the
  platform keeps serving; restored with the same API into the live file (one transaction).
- `db/data.json.gz` on PostgreSQL (and on SQLite with `--portable`, to move to PostgreSQL):
  Django's own serialisation, dumped inside one REPEATABLE READ
  transaction (a consistent snapshot). Chosen over pg_dump because it needs no client binaries
  whose major version must match the server's, restores onto SQLite for `--verify` without any
  right to create databases, and moves a deployment between the two backends. It is restored in
  one transaction (all tables emptied, then loaded), so a failure changes nothing.
- `media/…`: every stored file under MEDIA_ROOT (evidence, uploaded documents, monitoring files,
  responsibility letters and ledger evidence; reports and templates live in the database).
- The login audit (django-axes' access log, failures and lockouts) and the audit log are tables,
  so they are in the database part on both backends. Sessions are not: a restore logs everyone out.
- `manifest.json` last: sha256 and size of every member, and the row count of every table taken
  in the same snapshot as the dump.

`restore` reads the whole archive into a staging directory beside MEDIA_ROOT and checks every
member against the manifest before it touches anything; `verify` restores into a scratch
directory and a scratch SQLite database and compares row counts per table, file checksums, and
that every file the database refers to is in the archive.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = "ecociv-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "db/snapshot.sqlite3"
JSON_MEMBER = "db/data.json.gz"
# Not backed up: derived (content types, permissions: rebuilt by migrate) or live state that a
# restored copy must not bring back (sessions: a restore signs everyone out).
SKIP_APPS = {"contenttypes", "sessions"}
SKIP_MODELS = {"auth.permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal the command prints as is (Chinese, names what is wrong)."""


def _models(include_auto_created: bool = True):
    for model in apps.get_models(include_auto_created=include_auto_created):
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if model._meta.app_label in SKIP_APPS or label in SKIP_MODELS:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def backed_up_tables() -> list[str]:
    return sorted({m._meta.db_table for m in _models()})


def count_rows(cursor, tables) -> dict[str, int]:
    out = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # table names come from the models  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
        out[table] = cursor.fetchone()[0]
    return out


# Stored files an app refers to otherwise than by a FileField (a run's JSON list of uploads):
# the app registers, in its ready(), a function(cursor) → names relative to MEDIA_ROOT. Core
# cannot import the apps above it; this is how their files join "every referenced file".
_FILE_REFERENCES: list = []


def register_file_references(fn) -> None:
    if fn not in _FILE_REFERENCES:
        _FILE_REFERENCES.append(fn)


def referenced_files(cursor) -> list[str]:
    """Every stored file name the database refers to (relative to MEDIA_ROOT): each FileField's,
    and those of the functions apps registered with `register_file_references`."""
    from django.db.models import FileField

    names = set()
    for model in _models(include_auto_created=False):
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField):
                cursor.execute(f'SELECT "{f.column}" FROM "{model._meta.db_table}" '  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
                               f'WHERE "{f.column}" IS NOT NULL AND "{f.column}" <> \'\'')
                names.update(r[0] for r in cursor.fetchall())
    for fn in _FILE_REFERENCES:
        names.update(fn(cursor))
    return sorted(names)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class _HashingReader:
    def __init__(self, fh):
        self.fh, self.hash, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fh.read(n)
        self.hash.update(data)
        self.size += len(data)
        return data


class _HashingWriter:
    def __init__(self, fh):
        self.fh, self.hash = fh, hashlib.sha256()

    def write(self, data):
        self.hash.update(data)
        return self.fh.write(data)


def _bar(total: int, desc: str, unit: str, progress: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=unit == "B", file=sys.stderr,
                disable=not progress, leave=False)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            # An upload being written has a temporary dot-name; it is not stored data yet.
            if name.startswith(".upload-") or not p.is_file() or p.is_symlink():
                continue
            out.append(p)
    return sorted(out)


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    out: dict[str, str] = {}
    for app, name in cursor.fetchall():
        out[app] = max(out.get(app, ""), name)
    return out


# ---- backup -------------------------------------------------------------------------------

def _dump_sqlite(dest: Path, progress: bool) -> tuple[dict[str, int], list[str], dict[str, str]]:
    connection.ensure_connection()
    bar = _bar(0, "数据库快照", "页", progress)

    def step(_status, remaining, total):
        bar.total = total
        bar.n = total - remaining
        bar.refresh()

    snap = sqlite3.connect(dest)
    try:
        connection.connection.backup(snap, pages=4096, progress=step)
        cur = snap.cursor()
        counts = count_rows(cur, backed_up_tables())
        files = referenced_files(cur)
        migrations = _migrations(cur)
    finally:
        snap.close()
        bar.close()
    return counts, files, migrations


def _dump_json(dest: Path, stdout) -> tuple[dict[str, int], list[str], dict[str, str]]:
    exclude = sorted(SKIP_APPS | SKIP_MODELS)
    with transaction.atomic():
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Counts, file names and the dump all see one snapshot of the database.
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counts = count_rows(cur, backed_up_tables())
            files = referenced_files(cur)
            migrations = _migrations(cur)
        call_command("dumpdata", natural_foreign=True, exclude=exclude, output=str(dest), stdout=stdout,
                     verbosity=1)
    return counts, files, migrations


def create(out_dir: Path, *, progress: bool = False, stdout=None, portable: bool = False) -> Path:
    media = Path(settings.MEDIA_ROOT)
    if out_dir.resolve().is_relative_to(media.resolve()):
        # The archive would be written into the directory it is copying (and into every later backup).
        raise BackupError(f"备份目录 {out_dir} 位于上传文件目录（MEDIA_ROOT {media}）之内，请另选目录")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = out_dir / f"ecociv-{stamp}.tar"
    n = 1
    while archive.exists():
        n += 1
        archive = out_dir / f"ecociv-{stamp}-{n}.tar"
    part = archive.with_name(archive.name + ".part")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as tmp:
        if connection.vendor == "sqlite" and not portable:
            db_member, db_file = SQLITE_MEMBER, Path(tmp) / "snapshot.sqlite3"
            counts, referenced, migrations = _dump_sqlite(db_file, progress)
        else:
            db_member, db_file = JSON_MEMBER, Path(tmp) / "data.json.gz"
            counts, referenced, migrations = _dump_json(db_file, stdout)
        files = _media_files(media)
        total = db_file.stat().st_size + sum(p.stat().st_size for p in files)
        bar = _bar(total, "写入备份", "B", progress)
        try:
            with open(part, "wb") as raw:
                out = _HashingWriter(raw)
                with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    for name, path in [(db_member, db_file)] + [
                            (str(PurePosixPath("media", p.relative_to(media).as_posix())), p) for p in files]:
                        try:
                            with open(path, "rb") as fh:
                                info = tar.gettarinfo(fileobj=fh, arcname=name)
                                info.uid = info.gid = 0
                                info.uname = info.gname = ""
                                reader = _HashingReader(fh)
                                tar.addfile(info, reader)
                        except FileNotFoundError:  # deleted since it was listed
                            continue
                        members[name] = {"sha256": reader.hash.hexdigest(), "size": reader.size}
                        bar.update(reader.size)
                    missing = [f for f in referenced if f"media/{f}" not in members]
                    manifest = {
                        "format": FORMAT, "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                        "engine": connection.vendor, "database": db_member, "counts": counts,
                        "migrations": migrations, "members": members, "referenced_files": referenced,
                        "missing_files": missing,
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
                    tar.addfile(info, io.BytesIO(data))
            os.replace(part, archive)
        finally:
            bar.close()
            if part.exists():
                part.unlink()
    archive.with_name(archive.name + ".sha256").write_text(f"{out.hash.hexdigest()}  {archive.name}\n")
    if missing:
        raise BackupError(f"备份已写入 {archive}，但数据库引用的 {len(missing)} 个文件在 {media} 中不存在"
                          f"（如 {missing[0]}）：这些文件无法恢复，请检查存储目录")
    return archive


# ---- reading and checking an archive --------------------------------------------------------

def _safe_name(name: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise BackupError(f"备份文件含有不安全的路径“{name}”，拒绝恢复")
    return str(p)


def unpack(archive: Path, dest: Path, *, progress: bool = False) -> dict:
    """Extract every member into dest, hashing as it goes, and check them all against the
    manifest. Raises BackupError (nothing outside dest is touched) when anything disagrees."""
    if not archive.is_file():
        raise BackupError(f"备份文件不存在：{archive}")
    seen: dict[str, dict] = {}
    manifest_bytes = None
    bar = _bar(archive.stat().st_size, "读取并校验备份", "B", progress)
    try:
        with tarfile.open(archive, mode="r|") as tar:
            for info in tar:
                if not info.isfile():
                    continue
                name = _safe_name(info.name)
                src = tar.extractfile(info)
                if name == MANIFEST:
                    manifest_bytes = src.read()
                    continue
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                h, size = hashlib.sha256(), 0
                with open(target, "wb") as out:
                    while chunk := src.read(CHUNK):
                        h.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                        bar.update(len(chunk))
                seen[name] = {"sha256": h.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError) as e:
        raise BackupError(f"备份文件已损坏或不完整，无法读取（{archive.name}：{e}）") from None
    finally:
        bar.close()
    if manifest_bytes is None:
        raise BackupError(f"备份文件 {archive.name} 中没有清单（manifest.json）：不是本平台的完整备份，拒绝恢复")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(f"备份文件 {archive.name} 的清单无法解析，拒绝恢复") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份文件 {archive.name} 的格式“{manifest.get('format')}”不受支持，拒绝恢复")
    expected = manifest.get("members", {})
    problems = []
    for name, want in expected.items():
        got = seen.get(name)
        if got is None:
            problems.append(f"缺少 {name}")
        elif got != want:
            problems.append(f"{name} 的校验值不符（清单 sha256 {want['sha256'][:12]}…，实际 {got['sha256'][:12]}…）")
    problems += [f"{name} 不在清单中" for name in seen if name not in expected]
    if manifest.get("database") not in seen:
        problems.append("缺少数据库部分")
    if problems:
        more = f"等 {len(problems)} 处" if len(problems) > 5 else ""
        raise BackupError("备份清单校验失败，未做任何恢复：" + "；".join(problems[:5]) + more)
    return manifest


# ---- restore --------------------------------------------------------------------------------

def _restore_sqlite(snapshot: Path, progress: bool) -> None:
    src = sqlite3.connect(snapshot)
    try:
        ok = src.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"备份中的数据库快照未通过完整性检查（{ok}），未做任何恢复")
        bar = _bar(0, "恢复数据库", "页", progress)

        def step(_status, remaining, total):
            bar.total = total
            bar.n = total - remaining
            bar.refresh()

        connection.close()
        connection.ensure_connection()
        try:
            # One write transaction on the live file: readers see the old database or the new.
            src.backup(connection.connection, pages=4096, progress=step)
        finally:
            bar.close()
    finally:
        src.close()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM django_session")


def _restore_json(dump: Path) -> None:
    from django.core.management.color import no_style

    tables = [*backed_up_tables(), "django_session"]
    with transaction.atomic():
        # Empty every backed-up table, then load: in one transaction, so a failed load leaves
        # the database as it was. loaddata resets the id sequences on PostgreSQL. The audit
        # tables refuse row deletes (audit/immutable.py): PostgreSQL empties them by TRUNCATE,
        # which fires no row trigger; SQLite deletes row by row, so there every trigger is
        # dropped for the replacement and created again from its own SQL, in the same transaction.
        triggers = []
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
                triggers = cur.fetchall()
                for name, _sql in triggers:
                    cur.execute(f'DROP TRIGGER "{name}"')
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True))
        call_command("loaddata", str(dump), verbosity=0)
        with connection.cursor() as cur:
            for _name, sql in triggers:
                cur.execute(sql)


def restore(archive: Path, *, progress: bool = False) -> dict:
    from ecociv.core.serving import running_server, running_workers

    pid = running_server()
    if pid:
        raise BackupError(f"平台服务正在运行（ecociv serve，进程 {pid}），恢复会替换它正在使用的数据库和文件；"
                          "请先停止服务（systemctl stop ecociv，或在运行窗口按 Ctrl+C），未做任何恢复")
    workers = running_workers()
    if workers:
        raise BackupError(f"后台任务进程正在运行（ecociv db_worker，进程 {'、'.join(map(str, workers))}），"
                          "恢复会替换它正在使用的数据库和文件；请先停止它（如 systemctl stop ecociv-worker），未做任何恢复")
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = Path(tempfile.mkdtemp(dir=media.parent, prefix=".ecociv-restore-"))
    old = media.with_name(f"{media.name}.before-restore-{stamp}")
    swapped = False
    try:
        manifest = unpack(archive, staging, progress=progress)
        db_file = staging / manifest["database"]
        if manifest["database"] == SQLITE_MEMBER and connection.vendor != "sqlite":
            raise BackupError(f"这是 SQLite 数据库的备份，当前平台使用 {connection.vendor}，未做任何恢复"
                              "（请先恢复到 SQLite，再导出导入数据）")
        new_media = staging / "media"
        new_media.mkdir(exist_ok=True)
        # Files first (two renames on one file system), then the database; if the database
        # part fails the files are put back, so nothing is left half restored.
        if media.exists():
            media.rename(old)
        new_media.rename(media)
        swapped = True
        try:
            if manifest["database"] == JSON_MEMBER:
                _restore_json(db_file)
            else:
                _restore_sqlite(db_file, progress)
        except Exception:
            shutil.rmtree(media, ignore_errors=True)
            if old.exists():
                old.rename(media)
            swapped = False
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"manifest": manifest, "previous_media": old if swapped and old.exists() else None}


# ---- verify: restore into a scratch place and compare ---------------------------------------

_SCRATCH = """
import json, sys, django
django.setup()
from django.core.management import call_command
from django.db import connection
from ecociv.core import backup
dump = sys.argv[1]
if dump:
    call_command("migrate", verbosity=0)
    call_command("loaddata", dump, verbosity=0)
with connection.cursor() as cur:
    print(json.dumps({"counts": backup.count_rows(cur, backup.backed_up_tables()),
                      "files": backup.referenced_files(cur)}))
"""


def _scratch_report(db_url: str, dump: str, var_dir: Path) -> dict:
    env = os.environ | {"DATABASE_URL": db_url, "ECOCIV_VAR_DIR": str(var_dir),
                        "MEDIA_ROOT": str(var_dir / "media"), "DJANGO_SETTINGS_MODULE": "ecociv.settings"}
    proc = subprocess.run([sys.executable, "-c", _SCRATCH, dump], env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "未知错误"
        raise BackupError(f"恢复到临时数据库失败：{last}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def verify(archive: Path, *, progress: bool = False, say: Callable[[str], None] = print) -> dict:
    with tempfile.TemporaryDirectory(prefix="ecociv-verify-") as tmp:
        scratch = Path(tmp)
        manifest = unpack(archive, scratch / "x", progress=progress)
        say(f"清单校验通过：{len(manifest['members'])} 个部分的 sha256 与清单一致")
        if manifest["database"] == SQLITE_MEMBER:
            db = scratch / "restore.sqlite3"
            src, dst = sqlite3.connect(scratch / "x" / SQLITE_MEMBER), sqlite3.connect(db)
            try:
                ok = src.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    raise BackupError(f"备份中的数据库快照未通过完整性检查（{ok}）")
                src.backup(dst)
            finally:
                src.close()
                dst.close()
            report = _scratch_report(f"sqlite:///{db}", "", scratch)
        else:
            report = _scratch_report(f"sqlite:///{scratch / 'restore.sqlite3'}",
                                     str(scratch / "x" / JSON_MEMBER), scratch)
        expected = manifest["counts"]
        diffs = [f"{t}：备份时 {n} 行，恢复后 {report['counts'].get(t, '（无此表）')}"
                 for t, n in expected.items() if report["counts"].get(t) != n]
        have = {name[len("media/"):] for name in manifest["members"] if name.startswith("media/")}
        lost = [f for f in report["files"] if f not in have]
        for name, want in manifest["members"].items():
            if _sha256_file(scratch / "x" / name) != want["sha256"]:
                diffs.append(f"{name} 恢复后的校验值不符")
        if lost:
            diffs.append(f"数据库引用的 {len(lost)} 个文件不在备份中（如 {lost[0]}）")
        if diffs:
            raise BackupError("恢复校验失败：\n" + "\n".join(diffs))
    return {"tables": len(expected), "rows": sum(expected.values()), "files": len(have),
            "referenced": len(report["files"]), "bytes": sum(m["size"] for m in manifest["members"].values())}
