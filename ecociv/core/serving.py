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


def write_pid_file() -> None:
    import os

    pid_file().write_text(f"{os.getpid()}\n", encoding="ascii")


def remove_pid_file() -> None:
    import os

    f = pid_file()
    try:
        if f.read_text(encoding="ascii").strip() == str(os.getpid()):
            f.unlink()
    except (OSError, ValueError):
        pass


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
    import os
    from pathlib import Path

    return Path(settings.VAR_DIR) / f"worker-{pid if pid is not None else os.getpid()}.pid"


@contextlib.contextmanager
def worker_pid():
    """`ecociv db_worker` keeps VAR_DIR/worker-<pid>.pid while it runs (the one `ecociv serve`
    starts, and one run alone as a second service unit), so `ecociv restore` sees it."""
    import os

    f = worker_pid_file()
    try:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"{os.getpid()}\n", encoding="ascii")
    except OSError:
        pass
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            f.unlink()


def running_workers() -> list[int]:
    """The pids of this installation's job workers that are running."""
    from pathlib import Path

    found = (_live_ecociv(f) for f in sorted(Path(settings.VAR_DIR).glob("worker-*.pid")))
    return [pid for pid in found if pid]
