"""Load benchmark of the production server (not a test; never run by `make test`).

    .venv/bin/python benchmarks/serve/run.py [--users 50] [--seconds 60] [--database-url URL]

Builds the demo world of `make run` in a throwaway directory (SQLite there, or the PostgreSQL
database named by --database-url, dropped and created afresh), starts `ecociv serve` (gunicorn +
the job worker, DEBUG=0, the documented defaults WEB_WORKERS=2 × WEB_THREADS=8) on a free loopback
port, logs in N virtual users (demo accounts of every county and the city, each its own session),
and lets them work for the given time, each waiting 0.5–1.5 s between requests (a person reading
the page), choosing each time:

    25 % a region page (dashboard/region/<county>/2025, radar and table)
    20 % the region × indicator matrix of the user's region (the city's: 云溪市 × 3 counties)
    15 % an entry page of a task the user may open (entry/tasks/<id>)
    15 % an entry save through the API (POST /api/v1/entry/tasks/<id>/values/<code> with the
         value's version, write token of the county's 创建办; one writer per value at a time)
    25 % an API read (tasks list, a task with its findings, an assessment JSON)

An error is any exception or a status other than 200 (a 409 would be a lost-update refusal the
benchmark avoids by construction, so it counts). Prints p50/p95/max per kind, errors, throughput and
the load average before and after; --json for the raw figures. Uses the standard library and
`requests` only, so it runs wherever the test requirements are installed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
ECOCIV = [sys.executable, "-m", "ecociv.cli"]
PASSWORD = "Demo@2026pass"
YEAR = 2025
ACCOUNTS = [f"{c}_{r}" for c in ("linjiang", "shiling", "heyang") for r in ("admin", "filler", "reviewer", "leader")] + [
    "yunxi_admin", "yunxi_leader", "yunxi_superior"]
MIX = [("region", 25), ("matrix", 20), ("entry_page", 15), ("save", 15), ("api_read", 25)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict, say) -> None:
    t = time.time()
    # air-prepare as an install does: otherwise `ecociv serve` compiles the air queries in the
    # background during the first seconds of the load.
    for args in (["migrate", "--noinput", "-v0"], ["standards", "load", "--builtin"], ["demo"], ["air-prepare"]):
        subprocess.run(ECOCIV + args, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    say(f"demo world built in {time.time() - t:.0f} s")


def token(env: dict, username: str) -> str:
    out = subprocess.run([*ECOCIV, "token", "create", username, "--scope", "write", "--days", "1"], env=env,
                         check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def pg_recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def login(base: str, username: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/accounts/login/", timeout=60)
    r = s.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                               "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False, timeout=60)
    if r.status_code != 302 or "password" in r.headers.get("Location", ""):
        raise SystemExit(f"login of {username} failed: {r.status_code} {r.headers.get('Location')}")
    return s


class Targets:
    """What the virtual users touch, read from the running server through the API."""

    def __init__(self, base: str, tokens: dict[str, str]):
        self.tokens = tokens
        self.tasks: dict[str, list[int]] = {}
        self.saves: list[dict] = []
        for county, tok in tokens.items():
            h = {"Authorization": f"Bearer {tok}"}
            tasks = requests.get(f"{base}/api/v1/entry/tasks", params={"year": YEAR}, headers=h, timeout=60).json()
            mine = [t["id"] for t in tasks if t["region"] == county]
            self.tasks[county] = mine
            for tid in mine:
                detail = requests.get(f"{base}/api/v1/entry/tasks/{tid}", headers=h, timeout=60).json()
                for it in detail["items"]:
                    v = it.get("value")
                    if "indicator" in it and it["unit"] and (v is None or v["status"] in ("draft", "returned")):
                        self.saves.append({"county": county, "task": tid, "code": it["indicator"],
                                           "version": v["version"] if v else None,
                                           "value": v["value"] if v and v["value"] else "50",
                                           "lock": threading.Lock()})
        if not self.saves:
            raise SystemExit("no value of the demo world can be saved (all locked?)")


def user_loop(base: str, session: requests.Session, county: str, targets: Targets, stop: float,
              results: dict, rng: random.Random) -> None:
    kinds, weights = zip(*MIX)
    tok = {"Authorization": f"Bearer {targets.tokens[county]}"}
    # This user's own scope: the matrix of their region, the tasks they may open.
    me = session.get(f"{base}/api/v1/regions/", timeout=60).json()[0]["code"]
    tasks = [t["id"] for t in session.get(f"{base}/api/v1/entry/tasks", params={"year": YEAR}, timeout=60).json()]
    tasks = tasks or targets.tasks[county]
    while time.time() < stop:
        time.sleep(rng.uniform(0.5, 1.5))
        if time.time() >= stop:
            break
        kind = rng.choices(kinds, weights)[0]
        t0, ok, note = time.perf_counter(), False, ""
        for attempt in (1, 2):
            try:
                t0, r = request(kind, base, session, county, targets, tasks, me, tok, rng)
                ok = r.status_code == 200
                note = "" if ok else f"{r.status_code} {r.text[:120]!r}"
                break
            except requests.ConnectionError as e:
                # A kept-alive connection the server closed as the request went out (gunicorn closes
                # idle ones after 2 s): a browser sends a GET again at once, so does this client, and
                # the retry is counted and timed from the first attempt. A POST is never repeated.
                if attempt == 2 or kind == "save":
                    note = f"{type(e).__name__}: {e}"[:160]
                    break
                with results["lock"]:
                    results["retried"].append(f"{kind}: {e}"[:160])
            except requests.RequestException as e:
                note = f"{type(e).__name__}: {e}"[:160]
                break
        ms = (time.perf_counter() - t0) * 1000
        with results["lock"]:
            results["times"][kind].append(ms)
            if not ok:
                results["errors"][kind].append(note)


def request(kind, base, session, county, targets, tasks, me, tok, rng) -> tuple[float, requests.Response]:
    """One request of the given kind: (its start time, the response)."""
    t0 = time.perf_counter()
    if kind == "region":
        return t0, session.get(f"{base}/dashboard/region/{county}/{YEAR}/", timeout=120)
    if kind == "matrix":
        return t0, session.get(f"{base}/dashboard/matrix/{me}/{YEAR}/", timeout=120)
    if kind == "entry_page":
        return t0, session.get(f"{base}/entry/tasks/{rng.choice(tasks)}/", timeout=120)
    if kind == "save":
        target = rng.choice(targets.saves)
        with target["lock"]:
            # One writer per value at a time (two people saving one value is the lost-update case,
            # refused with 409, not this benchmark's subject); timed from when it is its turn. It
            # writes the value already there, so checks keep passing and the data stays plausible.
            h = {"Authorization": f"Bearer {targets.tokens[target['county']]}"}
            t0 = time.perf_counter()
            r = requests.post(f"{base}/api/v1/entry/tasks/{target['task']}/values/{target['code']}",
                              json={"value": target["value"], "note": "基准测试", "version": target["version"]},
                              headers=h, timeout=120)
            if r.status_code == 200:
                target["version"] = r.json()["value"]["version"]
            return t0, r
    which = rng.random()
    if which < 0.4:
        return t0, requests.get(f"{base}/api/v1/entry/tasks", params={"year": YEAR}, headers=tok, timeout=120)
    if which < 0.7:
        return t0, requests.get(f"{base}/api/v1/entry/tasks/{rng.choice(targets.tasks[county])}", headers=tok,
                                timeout=120)
    return t0, requests.get(f"{base}/api/v1/assessment/{county}/{YEAR}", headers=tok, timeout=120)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--database-url", default="", help="postgresql://…/NAME (dropped and re-created); default SQLite")
    ap.add_argument("--json", action="store_true")
    o = ap.parse_args()
    say = (lambda m: print(m, file=sys.stderr)) if o.json else print
    tmp = Path(tempfile.mkdtemp(prefix="ecociv-bench-serve-"))
    db = o.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    if db.startswith("postgres"):
        pg_recreate(db)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=db, ECOCIV_VAR_DIR=str(tmp), DEBUG="0", SECRET_KEY=secrets.token_urlsafe(40),
               DJANGO_SETTINGS_MODULE="ecociv.settings", PYTHONPATH=str(ROOT))
    env.pop("TASKS_BACKEND", None)
    prepare(env, say)
    tokens = {code: token(env, f"{slug}_admin") for code, slug in
              (("880102", "linjiang"), ("880121", "shiling"), ("880182", "heyang"))}
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115 (closed after the server stops)
    server = subprocess.Popen([*ECOCIV, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"server did not start; see {tmp / 'serve.log'}")
        targets = Targets(base, tokens)
        sessions = []
        for i in range(o.users):
            username = ACCOUNTS[i % len(ACCOUNTS)]
            county = {"linjiang": "880102", "shiling": "880121", "heyang": "880182"}.get(username.split("_")[0])
            sessions.append((login(base, username), county or list(tokens)[i % 3]))
        say(f"{o.users} users logged in; {len(targets.saves)} values to save; running {o.seconds} s")
        load_before = os.getloadavg()
        results = {"lock": threading.Lock(), "times": defaultdict(list), "errors": defaultdict(list), "retried": []}
        stop = time.time() + o.seconds
        threads = [threading.Thread(target=user_loop, args=(base, s, c, targets, stop, results, random.Random(i)))
                   for i, (s, c) in enumerate(sessions)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    every = [ms for v in results["times"].values() for ms in v]
    report = {
        "backend": "postgresql" if db.startswith("postgres") else "sqlite", "users": o.users, "seconds": o.seconds,
        "requests": len(every), "per_second": round(len(every) / elapsed, 1),
        "errors": sum(len(v) for v in results["errors"].values()),
        "p50_ms": round(statistics.median(every), 1) if every else None, "p95_ms": round(pct(every, 95), 1),
        "max_ms": round(max(every), 1) if every else None,
        "kinds": {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 95), 1),
                      "max_ms": round(max(v), 1), "errors": len(results["errors"][k])}
                  for k, v in results["times"].items()},
        "error_samples": {k: v[:3] for k, v in results["errors"].items() if v},
        "retried": len(results["retried"]), "retried_samples": results["retried"][:3],
        "load_before": [round(x, 1) for x in load_before], "load_after": [round(x, 1) for x in load_after],
        "cpus": os.cpu_count(),
    }
    if o.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"{report['backend']}: {report['users']} users × {o.seconds} s — {report['requests']} requests "
              f"({report['per_second']}/s), {report['errors']} errors, p50 {report['p50_ms']} ms, "
              f"p95 {report['p95_ms']} ms, max {report['max_ms']} ms; load average {report['load_before']} → "
              f"{report['load_after']} on {report['cpus']} CPUs")
        for k, v in sorted(report["kinds"].items()):
            print(f"  {k:<11} n={v['n']:<5} p50 {v['p50_ms']:>7} ms  p95 {v['p95_ms']:>7} ms  max {v['max_ms']:>7} ms"
                  f"  errors {v['errors']}")
        for k, v in report["error_samples"].items():
            print(f"  {k} errors, e.g. {v}")
        if report["retried"]:
            print(f"  {report['retried']} GETs sent again after the server closed an idle kept-alive connection, "
                  f"e.g. {report['retried_samples'][:1]}")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
