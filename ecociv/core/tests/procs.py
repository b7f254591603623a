"""Running the project's own processes (worker, server) against the test database."""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from django.conf import settings


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(**extra) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url(), ECOCIV_VAR_DIR=str(settings.VAR_DIR),
               MEDIA_ROOT=str(settings.MEDIA_ROOT), TASKS_BACKEND="django_tasks_db.DatabaseBackend",
               DJANGO_SETTINGS_MODULE="ecociv.settings")
    env.update(extra)
    return env


def ecociv(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecociv.cli", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ROOT = Path(__file__).resolve().parents[3]
