"""What the production server refuses to start with, in one place: wsgi.py (gunicorn, or any WSGI
server a deployment uses) and `ecociv serve` both call it."""
from __future__ import annotations

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
