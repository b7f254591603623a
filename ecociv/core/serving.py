"""What the production server refuses to start with, in one place: wsgi.py (gunicorn, or any WSGI
server a deployment uses) and `ecociv serve` both call it."""
from __future__ import annotations

import contextlib
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_start() -> None:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG=0 时不能使用开发用 SECRET_KEY：请设置环境变量 SECRET_KEY，或把密钥写入 SECRET_KEY_FILE"
            f"（默认 {settings.SECRET_KEY_FILE}）。")


def create_key_file() -> bool:
    """Write a random key to SECRET_KEY_FILE unless a key is configured; True if one was written.
    The file is readable by its owner only: whoever reads it can forge sessions."""
    path = settings.SECRET_KEY_FILE
    if settings.SECRET_KEY != settings.DEV_SECRET_KEY or path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(secrets.token_urlsafe(50))
    return True


# ---- the running server, as other commands (restore) need to know it -----------------------

def pid_file():
    from pathlib import Path

    return Path(settings.VAR_DIR) / "serve.pid"


@contextlib.contextmanager
def kept_pid_file(path, *, required: bool = True):
    """Keep `path` naming this process while the block runs (what `ecociv restore` reads), and
    remove it on the way out if it still names this process. `required=False`: a file that
    cannot be written is skipped rather than refused."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{os.getpid()}\n", encoding="ascii")
    except OSError:
        if required:
            raise
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            if path.read_text(encoding="ascii").strip() == str(os.getpid()):
                path.unlink()


def _live_ecociv(path) -> int | None:
    """The pid a pid file names if that process lives and its command line is ecociv's. A file
    left by a crash or a reboot (no such process, or the number now belongs to another program)
    counts as not running."""
    from pathlib import Path

    try:
        pid = int(path.read_text(encoding="ascii").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"ecociv" in cmdline else None


def running_server() -> int | None:
    """The pid of the `ecociv serve` of this installation (its VAR_DIR) if it is running."""
    return _live_ecociv(pid_file())


def worker_pid_file(pid: int | None = None):
    """VAR_DIR/worker-<pid>.pid, kept by every `ecociv db_worker` (the one `ecociv serve` starts,
    and one run alone as a second service unit) while it runs."""
    import os
    from pathlib import Path

    return Path(settings.VAR_DIR) / f"worker-{pid if pid is not None else os.getpid()}.pid"


def running_workers() -> list[int]:
    """The pids of this installation's job workers that are running."""
    from pathlib import Path

    found = (_live_ecociv(f) for f in sorted(Path(settings.VAR_DIR).glob("worker-*.pid")))
    return [pid for pid in found if pid]
