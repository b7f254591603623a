"""Typed settings from the environment that fail loudly: a typo in production must stop
start-up, not silently fall back to a default."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def database_from_url(url: str, base_dir: Path, var_dir: Path | None = None) -> dict:
    import dj_database_url

    if not url.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise ImproperlyConfigured(f"DATABASE_URL scheme not supported: {url!r} (sqlite:/// or postgresql://)")
    cfg = dj_database_url.parse(url, conn_max_age=60)
    if cfg["ENGINE"].endswith("sqlite3"):
        cfg["NAME"] = str((base_dir / cfg["NAME"]).resolve()) if not os.path.isabs(cfg["NAME"]) else cfg["NAME"]
        # WAL lets the dashboard read while an import writes; without it readers block.
        cfg["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                          "transaction_mode": "IMMEDIATE"}
        # Tests use a file too, never Django's shared-cache in-memory database: there a
        # background job writing while the live server reads fails at once with "database table
        # is locked" (shared-cache locks ignore the busy timeout), which production never sees.
        # pytest-xdist appends the worker name to it.
        test_dir = (var_dir or base_dir / "var") / "test"
        try:
            test_dir.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only install never runs the tests
            pass
        # One name per test run, so two suites running at once never share (and delete) a file.
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
        cfg["TEST"] = {"NAME": str(test_dir / f"{Path(cfg['NAME']).stem}-test-{run[:12]}.sqlite3")}
        cfg.pop("CONN_MAX_AGE", None)
    return cfg
