"""Live updates under gunicorn (gunicorn.conf.py: gthread workers): pokes cross processes, a graceful stop
ends the streams at once, and a client reconnecting to the restarted server hears the next change.

PostgreSQL runs two workers (pokes travel by NOTIFY); SQLite one (pokes stay in the process)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync import Hlc
from tests.conftest import POSTGRES_ADMIN_URL, TEST_CONFIG, _migrate

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EventStream:
    """A plain SSE client on one HTTP connection."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # a failing test's bound only
        self.conn.request("GET", "/api/sync/events", headers={"Authorization": f"Bearer {token}"})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.next_event() == ("ready", {})

    def next_event(self) -> tuple[str, dict] | None:
        """The next event, comments skipped; None once the server ended the stream."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line == "" and "event" in fields:
                return fields["event"], json.loads(fields.get("data", "{}"))
            if line and not line.startswith(":") and ": " in line:
                key, value = line.split(": ", 1)
                fields[key] = value

    def close(self) -> None:
        self.conn.close()


def _request(port: int, method: str, path: str, token: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, url: str, workers: int, folder: Path) -> None:
        self.port = _free_port()
        self.env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "RATE_LIMITS": "off",
                    "PWA_DIST": str(folder / "no-pwa")}
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [GUNICORN, "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "server:create_app()"], cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def served(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn-live")
    admin = name = None
    if databases.name == "sqlite":
        url = databases.fresh_url()
    else:
        name = f"valueboard_test_live_{os.getpid()}"
        admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        _migrate(url)

    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.organisations.operations import create_board, create_team, set_membership

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        team = create_team(board_id=create_board(name="Board").id, name="Ward")
        devices = {}
        for who in ("kiosk", "lead"):
            user = create_user(email=f"{who}@example.org", name=who.title(), password="long password", role="staff")
            set_membership(team, user.id, "lead" if who == "lead" else "member")
            token, device = register_device(user, who)
            devices[who] = {"token": token, "device_id": device.id, "user_id": user.id}
        db.session.commit()
        db.session.remove()
    server = Gunicorn(url, 2 if databases.name == "postgresql" else 1, folder)
    server.start()
    yield {"server": server, "team_id": team.id, "app": app, **devices}
    server.stop()
    with app.app_context():
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        databases.release(url)


def _push_entry(s: dict, mutation_id: int, clock: Hlc) -> None:
    lead = s["lead"]
    body = {"client_id": lead["device_id"], "schema_version": 1, "mutations": [
        {"id": mutation_id, "collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert",
         "hlc": clock.now(), "fields": {"team_id": s["team_id"], "kind": "admin", "minutes": 5,
                                       "occurred_on": "2026-11-20"}}]}
    status, result = _request(s["server"].port, "POST", "/api/sync/push", lead["token"], body)
    assert status == 200 and result["results"][0]["status"] == "applied", result


@pytest.mark.postgres_only
def test_a_change_committed_by_another_process_reaches_streams_on_every_worker(served):
    from server.extensions import db
    from server.accounts.models import User
    from server.sync_api.operations import write_as_server

    streams = [EventStream(served["server"].port, served["kiosk"]["token"]) for _ in range(6)]
    with served["app"].app_context():  # this test's own process: never one of the server's workers
        lead = db.session.get(User, served["lead"]["user_id"])
        write_as_server(lead, [{"collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert",
                                "fields": {"team_id": served["team_id"], "kind": "admin", "minutes": 5,
                                           "occurred_on": "2026-11-20"}}])
        db.session.remove()
    for stream in streams:
        event, data = stream.next_event()
        assert event == "poke" and data["team_id"] == served["team_id"] and set(data) == {"team_id", "version"}
        stream.close()


def test_a_graceful_stop_ends_the_streams_and_a_reconnected_client_hears_the_next_change(served):
    server, clock = served["server"], Hlc(served["lead"]["device_id"])
    stream = EventStream(server.port, served["kiosk"]["token"])
    _push_entry(served, 1, clock)
    assert stream.next_event()[0] == "poke"
    os.killpg(server.proc.pid, signal.SIGTERM)
    # The stream ends at the stop, not at gunicorn's 30 s graceful timeout (the socket's 10 s would fail it).
    assert stream.next_event() is None
    server.proc.wait(timeout=30)
    stream.close()

    server.start()
    stream = EventStream(server.port, served["kiosk"]["token"])
    _push_entry(served, 2, clock)
    event, data = stream.next_event()
    assert event == "poke" and data["team_id"] == served["team_id"]
    stream.close()
