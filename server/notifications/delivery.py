"""Sending queued notifications to the push services (the ``worker`` process, ``flask push-worker``).

Each ``push_deliveries`` row is one notification for one subscription. A worker takes rows that are
due in three steps, so that a worker killed at any moment loses nothing and the database never
records a notification twice:

1. **lease**: in one short transaction, pick due rows (on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so
   several workers share the queue without waiting for one another), set ``leased_until`` a little
   beyond the request timeout and count the attempt, commit;
2. **send** them, outside any transaction (a slow push service holds no database lock), a few at a
   time in a small thread pool, each thread with its own ``requests.Session`` (connection reuse);
3. **record** each answer: 201/202 delivered; 404/410 the subscription is deleted (its deliveries go
   with it); 429, 5xx and connection errors retried after ``Retry-After`` or an exponential back-off
   until the TTL runs out (``expired``); anything else ``failed``.

A worker that dies between 1 and 3 leaves its rows leased; when the lease runs out another worker
sends them again. The push service may so receive a message twice (at-least-once), which is the
price of never losing one: there is no way to ask a push service whether it already took a message.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Optional
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from flask import Flask, current_app
from pywebpush import WebPusher

from server.core import clock
from server.core.database import begin_write
from server.extensions import db
from server.notifications import operations
from server.notifications.models import Notification, PushDelivery, PushSubscription

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10.0
# A lease outlives the request it covers, so a live worker's send never overlaps another's retry.
LEASE_MARGIN_SECONDS = 20.0
FIRST_RETRY_SECONDS = 5.0
LONGEST_RETRY_SECONDS = 3600.0
IDLE_POLL_SECONDS = 1.0
# pywebpush signs for 12 hours; a token is reused for an hour for the same push service, then remade.
VAPID_TOKEN_SECONDS = 12 * 3600
VAPID_TOKEN_REUSE_SECONDS = 3600

DELIVERED = (201, 202)
GONE = (404, 410)


@dataclass(frozen=True)
class Job:
    """A leased delivery with what sending it needs (read in the leasing transaction)."""

    id: str
    attempt: int  # the attempt count this lease set: recording a retry is fenced on it
    expires_at: datetime
    subscription_id: str
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes


@dataclass(frozen=True)
class Outcome:
    status: Optional[int]  # None: no answer (connection error, timeout)
    retry_after: Optional[str] = None


def _settings() -> tuple[float, int, int]:
    config = current_app.config
    timeout = float(config.get("PUSH_REQUEST_TIMEOUT_SECONDS") or REQUEST_TIMEOUT_SECONDS)
    return timeout, int(config.get("PUSH_WORKER_THREADS") or 16), int(config.get("PUSH_BATCH_SIZE") or 200)


def payload_of(notification_id: str, type: str, team_id: Optional[str], code: Optional[str], title: str, body: str,
               url: str) -> bytes:
    """What the service worker receives: enough to show the notification and open its page (``url``, a
    path in the app); ``id`` lets it mark the inbox row read."""
    return json.dumps({"id": notification_id, "type": type, "team_id": team_id, "code": code, "title": title,
                       "body": body, "url": url}, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------------------------
# the database side: lease, record
# ------------------------------------------------------------------------------------------------
def _expire(now: datetime) -> int:
    """Rows whose TTL ran out while waiting (quiet hours, back-off) and that no worker holds."""
    result = db.session.execute(
        sa.update(PushDelivery)
        .where(PushDelivery.state == "pending", PushDelivery.expires_at <= now,
               sa.or_(PushDelivery.leased_until.is_(None), PushDelivery.leased_until <= now))
        .values(state="expired", leased_until=None)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def lease(limit: int, lease_for: timedelta) -> tuple[list[Job], int]:
    """Take up to ``limit`` due rows for this worker and commit the lease; ``(jobs, expired)``."""
    session = db.session()
    now = clock.now()
    # Look before taking SQLite's write lock: an idle worker polls every second and should not
    # queue a writer (or make a WAL write) each time.
    if session.scalar(sa.select(PushDelivery.id).where(
            PushDelivery.state == "pending",
            sa.or_(PushDelivery.next_attempt_at <= now, PushDelivery.expires_at <= now),
            sa.or_(PushDelivery.leased_until.is_(None), PushDelivery.leased_until <= now)).limit(1)) is None:
        session.commit()
        return [], 0
    begin_write(session)
    now = clock.now()
    expired = _expire(now)
    due = (sa.select(PushDelivery.id)
           .where(PushDelivery.state == "pending", PushDelivery.next_attempt_at <= now, PushDelivery.expires_at > now,
                  sa.or_(PushDelivery.leased_until.is_(None), PushDelivery.leased_until <= now))
           .order_by(PushDelivery.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    jobs: list[Job] = []
    if ids:
        session.execute(sa.update(PushDelivery).where(PushDelivery.id.in_(ids))
                        .values(leased_until=now + lease_for, attempts=PushDelivery.attempts + 1)
                        .execution_options(synchronize_session=False))
        rows = session.execute(
            sa.select(PushDelivery.id, PushDelivery.attempts, PushDelivery.expires_at, PushDelivery.subscription_id,
                      PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth,
                      Notification.id.label("notification_id"), Notification.type, Notification.team_id,
                      Notification.code, Notification.title, Notification.body, Notification.url)
            .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
            .join(Notification, Notification.id == PushDelivery.notification_id)
            .where(PushDelivery.id.in_(ids))).all()
        for r in rows:
            jobs.append(Job(id=r.id, attempt=r.attempts, expires_at=r.expires_at, subscription_id=r.subscription_id,
                            endpoint=r.endpoint, p256dh=r.p256dh, auth=r.auth,
                            payload=payload_of(r.notification_id, r.type, r.team_id, r.code, r.title, r.body,
                                               r.url)))
    session.commit()
    return jobs, expired


def retry_delay(outcome: Outcome, attempt: int, now: datetime) -> timedelta:
    """How long to wait before the next attempt: the push service's ``Retry-After`` (seconds or an HTTP
    date) when it sent one, otherwise 5 s doubling per attempt, at most an hour."""
    value = (outcome.retry_after or "").strip()
    if value:
        if value.isdigit():
            return timedelta(seconds=int(value))
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return max(when - now, timedelta(0))
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempt - 1, 0), LONGEST_RETRY_SECONDS))


def record(results: list[tuple[Job, Outcome]]) -> dict[str, int]:
    """Write what the push services answered, in one transaction; counts by result."""
    counts = {"delivered": 0, "gone": 0, "retry": 0, "expired": 0, "failed": 0}
    if not results:
        return counts
    session = db.session()
    begin_write(session)
    now = clock.now()
    table = PushDelivery.__table__
    delivered, retries, final, gone_subs = [], [], [], set()
    for job, outcome in results:
        if outcome.status in DELIVERED:
            delivered.append({"b_id": job.id, "b_status": outcome.status})
            counts["delivered"] += 1
        elif outcome.status in GONE:
            gone_subs.add(job.subscription_id)
            counts["gone"] += 1
        elif outcome.status is None or outcome.status == 429 or outcome.status >= 500:
            later = now + retry_delay(outcome, job.attempt, now)
            state = "expired" if later >= job.expires_at else "pending"
            retries.append({"b_id": job.id, "b_attempt": job.attempt, "b_state": state, "b_next": later,
                            "b_status": outcome.status})
            counts["retry" if state == "pending" else "expired"] += 1
        else:
            final.append({"b_id": job.id, "b_attempt": job.attempt, "b_state": "failed", "b_status": outcome.status})
            counts["failed"] += 1
    if delivered:
        # Not fenced on the lease: a success is final even if this worker's lease had run out.
        session.execute(table.update()
                        .where(table.c.id == sa.bindparam("b_id"), table.c.state == "pending")
                        .values(state="delivered", last_status=sa.bindparam("b_status"),
                                delivered_at=sa.bindparam("b_now", value=now, type_=table.c.delivered_at.type),
                                leased_until=None),
                        [{**row, "b_now": now} for row in delivered])
    if retries:
        # Fenced on the attempt this worker leased: a late answer must not undo another worker's lease.
        session.execute(table.update()
                        .where(table.c.id == sa.bindparam("b_id"), table.c.state == "pending",
                               table.c.attempts == sa.bindparam("b_attempt"))
                        .values(state=sa.bindparam("b_state"), last_status=sa.bindparam("b_status"),
                                next_attempt_at=sa.bindparam("b_next", type_=table.c.next_attempt_at.type),
                                leased_until=None),
                        retries)
    if final:
        session.execute(table.update()
                        .where(table.c.id == sa.bindparam("b_id"), table.c.state == "pending",
                               table.c.attempts == sa.bindparam("b_attempt"))
                        .values(state=sa.bindparam("b_state"), last_status=sa.bindparam("b_status"),
                                leased_until=None),
                        final)
    if gone_subs:
        # The browser unsubscribed or the push service dropped it: the subscription and its queue go.
        session.execute(sa.delete(PushDelivery).where(PushDelivery.subscription_id.in_(gone_subs)))
        session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(gone_subs)))
    session.commit()
    return counts


# ------------------------------------------------------------------------------------------------
# the network side: send
# ------------------------------------------------------------------------------------------------
class Sender:
    """Sends jobs to push services: VAPID-signed, ``aes128gcm``-encrypted, with the notification's
    remaining TTL. One per worker; each of its threads keeps its own HTTP session."""

    def __init__(self, vapid, subject: str, timeout: float, threads: int) -> None:
        self.vapid = vapid
        self.subject = subject
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(max_workers=max(threads, 1), thread_name_prefix="push-send")
        self._local = threading.local()
        self._tokens: dict[str, tuple[float, dict[str, str]]] = {}
        self._tokens_lock = threading.Lock()
        self._sessions: list[requests.Session] = []

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            self._sessions.append(session)
        return session

    def _vapid_headers(self, endpoint: str, now: float) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        with self._tokens_lock:
            cached = self._tokens.get(audience)
            if cached is None or now - cached[0] > VAPID_TOKEN_REUSE_SECONDS or now < cached[0]:
                # A fresh claims dict each time: signing must not see another request's aud or exp.
                claims = {"sub": self.subject, "aud": audience, "exp": int(now) + VAPID_TOKEN_SECONDS}
                cached = (now, self.vapid.sign(claims))
                self._tokens[audience] = cached
            return dict(cached[1])

    def send_one(self, job: Job) -> Outcome:
        now = clock.timestamp()
        ttl = int(job.expires_at.timestamp() - now)
        if ttl <= 0:
            return Outcome(status=None)
        pusher = WebPusher({"endpoint": job.endpoint, "keys": {"p256dh": job.p256dh, "auth": job.auth}},
                           requests_session=self._session())
        try:
            response = pusher.send(job.payload, headers=self._vapid_headers(job.endpoint, now), ttl=ttl,
                                   content_encoding="aes128gcm", timeout=self.timeout)
        except requests.RequestException as exc:
            log.info("push to %s failed: %s", urlsplit(job.endpoint).netloc, exc)
            return Outcome(status=None)
        except Exception:  # a subscription whose keys cannot encrypt: retrying cannot help
            log.exception("push delivery %s could not be sent", job.id)
            return Outcome(status=400)
        return Outcome(status=response.status_code, retry_after=response.headers.get("Retry-After"))

    def send(self, jobs: list[Job]) -> list[tuple[Job, Outcome]]:
        return list(zip(jobs, self.pool.map(self.send_one, jobs)))

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for session in self._sessions:
            session.close()


def _sender() -> Sender:
    timeout, threads, _ = _settings()
    vapid = operations.vapid()
    db.session.commit()  # vapid() may have read in a transaction: end it before leasing
    return Sender(vapid, current_app.config["VAPID_SUBJECT"], timeout, threads)


def deliver_due(limit: Optional[int] = None, sender: Optional[Sender] = None) -> dict[str, int]:
    """Lease what is due now (at most ``limit``), send it and record the answers; counts by result
    (``sent`` is how many requests were made)."""
    own = sender is None
    sender = sender or _sender()
    timeout, _, batch = _settings()
    try:
        jobs, expired = lease(limit or batch, timedelta(seconds=timeout + LEASE_MARGIN_SECONDS))
        counts = record(sender.send(jobs))
        counts["expired"] += expired
        counts["sent"] = len(jobs)
        return counts
    finally:
        if own:
            sender.close()


# ------------------------------------------------------------------------------------------------
# the worker
# ------------------------------------------------------------------------------------------------
PERIODIC = "valueboard_periodic"


def register_periodic(app: Flask, every: timedelta, job: Callable[[], object]) -> None:
    """Have the worker run ``job`` (in an app context) every ``every``: checks that raise events on a
    schedule (``server.milestones.slipping``). Several workers may run it: its events must be keyed so
    that running it twice tells nobody twice."""
    app.extensions.setdefault(PERIODIC, []).append((every, job))


def _run_periodic(due: dict, now: float) -> None:
    for index, (every, job) in enumerate(current_app.extensions.get(PERIODIC, [])):
        if now < due.get(index, 0.0):
            continue
        due[index] = now + every.total_seconds()
        try:
            job()
        except Exception:
            log.exception("push worker: periodic %s failed; next time", getattr(job, "__name__", job))
            db.session.rollback()
        finally:
            db.session.remove()


def run_worker(once: bool = False, stop: Optional[threading.Event] = None) -> None:
    """Deliver until told to stop: SIGTERM or SIGINT (or ``stop``) ends the loop after the batch in
    flight is sent and recorded. ``once``: deliver what is due now, then return."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        def _graceful(signum, _frame):
            log.info("push worker: signal %s, finishing the batch in flight", signum)
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, _graceful)
    sender: Optional[Sender] = None
    periodic_due: dict = {}
    log.info("push worker started")
    try:
        while not stop.is_set():
            if not once:  # --once delivers what is queued; scheduled checks are for a running worker
                _run_periodic(periodic_due, time.monotonic())
            try:
                sender = sender or _sender()
                counts = deliver_due(sender=sender)
            except Exception:
                if once:
                    raise
                # The database went away, is not migrated yet, or a bug: a worker that stopped here
                # would leave everything queued, so it says so and tries again shortly. Leased rows
                # are sent again when their lease runs out.
                log.exception("push worker: delivery failed; trying again shortly")
                db.session.rollback()
                stop.wait(IDLE_POLL_SECONDS * 5)
                continue
            finally:
                db.session.remove()
            if counts["sent"]:
                log.info("push worker: %s", counts)
            elif once:
                break
            else:
                stop.wait(IDLE_POLL_SECONDS)
    finally:
        if sender is not None:
            sender.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        log.info("push worker stopped")


def start_in_process(app: Flask) -> tuple[threading.Thread, threading.Event]:
    """Run the worker as a daemon thread of this process (``scripts/run``: one command runs everything);
    the thread and the event that stops it. Its leases make a thread killed with its process harmless."""
    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            run_worker(stop=stop)

    thread = threading.Thread(target=work, name="push-worker", daemon=True)
    thread.start()
    return thread, stop
