"""`ecociv serve` (what `make run` starts): gunicorn serving pages and static files on the port
asked for, a worker running queued jobs, Ctrl+C stopping both; a DEBUG=0 start with the
development key refused."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ecociv.entry.models import ImportJob

from .procs import child_env, ecociv, free_port


def _get(url: str, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=60)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.django_db(transaction=True)
def test_serve_runs_gunicorn_and_the_worker_and_ctrl_c_stops_both(world, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    port = free_port()
    key = tmp_path / "key"
    key.write_text("k" * 60)
    sql = tmp_path / "sql"
    proc = subprocess.Popen(ecociv("serve", "--port", str(port)),
                            env=child_env(SECRET_KEY_FILE=str(key), ECOCIV_SQL_CACHE=str(sql)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        resp = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert resp.status == 200 and "登录" in resp.read().decode()
        assert "gunicorn" in (resp.headers.get("Server") or "")
        css = _get(f"http://127.0.0.1:{port}/static/ecociv/app.css")
        assert css.status == 200 and len(css.read()) > 100

        # Through gunicorn, a body sent in chunks (no Content-Length) is refused before it is read.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"POST /api/v1/entry/tasks/1/submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                      b"10\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n")
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        assert reply.split(b"\r\n")[0].endswith(b"411 Length Required") and b"REQUEST_MAX_MB" in reply

        # The worker is there: a job queued now is run without anyone starting anything.
        from ecociv.core.background import start_thread
        from ecociv.entry.views_files import run_job

        job = ImportJob.objects.create(created_by=world.city_admin, file_name="x.csv", data=b"\xff",
                                       total=1, state=ImportJob.State.RUNNING)
        start_thread(run_job, job.pk)
        deadline = time.monotonic() + 180
        while ImportJob.objects.get(pk=job.pk).state == ImportJob.State.RUNNING and time.monotonic() < deadline:
            time.sleep(0.3)
        assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.FAILED

        # Beside them, the air evaluation's queries are compiled once, in the background, and the
        # helper then leaves: two children stay.
        from ecociv.monitoring.engine.api import prepare_cases

        deadline = time.monotonic() + 300
        while len(_children(proc.pid)) > 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(list(sql.glob("duckdb-*.sql"))) == 2 * len(prepare_cases())
        kids = _children(proc.pid)
        assert len(kids) == 2
        from ecociv.core.serving import pid_file, running_server

        assert running_server() == proc.pid  # what `ecociv restore` asks before replacing anything
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert "服务已停止" in out
        assert not pid_file().exists() and running_server() is None
        time.sleep(0.5)
        assert not any(_alive(k) for k in kids)
    finally:
        if proc.poll() is None:  # a failed check: take the server's children down with it
            import os

            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_debug_off_refuses_the_development_key(tmp_path):
    done = subprocess.run(ecociv("serve", "--port", str(free_port())),
                          env=child_env(DEBUG="0", SECRET_KEY="", SECRET_KEY_FILE=str(tmp_path / "none")),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "开发用 SECRET_KEY" in done.stderr
    # And a WSGI server loading the application directly refuses too.
    done = subprocess.run([sys.executable, "-c", "import ecociv.wsgi"],
                          env=child_env(DEBUG="0", SECRET_KEY="", SECRET_KEY_FILE=str(tmp_path / "none")),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "开发用 SECRET_KEY" in done.stderr
