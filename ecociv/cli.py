"""`ecociv` console script: the project's management commands under one name.

`ecociv air-eval …` runs the Django command `air_eval`: hyphens are what people type,
underscores are what Python modules allow.

The two evaluation commands without `--feed`, and `air-prepare`, touch no database and no app: they are run
without `django.setup()` (which imports every app's models and admin, ~0.5 s) and without the
system checks (every URLconf and view, ~1 s). With `--feed` they write indicator values and start
like every other command.
"""
import os
import sys

STANDALONE = {"air_eval": "air_eval", "water_eval": "water_eval", "air_prepare": "air_prepare"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecociv.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] in STANDALONE and "--feed" not in argv:
        from importlib import import_module

        module = import_module(f"ecociv.monitoring.management.commands.{STANDALONE[argv[1]]}")
        module.Command().run_from_argv(argv)
        return
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] == "db_worker":
        import signal

        from ecociv.core.serving import kept_pid_file, worker_pid_file

        # Stopped while still starting (before the worker installs its own handlers), it still
        # leaves through `finally` and removes its pid file.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        # `ecociv restore` refuses while a worker of this installation runs (a second unit too).
        with kept_pid_file(worker_pid_file(), required=False):
            execute_from_command_line(argv)
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
