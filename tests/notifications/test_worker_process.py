"""The real ``flask push-worker`` process: killed in the middle of a send it loses nothing and the
database records each delivery once; stopped with SIGTERM it finishes the send in flight first.

The push service holds one subscription's request open, so the worker is always killed at the same
point (sent, not yet recorded). The restarted worker's clock starts past the dead worker's lease
(``VALUEBOARD_CLOCK_START``) instead of the test waiting for the lease to run out in real time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.core import clock
from server.core.database import begin_write
from server.extensions import db
from server.notifications import delivery
from server.notifications.models import PushDelivery
from server.notifications.operations import notify_team

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


@pytest.fixture
def start_worker(database_url, tmp_path):
    started: list[subprocess.Popen] = []

    def start(clock_start: str | None = None) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test", "PUSH_SERVICE_HOSTS": "127.0.0.1",
               "PWA_DIST": str(tmp_path / "no-pwa"), "PUSH_REQUEST_TIMEOUT_SECONDS": "10",
               "PUSH_WORKER_THREADS": "4"}
        env.pop("VALUEBOARD_CLOCK_START", None)
        if clock_start:
            env["VALUEBOARD_CLOCK_START"] = clock_start
        proc = subprocess.Popen([FLASK, "--app", "server", "push-worker"], cwd=ROOT, env=env,
                                start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _event(team_id: str, key: str) -> None:
    begin_write(db.session())  # as the sync push and the write requests that raise events do
    notify_team(team_id, type="milestone", code="vision_agreed", key=key, title="Vision agreed",
                body="The team agreed its vision.", url=f"/teams/{team_id}/board", ttl=timedelta(days=7))
    db.session.commit()


def _rows() -> list[PushDelivery]:
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(PushDelivery)))
    db.session.commit()  # end the read: the worker writes (SQLite's WAL would hold it to this snapshot)
    return rows


def _wait_until_delivered(push_service, count: int) -> list[PushDelivery]:
    """Until the database says ``count`` deliveries are delivered (each push received wakes the check;
    the generous timeout only turns a hang into a failure)."""
    done: list[PushDelivery] = []

    def check(_service) -> bool:
        done[:] = [r for r in _rows() if r.state == "delivered"]
        return len(done) >= count

    for _ in range(600):
        if push_service.wait_for(check, timeout=0.5):
            return done
    raise AssertionError(f"only {len(done)} of {count} delivered: {[(r.state, r.attempts) for r in _rows()]}")


def test_a_worker_killed_mid_send_loses_nothing_and_records_each_delivery_once(
        app, subscribed, push_service, make_user, login, start_worker):
    s = subscribed()
    other = push_service.subscriber()
    response = s.api.post("/api/push/subscriptions", json=other.json())
    assert response.status_code == 201
    other_id = response.json["id"]
    release = push_service.hold(s.subscriber)
    _event(s.team.id, "one")

    first = start_worker()
    assert push_service.wait_for(lambda svc: svc.is_holding(s.subscriber), timeout=60), "the worker never sent"
    os.killpg(first.pid, signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL
    release.set()  # the answer goes nowhere: the worker is dead
    assert {r.state for r in _rows()} == {"pending"}  # leased, not lost

    later = clock.now() + timedelta(seconds=delivery.REQUEST_TIMEOUT_SECONDS + delivery.LEASE_MARGIN_SECONDS + 60)
    second = start_worker(clock_start=later.isoformat())
    rows = _wait_until_delivered(push_service, 2)
    # Both were leased together by the dead worker, so both were sent again; each row delivered once.
    assert sorted((r.subscription_id, r.attempts) for r in rows) == sorted([(s.subscription_id, 2), (other_id, 2)])
    # At least once to the push service: the held request arrived, then its resend.
    assert len(push_service.to(s.subscriber)) == 2
    assert push_service.to(s.subscriber)[0].payload == push_service.to(s.subscriber)[1].payload

    # The other subscription's send was in the dead worker's batch too: it may or may not have left
    # before the kill, so the service saw it once or twice.
    assert len(push_service.to(other)) in (1, 2)

    # The restarted worker goes on delivering new events, each once.
    _event(s.team.id, "two")
    rows = _wait_until_delivered(push_service, 4)
    assert len(rows) == 4
    for browser in (s.subscriber, other):
        got = [r.payload["id"] for r in push_service.to(browser)]
        assert len(set(got)) == 2 and got[-1] not in got[:-1]  # both events; the new one once
    os.killpg(second.pid, signal.SIGTERM)
    assert second.wait(timeout=60) == 0


def test_sigterm_lets_the_send_in_flight_finish_and_be_recorded(app, subscribed, push_service, start_worker):
    s = subscribed()
    release = push_service.hold(s.subscriber)
    _event(s.team.id, "one")

    worker = start_worker()
    assert push_service.wait_for(lambda svc: svc.is_holding(s.subscriber), timeout=60), "the worker never sent"
    os.killpg(worker.pid, signal.SIGTERM)
    release.set()
    assert worker.wait(timeout=60) == 0

    [row] = _rows()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 1, 201)
    assert len(push_service.to(s.subscriber)) == 1


@pytest.fixture
def in_process_app(app_config):
    from server import create_app

    app = create_app({**app_config, "PUSH_WORKER_IN_PROCESS": True})
    with app.app_context():
        yield app
        thread, stop = app.extensions["push_worker"]
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive()
        db.session.remove()
        db.engine.dispose()


def test_the_web_process_delivers_by_itself_when_told_to(in_process_app, make_team, make_user, login):
    """``scripts/run``: one process serves the app and sends its pushes (PUSH_WORKER_IN_PROCESS)."""
    from tests.notifications.push_service import PushService

    key = in_process_app.test_client().get("/api/push/vapid-public-key").json["public_key"]
    with PushService(now=clock.timestamp, vapid_public_key=key) as service:
        team = make_team()
        api = login(make_user("coach", coach_of=[team]))
        browser = service.subscriber()
        assert api.post("/api/push/subscriptions", json=browser.json()).status_code == 201
        _event(team.id, "one")
        assert service.wait_for(lambda svc: len(svc.to(browser)) == 1, timeout=60)
        _wait_until_delivered(service, 1)
    assert service.problems == []
