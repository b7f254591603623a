"""Background jobs in daemon threads (CONVENTIONS: no Celery), with a heartbeat so that a job
whose process died (server restart, crash, OOM kill) is seen as 已中断 by every process
instead of staying 计算中/导入中 for ever.

The rule is one comparison of timestamps in the database, so any server process (or a command)
judges a job the same way, whichever process ran it: a job in a running state whose last
heartbeat is older than `settings.JOB_STALE_MINUTES` is interrupted. While the job lives, a
ticker thread in its process refreshes the heartbeat every `beat_interval()`, however long a
single step takes (one DuckDB pass over a province's year can take minutes without a progress
callback), and the jobs also beat on every progress step.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.utils import timezone

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


def start_thread(target, *args, name: str | None = None, beat: tuple[type, int] | None = None) -> threading.Thread:
    """Run `target(*args)` in a daemon thread that closes its own database connections at the
    end. Closing belongs here, not in `target`: when a job runs inline (tests, settings that
    switch threads off) `target` runs on the request's connection, and closing that — inside a
    test transaction on PostgreSQL — breaks every query after it.

    `beat=(Model, pk)` keeps that row's heartbeat fresh while `target` runs (see `heartbeat`).
    Inline runs have no ticker: they end within the request that started them."""

    def run():
        try:
            with heartbeat(*beat) if beat else nullcontext():
                target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True, name=name)
    thread.start()
    return thread
