"""gunicorn settings for every way Valueboard is served: gunicorn reads ./gunicorn.conf.py by default,
so the Procfile, ``scripts/run`` and the benchmarks all get them. Command-line options still win."""

import gc


def post_worker_init(worker):
    """Hide the app's start-up objects from the cyclic garbage collector.

    A worker holds ~100,000 long-lived objects once the app is loaded (modules, SQLAlchemy and
    marshmallow metadata); each full collection walks them all (~100 ms on the 2-core box), and a 500-record push
    allocates enough to trigger one every few requests. Frozen, they are never scanned again:
    a large push costs a third less and no request pays for a full walk of the heap. They stay
    alive for the worker's life anyway. (Instagram's prefork servers do the same.)"""
    gc.collect()
    gc.freeze()
