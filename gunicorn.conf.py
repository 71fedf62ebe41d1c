"""gunicorn settings for every way Valueboard is served: gunicorn reads ./gunicorn.conf.py by default,
so the Procfile, ``scripts/run`` and the benchmarks all get them. Command-line options still win."""

import gc
import os

# gthread: a live-updates stream (GET /api/sync/events) waits idle for minutes; with the default sync
# worker each one would take a whole process from pushes and pulls. A gthread worker serves each
# request in one of its threads, and an idle stream's thread only sleeps (no database connection, no
# CPU). The app lets streams take all but 16 threads of a worker (server/sync_api/live.py), so pushes
# and pulls always have threads. Figures: docs/architecture.md, bench/live.py.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "64"))


def post_worker_init(worker):
    """Hide the app's start-up objects from the cyclic garbage collector.

    A worker holds ~100,000 long-lived objects once the app is loaded (modules, SQLAlchemy and
    marshmallow metadata); each full collection walks them all (~100 ms on the 2-core box), and a 500-record push
    allocates enough to trigger one every few requests. Frozen, they are never scanned again:
    a large push costs a third less and no request pays for a full walk of the heap. They stay
    alive for the worker's life anyway. (Instagram's prefork servers do the same.)

    Then live updates learn the worker's threads and end their streams on a graceful stop."""
    gc.collect()
    gc.freeze()
    from server.sync_api.live import adopt_gunicorn_worker

    adopt_gunicorn_worker(worker)
