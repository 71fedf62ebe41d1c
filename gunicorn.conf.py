"""gunicorn settings for every way Valueboard is served: gunicorn reads ./gunicorn.conf.py by default,
so the Procfile, ``scripts/run`` and the benchmarks all get them. Command-line options still win."""

import gc
import os

from server.core.request_log import JSON_LOGCONFIG, wants_json

# gthread: a live-updates stream (GET /api/sync/events) waits idle for minutes; with the default sync
# worker each one would take a whole process from pushes and pulls. A gthread worker serves each
# request in one of its threads, and an idle stream's thread only sleeps (no database connection, no
# CPU). The app lets streams take all but 16 threads of a worker (server/sync_api/live.py), so pushes
# and pulls always have threads. Figures: docs/architecture.md, bench/live.py.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "64"))


# Addresses up to 8 KB reach the app, which answers those over 4 KB with 414 in the API's error shape
# (server/core/request_limits.py); gunicorn's own plain page is left for what no browser sends.
limit_request_line = 8190

# On SIGTERM (a deploy, a scale-down) workers stop accepting, finish the request in hand — a push
# commits or rolls back whole — and exit; after this many seconds the master kills what is left. A
# 5,000-record push takes under 2 s, so 30 s is slack; live streams are ended first
# (post_worker_init below) and the devices reconnect to another process.
graceful_timeout = 30

# One JSON object per line in production (or with LOG_FORMAT=json), gunicorn's own lines included;
# the app adds a line per request with its id (server/core/request_log.py), so no access log here.
if wants_json(os.environ):
    logconfig_dict = JSON_LOGCONFIG


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
