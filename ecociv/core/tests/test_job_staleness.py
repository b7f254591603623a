"""The rule that turns a job whose process died into 已中断, and the heartbeat that keeps a
live one from looking dead."""
import datetime as dt
import time

import pytest
from django.db import OperationalError
from django.utils import timezone

from ecociv.core.background import (
    beat_interval,
    heartbeat,
    is_stale,
    job_interrupted,
    stale_limit,
    write_retrying,
)

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
LIMIT = dt.timedelta(minutes=10)


def test_a_beat_older_than_the_limit_is_stale_and_the_limit_itself_is_not():
    assert not is_stale(NOW - dt.timedelta(minutes=3), now=NOW, limit=LIMIT)
    assert not is_stale(NOW - LIMIT, now=NOW, limit=LIMIT)
    assert is_stale(NOW - LIMIT - dt.timedelta(seconds=1), now=NOW, limit=LIMIT)
    assert is_stale(None, now=NOW, limit=LIMIT)


def test_only_active_jobs_are_interrupted_judged_by_their_newest_beat(settings):
    settings.JOB_STALE_MINUTES = 10
    old, fresh = NOW - dt.timedelta(hours=2), NOW - dt.timedelta(minutes=1)
    assert job_interrupted(True, old, fresh, fresh, now=NOW)  # the heartbeat decides when there is one
    assert not job_interrupted(True, fresh, old, old, now=NOW)
    # A row from before the heartbeat column falls back to its start or creation time.
    assert job_interrupted(True, None, None, old, now=NOW)
    assert not job_interrupted(True, None, fresh, old, now=NOW)
    assert not job_interrupted(False, old, None, old, now=NOW)  # done/failed never are
    assert job_interrupted(True, now=NOW)


def test_the_limit_comes_from_settings_and_the_beat_is_well_inside_it(settings):
    settings.JOB_STALE_MINUTES = 10
    assert stale_limit() == LIMIT and beat_interval() == 60
    settings.JOB_STALE_MINUTES = 1
    assert beat_interval() == 12


def test_a_job_end_is_retried_while_the_database_is_busy(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: None)
    calls = []

    def write():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")

    write_retrying(write)
    assert len(calls) == 3
    with pytest.raises(OperationalError):
        write_retrying(lambda: (_ for _ in ()).throw(OperationalError("gone")), attempts=2)


@pytest.mark.django_db(transaction=True)
def test_the_ticker_keeps_the_heartbeat_fresh_while_the_job_runs():
    from ecociv.monitoring.models import MonitoringRun, RunState

    long_ago = timezone.now() - dt.timedelta(hours=1)
    run = MonitoringRun.objects.create(kind="air", state=RunState.RUNNING, heartbeat=long_ago)
    with heartbeat(MonitoringRun, run.pk, every=0.05):
        time.sleep(0.4)
    run.refresh_from_db()
    assert run.heartbeat > long_ago + dt.timedelta(minutes=59) and not run.interrupted
    beat = run.heartbeat
    time.sleep(0.2)
    run.refresh_from_db()
    assert run.heartbeat == beat  # the ticker stopped with the job
