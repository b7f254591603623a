"""`ecociv air-eval` without --feed starts without Django's app loading and checks, and without
Ibis once its SQL is cached; it prints what the Django command prints."""
import io
import json
import subprocess
import sys

from django.core.management import call_command

PROBE = """
import sys
from ecociv.cli import main
main(["ecociv", "air-eval", {st!r}, {air!r}, "--level", "region", "--json", "--no-progress"])
loaded = [m for m in ("ibis", "pandas", "pyarrow", "django.contrib.admin", "ecociv.entry.models") if m in sys.modules]
print("LOADED", ",".join(loaded), file=sys.stderr)
"""


def run_cli(st, air, cache):
    p = subprocess.run([sys.executable, "-c", PROBE.format(st=str(st), air=str(air))], capture_output=True,
                       text=True, check=True, env={**__import__("os").environ, "ECOCIV_SQL_CACHE": str(cache)})
    loaded = p.stderr.split("LOADED", 1)[1].strip()
    return json.loads(p.stdout), set(filter(None, loaded.split(",")))


def test_cli_prints_the_commands_json_and_loads_only_what_it_uses(air_world, tmp_path):
    st_file, air_file, *_ = air_world
    cold, loaded_cold = run_cli(st_file, air_file, tmp_path / "sql")
    warm, loaded_warm = run_cli(st_file, air_file, tmp_path / "sql")
    out = io.StringIO()
    call_command("air_eval", str(st_file), str(air_file), "--level", "region", "--json", "--no-progress", stdout=out)
    assert cold == warm == json.loads(out.getvalue())
    assert "ibis" in loaded_cold and list((tmp_path / "sql").glob("duckdb-daily-*.sql"))
    assert loaded_warm == set()


def test_after_air_prepare_the_first_run_compiles_nothing(air_world, tmp_path):
    """What an install (or `ecociv serve` at start) runs: every case's SQL kept, so even the first
    evaluation after it neither compiles nor imports Ibis; a second prepare compiles nothing."""
    from ecociv.monitoring.engine.api import prepare_cases

    st_file, air_file, *_ = air_world
    env = {**__import__("os").environ, "ECOCIV_SQL_CACHE": str(tmp_path / "sql")}
    cmd = [sys.executable, "-m", "ecociv.cli", "air-prepare"]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    n = len(prepare_cases())
    assert f"已准备 {n} 种评价的查询（本次新编译 {2 * n} 条）" in first.stdout
    assert len(list((tmp_path / "sql").glob("duckdb-*.sql"))) == 2 * n
    again = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    assert "本次新编译 0 条" in again.stdout
    result, loaded = run_cli(st_file, air_file, tmp_path / "sql")
    assert "ibis" not in loaded and result


def test_prepare_runs_nothing_for_cases_already_kept(tmp_path, monkeypatch):
    """A server starting again (or a second `air-prepare`) looks at the kept files and runs no
    evaluation: on Spark each case would cost a session."""
    from ecociv.monitoring.engine import api

    monkeypatch.setenv("ECOCIV_SQL_CACHE", str(tmp_path / "sql"))
    cases, compiled = api.prepare()
    assert compiled == 2 * cases == 2 * len(api.prepare_cases())

    def refuse(*a, **k):
        raise AssertionError("an evaluation ran for a case already kept")

    monkeypatch.setattr(api, "evaluate_air", refuse)
    assert api.prepare() == (cases, 0)
