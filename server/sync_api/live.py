"""Live updates ("pokes"): after a push commits, the devices of the teams it changed hear "team X changed"
and pull as usual (docs/sync-protocol.md, section 11). No record data travels here, so the sync protocol's
guarantees are untouched and the devices' timer stays the fallback.

* :class:`LiveHub` (one per app, so per process): the open streams (:class:`Listener` s) by team; it
  delivers an announcement to the listeners of each team it names, except the device that made the
  change (its own sync already pulled it).
* A broker carries announcements from the process that committed a push to every process's hub:
  :class:`ProcessBroker` straight to this process's hub (one process: SQLite's default);
  :class:`PostgresBroker` through ``pg_notify`` inside the push's own transaction, which PostgreSQL
  delivers at commit and discards on rollback, to one ``LISTEN`` connection per process that has streams.
  ``LIVE_BROKER`` (``process`` or ``postgresql``) chooses; unset, it follows the database.
* :func:`events` is a stream's body: ``ready`` once subscribed, a ``poke`` per change (coalesced per
  team while the client reads), a keep-alive comment every ``LIVE_KEEPALIVE_SECONDS``; it ends after
  ``LIVE_STREAM_SECONDS`` (the client reconnects, so a revoked token or a lost team takes effect) or
  when the process shuts down (:meth:`LiveHub.close`, called from gunicorn.conf.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from typing import Any, Iterable, Iterator, Mapping, Optional

import sqlalchemy as sa
from werkzeug.wsgi import ClosingIterator

log = logging.getLogger(__name__)

EXTENSION = "valueboard_live"
CHANNEL = "valueboard_sync"
#: PostgreSQL refuses NOTIFY payloads from 8000 bytes; a push that touches more teams sends several.
_MAX_PAYLOAD = 7000

#: One announcement: the device that pushed (None for none) and each changed team's new change counter.
Changes = Mapping[str, int]


class Busy(Exception):
    """This process already holds as many streams as it may (``LIVE_STREAMS_PER_PROCESS``)."""


class Listener:
    """One open stream: the teams it hears about and the pokes it has not yet sent, newest version per team."""

    __slots__ = ("team_ids", "client_id", "_lock", "_wake", "_pending", "closed")

    def __init__(self, team_ids: frozenset[str], client_id: str) -> None:
        self.team_ids = team_ids
        self.client_id = client_id
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: dict[str, int] = {}
        self.closed = False

    def offer(self, team_id: str, version: int) -> None:
        with self._lock:
            if version > self._pending.get(team_id, -1):
                self._pending[team_id] = version
            self._wake.set()

    def close(self) -> None:
        self.closed = True
        self._wake.set()

    def wait(self, timeout: float) -> dict[str, int]:
        """The pokes gathered since the last call, after waiting up to ``timeout`` for one (or for close)."""
        self._wake.wait(timeout)
        with self._lock:
            self._wake.clear()
            pending, self._pending = self._pending, {}
        return pending


class LiveHub:
    def __init__(self, *, max_listeners: int, on_listening: Any = None, on_idle: Any = None) -> None:
        self.max_listeners = max_listeners
        self._lock = threading.Lock()
        self._by_team: dict[str, set[Listener]] = defaultdict(set)
        self._listeners: set[Listener] = set()
        self._closing = False
        # Orders the broker's start and stop, each decided on the listeners present at that moment.
        self._broker_lock = threading.Lock()
        self._on_listening = on_listening or (lambda: None)
        self._on_idle = on_idle or (lambda: None)

    def __len__(self) -> int:
        return len(self._listeners)

    def subscribe(self, team_ids: Iterable[str], client_id: str) -> Listener:
        listener = Listener(frozenset(team_ids), client_id)
        with self._lock:
            if self._closing or len(self._listeners) >= self.max_listeners:
                raise Busy()
            self._listeners.add(listener)
            for team_id in listener.team_ids:
                self._by_team[team_id].add(listener)
        with self._broker_lock:
            if self._listeners:
                self._on_listening()
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener not in self._listeners:
                return
            self._listeners.discard(listener)
            for team_id in listener.team_ids:
                team = self._by_team.get(team_id)
                if team is not None:
                    team.discard(listener)
                    if not team:
                        del self._by_team[team_id]
        with self._broker_lock:
            if not self._listeners:
                self._on_idle()

    def deliver(self, client_id: Optional[str], changes: Changes) -> None:
        with self._lock:
            targets = [(listener, team_id, version) for team_id, version in changes.items()
                       for listener in self._by_team.get(team_id, ())]
        for listener, team_id, version in targets:
            if listener.client_id != client_id:
                listener.offer(team_id, version)

    def deliver_everywhere(self) -> None:
        """After announcements may have been missed (the broker's connection was lost): every stream
        pokes every team it follows; devices whose data did not change pull nothing."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            for team_id in listener.team_ids:
                listener.offer(team_id, 0)

    def close(self) -> None:
        """End every stream (graceful shutdown) and refuse new ones: clients reconnect elsewhere."""
        with self._lock:
            self._closing = True
            listeners = list(self._listeners)
        for listener in listeners:
            listener.close()


# --------------------------------------------------------------------------------------------
# brokers
# --------------------------------------------------------------------------------------------
class ProcessBroker:
    """One process: announce straight to this process's hub, once the push has committed."""

    name = "process"

    def __init__(self, live: "LiveSetup") -> None:
        self.live = live

    def before_commit(self, conn: sa.Connection, client_id: Optional[str], changes: Changes) -> None:
        pass

    def after_commit(self, client_id: Optional[str], changes: Changes) -> None:
        self.live.hub.deliver(client_id, changes)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class PostgresBroker:
    """Several processes on PostgreSQL: ``pg_notify`` in the push's transaction (delivered only if it
    commits), heard by one ``LISTEN`` connection per process while that process has streams."""

    name = "postgresql"

    def __init__(self, live: "LiveSetup", dsn: str) -> None:
        self.live = live
        self.dsn = dsn
        self._lock = threading.Lock()
        self._run: Optional[tuple[threading.Event, threading.Event]] = None  # (stop, listening)

    def before_commit(self, conn: sa.Connection, client_id: Optional[str], changes: Changes) -> None:
        for payload in _payloads(client_id, changes):
            conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def after_commit(self, client_id: Optional[str], changes: Changes) -> None:
        pass  # PostgreSQL delivers to every process's listener, this one's included

    def start(self) -> None:
        """Listen (called for every new stream; idempotent) and wait until ``LISTEN`` has run, so a push
        committed after the stream's ``ready`` is never missed."""
        with self._lock:
            if self._run is None:
                self._run = (threading.Event(), threading.Event())
                threading.Thread(target=self._listen, args=self._run, name="live-listen", daemon=True).start()
            listening = self._run[1]
        listening.wait(10)

    def stop(self) -> None:
        with self._lock:
            if self._run is not None:
                self._run[0].set()
                self._run = None

    def _listen(self, stop: threading.Event, listening: threading.Event) -> None:
        import psycopg

        failures = 0
        while not stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if failures:  # announcements may have been sent while nobody listened
                        self.live.hub.deliver_everywhere()
                    failures = 0
                    listening.set()
                    while not stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._deliver(note.payload)
            except Exception:  # the database restarted or the network failed: listen again
                failures += 1
                log.warning("live updates: lost the PostgreSQL listener; reconnecting", exc_info=True)
                stop.wait(min(30.0, 0.5 * 2 ** min(failures, 6)))

    def _deliver(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            self.live.hub.deliver(message["c"], {str(t): int(v) for t, v in message["t"]})
        except (ValueError, KeyError, TypeError):
            log.warning("live updates: ignored a malformed notification %r", payload[:200])


def _payloads(client_id: Optional[str], changes: Changes) -> Iterator[str]:
    batch: list[tuple[str, int]] = []
    size = 0
    for team_id, version in sorted(changes.items()):
        batch.append((team_id, version))
        size += len(team_id) + 24
        if size > _MAX_PAYLOAD:
            yield json.dumps({"c": client_id, "t": batch})
            batch, size = [], 0
    if batch:
        yield json.dumps({"c": client_id, "t": batch})


# --------------------------------------------------------------------------------------------
# the app's live setup and a stream's body
# --------------------------------------------------------------------------------------------
class LiveSetup:
    """The hub, its broker and the stream settings of one app."""

    def __init__(self, config: Mapping[str, Any], database_url: sa.engine.URL) -> None:
        self.keepalive_seconds = float(config.get("LIVE_KEEPALIVE_SECONDS", 15))
        self.stream_seconds = float(config.get("LIVE_STREAM_SECONDS", 300))
        self.broker = broker_for(self, config.get("LIVE_BROKER") or "", database_url)
        self.hub = LiveHub(max_listeners=int(config.get("LIVE_STREAMS_PER_PROCESS", 100)),
                           on_listening=self.broker.start, on_idle=self.broker.stop)

    def close(self) -> None:
        self.hub.close()
        self.broker.stop()


#: Threads of a gunicorn worker that streams may never take: pushes and pulls always have these.
THREADS_KEPT_FOR_REQUESTS = 16


def adopt_gunicorn_worker(worker: Any) -> None:
    """Fit live updates to the gunicorn worker serving the app (gunicorn.conf.py calls this).

    Each open stream holds one of the worker's threads, so a worker keeps
    :data:`THREADS_KEPT_FOR_REQUESTS` for everything else (a sync worker, one thread, holds no streams:
    clients then get 503 and keep to their timer). On a graceful stop (SIGTERM) the streams end at once
    instead of holding the worker until its graceful timeout; their clients reconnect to another worker."""
    import signal

    live = getattr(worker.wsgi, "extensions", {}).get(EXTENSION)
    if live is None:
        return
    threads = worker.cfg.threads if "thread" in worker.cfg.worker_class_str else 1
    live.hub.max_listeners = min(live.hub.max_listeners, max(0, threads - THREADS_KEPT_FOR_REQUESTS))
    if live.broker.name == "process" and worker.cfg.workers > 1:
        log.warning("live updates reach only the devices connected to the same process: with several "
                    "workers use PostgreSQL (LIVE_BROKER=postgresql), or run one worker")
    stop_worker = signal.getsignal(signal.SIGTERM)

    def end_streams_then_stop(signum, frame):
        # In a thread: the handler interrupts the main thread anywhere, even inside the hub's lock
        # (a stream's generator can be finalised there), and taking it again would deadlock.
        threading.Thread(target=live.close, name="live-close", daemon=True).start()
        if callable(stop_worker):
            stop_worker(signum, frame)

    signal.signal(signal.SIGTERM, end_streams_then_stop)


def live_setup(app: Any = None) -> LiveSetup:
    from flask import current_app

    return (app or current_app).extensions[EXTENSION]


def broker_for(live: LiveSetup, name: str, database_url: sa.engine.URL):
    postgres = database_url.get_backend_name() == "postgresql"
    name = name or ("postgresql" if postgres else "process")
    if name == "process":
        return ProcessBroker(live)
    if name == "postgresql":
        if not postgres:
            raise RuntimeError("LIVE_BROKER=postgresql needs a PostgreSQL DATABASE_URL")
        dsn = database_url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresBroker(live, dsn)
    raise RuntimeError(f"LIVE_BROKER must be 'process' or 'postgresql', got {name!r}")


def events(live: LiveSetup, listener: Listener) -> ClosingIterator:
    """A stream's body (``text/event-stream``); unsubscribes however it ends, also if the server closes
    it before its first write (a client that went away makes the next write fail, at the latest at the
    next keep-alive)."""
    return ClosingIterator(_events(live, listener), [lambda: live.hub.unsubscribe(listener)])


def _events(live: LiveSetup, listener: Listener, *, clock=time.monotonic) -> Iterator[bytes]:
    try:
        # retry: for plain EventSource clients; the PWA reconnects with its own back-off.
        yield b"retry: 5000\nevent: ready\ndata: {}\n\n"
        ends_at = clock() + live.stream_seconds
        while not listener.closed:
            left = ends_at - clock()
            if left <= 0:
                break
            pokes = listener.wait(min(live.keepalive_seconds, left))
            if pokes:
                yield b"".join(b"event: poke\ndata: %s\n\n" % json.dumps({"team_id": team_id, "version": version},
                                                                          separators=(",", ":")).encode()
                               for team_id, version in sorted(pokes.items()))
            elif not listener.closed:
                yield b": keep-alive\n\n"
    finally:
        live.hub.unsubscribe(listener)
