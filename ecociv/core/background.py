import threading

from django.db import connections


def start_thread(target, *args, name: str | None = None) -> threading.Thread:
    """Run `target(*args)` in a daemon thread that closes its own database connections at the
    end. Closing belongs here, not in `target`: when a job runs inline (tests, settings that
    switch threads off) `target` runs on the request's connection, and closing that — inside a
    test transaction on PostgreSQL — breaks every query after it."""

    def run():
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True, name=name)
    thread.start()
    return thread
