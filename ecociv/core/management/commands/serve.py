"""`ecociv serve`: the production web server (gunicorn, static files by WhiteNoise) and the job
worker (`ecociv db_worker`) as two child processes under one command. Ctrl+C or SIGTERM stops
both; if either dies, the other is stopped too and the command exits non-zero, so a service
manager (systemd) restarts the pair rather than leaving a server whose jobs never run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecociv.core.serving import create_key_file, kept_pid_file, pid_file, refuse_unsafe_start


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        raise CommandError(f"{name} 必须是正整数") from None


class Command(BaseCommand):
    help = "启动生产 Web 服务（gunicorn）和后台任务进程（db_worker），Ctrl+C 同时停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--create-key", action="store_true",
                            help="没有配置 SECRET_KEY 时生成密钥文件（演示用，见 README）")
        parser.add_argument("--no-worker", action="store_true", help="只启动 Web 服务（任务进程另行运行）")

    def handle(self, *args, host, port, create_key, no_worker, **opts):
        if create_key and create_key_file():
            # The children read the new file when they load the settings.
            self.stdout.write(f"已生成密钥文件 {settings.SECRET_KEY_FILE}")
        else:
            refuse_unsafe_start()
        web = [sys.executable, "-m", "gunicorn", "ecociv.wsgi:application",
               "--bind", f"{host}:{port}", "--worker-class", "gthread",
               "--workers", str(_env_int("WEB_WORKERS", 2)), "--threads", str(_env_int("WEB_THREADS", 8)),
               "--timeout", str(_env_int("WEB_TIMEOUT", 120)), "--graceful-timeout", "10",
               "--access-logfile", os.environ.get("ACCESS_LOG", "-"),
               # The HTTPS proxy in front (README) sets X-Forwarded-Proto; trust it only from here.
               "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")]
        worker = [sys.executable, "-m", "ecociv.cli", "db_worker", "--queue-name", "*", "--no-reload",
                  "--interval", "1", "--no-startup-delay"]
        with kept_pid_file(pid_file()):  # `ecociv restore` refuses while this server runs
            self._run(web, worker, no_worker)

    def _run(self, web, worker, no_worker):
        children = [subprocess.Popen(web)]
        if not no_worker:
            children.append(subprocess.Popen(worker))
        # The air evaluation's queries compiled once after an install or upgrade, at low priority
        # beside the server, so no user's first evaluation pays it. Not supervised: a failure only
        # leaves the compile to that first run.
        helpers = []
        if os.environ.get("PREPARE_ON_START", "1") != "0":
            helpers.append(subprocess.Popen([sys.executable, "-m", "ecociv.cli", "air-prepare", "--quiet",
                                             "--background"]))

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            helpers = [h for h in helpers if h.poll() is None]  # a finished helper is reaped here
            dead = [c for c in children if c.poll() is not None]
            if dead:
                code = dead[0].returncode or 1
                self.stderr.write(f"进程 {dead[0].args[2]} 已退出（{dead[0].returncode}），停止其余进程")
                break
            time.sleep(0.2)
        for c in children + helpers:
            if c.poll() is None:
                c.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for c in children + helpers:
            try:
                c.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                c.kill()
                c.wait()
        if code:
            raise CommandError("服务已停止")
        self.stdout.write("服务已停止")
