"""Where a monitoring run's files are: one rule for finding an upload today (`stored_path`) and
for the name a backup must hold (`media_name`, `file_references`). Light on purpose: the app
registers `file_references` with core.backup at start, so this imports no engine."""
from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from ecociv.monitoring.models import MonitoringRun


def stored_path(entry: dict) -> Path:
    """Where a run's file is now: a page upload is stored relative to MEDIA_ROOT; a file the
    command line evaluated keeps its absolute path. Runs recorded before paths were relative
    carry an absolute path under some earlier MEDIA_ROOT: their content-addressed name is looked
    up under today's."""
    p = Path(entry["path"])
    if not p.is_absolute():
        return Path(settings.MEDIA_ROOT) / p
    if not p.exists() and p.parent.name == "files" and p.parent.parent.name == "monitoring":
        moved = Path(settings.MEDIA_ROOT) / "monitoring" / "files" / p.name
        if moved.exists():
            return moved
    return p


def media_name(entry: dict) -> str | None:
    """The name under MEDIA_ROOT of a run's stored upload (what a backup must hold), or None for
    a file the command line evaluated where it lies (never copied into the platform's storage)."""
    raw = entry.get("path") or ""
    if not raw:
        return None
    p = Path(raw)
    if not p.is_absolute():
        return p.as_posix()
    if p.parent.name == "files" and p.parent.parent.name == "monitoring":  # recorded absolute, earlier
        return f"monitoring/files/{p.name}"
    return None


def file_references(cursor) -> list[str]:
    """The uploads every run refers to, for core.backup (registered in apps.ready). Read with the
    backup's own cursor; a JSON column comes back as text (SQLite) or already parsed (PostgreSQL)."""
    meta = MonitoringRun._meta
    cursor.execute(f'SELECT "{meta.get_field("files").column}" FROM "{meta.db_table}"')  # nosec B608  # SQL text from code: identifiers and numbers only, strings through _sql_str/parameters
    names = []
    for (raw,) in cursor.fetchall():
        entries = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        for entry in entries or []:
            name = media_name(entry) if isinstance(entry, dict) else None
            if name:
                names.append(name)
    return names
