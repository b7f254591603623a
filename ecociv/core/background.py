"""Background jobs in a queue kept in the database (django-tasks with its database backend, the
interface Django 6 ships) run by a separate worker process (`ecociv db_worker`, started with the
web server by `ecociv serve` / `make run`), with a heartbeat so that a job whose worker died
(restart, crash, OOM kill) is seen as 已中断 by every process instead of staying 计算中/导入中
for ever, and can be started again. A queued job survives a restart of the web server: it is a
row, not a thread.

The rule is one comparison of timestamps in the database, so any server process (or a command)
judges a job the same way, whichever process ran it: a job in a running state whose last
heartbeat is older than `settings.JOB_STALE_MINUTES` is interrupted. While the job lives, a
ticker thread in its process refreshes the heartbeat every `beat_interval()`, however long a
single step takes (one DuckDB pass over a province's year can take minutes without a progress
callback), and the jobs also beat on every progress step.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

log = logging.getLogger(__name__)


def stale_limit() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "JOB_STALE_MINUTES", 10))


def beat_interval() -> float:
    # A fifth of the limit (at most a minute): four missed beats in a row, e.g. while SQLite's
    # write lock is held by an import's transaction, still do not make a live job look dead.
    return max(1.0, min(60.0, stale_limit().total_seconds() / 5))


def is_stale(last_beat: dt.datetime | None, *, now: dt.datetime, limit: dt.timedelta) -> bool:
    """Whether a job still in a running state has stopped beating. `last_beat` is the newest of
    heartbeat / start / creation the caller knows; None (nothing known) counts as stale."""
    return last_beat is None or now - last_beat > limit


def job_interrupted(active: bool, *beats: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """The model properties' rule: an active job whose last beat is older than the limit. `beats`
    in order of preference (heartbeat, then start, then creation): rows from before the heartbeat
    column fall back to their start or creation time."""
    if not active:
        return False
    last = next((b for b in beats if b is not None), None)
    return is_stale(last, now=now or timezone.now(), limit=stale_limit())


def write_retrying(write, attempts: int = 5) -> None:
    """A job's end is written whatever happened, retried while another writer holds the
    database: a job left running for ever is worse than a late end. If every attempt fails the
    error propagates and the stale heartbeat shows the job as interrupted."""
    for i in range(attempts):
        try:
            write()
            return
        except OperationalError:
            if i == attempts - 1:
                raise
            time.sleep(0.5 * (i + 1))


@contextmanager
def heartbeat(model, pk: int, *, every: float | None = None):
    """Refresh `model.heartbeat` of row `pk` from a ticker thread until the block ends. The ticker
    has its own connection; a failed beat (database busy or briefly gone) is logged and the next
    one tried: a beat is an "I am alive" from this process, and the limit allows for misses."""
    every = every or beat_interval()
    stop = threading.Event()

    def tick():
        try:
            while not stop.wait(every):
                try:
                    model.objects.filter(pk=pk).update(heartbeat=timezone.now())
                except DatabaseError as exc:
                    log.warning("heartbeat of %s %s not written: %s", model.__name__, pk, exc)
        finally:
            connections.close_all()

    ticker = threading.Thread(target=tick, daemon=True, name=f"heartbeat-{model.__name__}-{pk}")
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join(timeout=5)


@task()
def run_job(target: str, args: list, beat_model: str = "", beat_pk: int | None = None) -> None:
    """The one task the queue knows: call `target` (a dotted path) with `args`, keeping the beat
    row fresh while it runs. One generic task keeps every caller's interface a plain function."""
    fn = import_string(target)
    model = apps.get_model(beat_model) if beat_model else None
    with heartbeat(model, beat_pk) if model is not None else nullcontext():
        fn(*args)


def _dotted(target) -> str:
    path = f"{target.__module__}.{target.__qualname__}"
    if "<" in path:
        # The worker imports the function by name: a lambda or a nested function has none.
        raise ValueError(f"background job target must be a module-level function, not {path}")
    return path


def inline() -> bool:
    """Whether the configured backend runs jobs at once in the caller (tests' ImmediateBackend)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    # The backend itself, not `default_task_backend`: that is a proxy, and isinstance() of a
    # proxy is never the backend's class.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def start_thread(target, *args, name: str | None = None, beat: tuple[type, int] | None = None):
    """Queue `target(*args)` for the worker process (the name is historical: callers keep it).
    `args` must be JSON values (ids, flags). The queue row is written in the caller's transaction,
    so the worker never sees a job whose own rows were rolled back.

    `beat=(Model, pk)` keeps that row's heartbeat fresh while `target` runs in the worker (see
    `heartbeat`); inline runs (tests) have no ticker: they end within the request that started
    them, on the request's connection."""
    if inline():
        return run_job.enqueue(_dotted(target), list(args))
    model, pk = beat if beat else (None, None)
    return run_job.enqueue(_dotted(target), list(args), model._meta.label if model else "", pk)


enqueue = start_thread


# Progress of a job is written by the worker where every web process can read it. Not in the
# database: an import writes its rows in one transaction, and on SQLite that transaction holds
# the only write lock until the end, so a progress row could not be written meanwhile.
def _progress_path(kind: str, pk: int) -> Path:
    return Path(settings.VAR_DIR) / "progress" / f"{kind}-{int(pk)}.json"


def set_progress(kind: str, pk: int, done: int, total: int) -> None:
    path = _progress_path(kind, pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps([done, total]))
    tmp.replace(path)


def get_progress(kind: str, pk: int) -> tuple[int, int] | None:
    try:
        done, total = json.loads(_progress_path(kind, pk).read_text())
    except (OSError, ValueError):
        return None
    return int(done), int(total)


def clear_progress(kind: str, pk: int) -> None:
    _progress_path(kind, pk).unlink(missing_ok=True)
