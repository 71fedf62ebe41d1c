"""A gunicorn worker SIGKILLed in the middle of a large push: nothing partial is visible, the retry applies once.

The real server runs once per database for this module. ``VALUEBOARD_SYNC_TEST_SLOW_PUSH`` makes the
first push of at least 200 records write its records, then record its worker's pid in a marker file
and sleep inside the still-open transaction: the test kills that worker there, deterministically.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync import Hlc
from tests.conftest import POSTGRES_ADMIN_URL, TEST_CONFIG, _migrate
from tests.sync_api.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, token: str, body: dict | None = None, timeout: float = 60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def _seed(url: str) -> dict:
    """A team with one member signed in on one device."""
    from server import create_app
    from server.accounts.operations import create_user, register_device
    from server.extensions import db
    from server.organisations.operations import create_board, create_team, set_membership

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        team = create_team(board_id=create_board(name="Board").id, name="Ward")
        user = create_user(email="kill@example.org", name="Kill", password="long password", role="staff")
        set_membership(team, user.id, "member")
        token, device = register_device(user, "phone")
        db.session.commit()
        info = {"team_id": team.id, "token": token, "device_id": device.id, "url": url}
        db.session.remove()
        db.engine.dispose()
    return info


def _serve(url: str, folder: Path, *, slow_push: str) -> tuple[int, subprocess.Popen]:
    """gunicorn as the Procfile runs it (from the project root, so with gunicorn.conf.py), once it answers."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "RATE_LIMITS": "off",
           "PWA_DIST": str(folder / "no-pwa"), "VALUEBOARD_SYNC_TEST_SLOW_PUSH": slow_push}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "server:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    return port, proc


@pytest.fixture(scope="module")
def live_server(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    admin = None
    if databases.name == "sqlite":
        url = databases.fresh_url()
    else:
        name = f"valueboard_test_gunicorn_{os.getpid()}"
        admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        _migrate(url)

    info = _seed(url)
    marker = folder / "paused"
    port, proc = _serve(url, folder, slow_push=f"200:120:{marker}")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    yield {**info, "port": port, "marker": marker, "db": engine}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        databases.release(url)


def _counts(engine) -> tuple[int, int, int]:
    """(entry records, entry rows, the device's last mutation id)."""
    with engine.connect() as conn:
        return (conn.execute(sa.text("SELECT count(*) FROM sync_records WHERE collection = 'capacity_entries'"))
                .scalar_one(),
                conn.execute(sa.text("SELECT count(*) FROM capacity_entries")).scalar_one(),
                conn.execute(sa.text("SELECT coalesce(max(last_mutation_id), 0) FROM sync_devices")).scalar_one())


def test_a_worker_killed_mid_push_leaves_nothing_and_the_retry_applies_once(live_server):
    s = live_server
    body = _entries(s["device_id"], s["team_id"], 500)

    outcome: dict = {}

    def push() -> None:
        try:
            outcome["response"] = _request(s["port"], "POST", "/api/sync/push", s["token"], body, timeout=150)
        except (OSError, http.client.HTTPException) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=push, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not (s["marker"].exists() and s["marker"].read_text()):
        assert time.monotonic() < deadline, "the push never reached its pause"
        time.sleep(0.02)
    worker = int(s["marker"].read_text())
    assert _counts(s["db"]) == (0, 0, 0)  # 500 records written, none visible: not committed
    os.kill(worker, signal.SIGKILL)
    thread.join(30)
    assert "response" not in outcome and isinstance(outcome.get("error"), Exception)
    assert _counts(s["db"]) == (0, 0, 0)
    with s["db"].connect() as conn:  # nor the weekly total written in the same transaction
        assert conn.execute(sa.text("SELECT count(*) FROM sync_records")).scalar_one() == 0

    status, result = _request(s["port"], "POST", "/api/sync/push", s["token"], body)
    assert status == 200, result
    assert {r["status"] for r in result["results"]} == {"applied"} and result["last_mutation_id"] == 500
    status, again = _request(s["port"], "POST", "/api/sync/push", s["token"], body)
    assert status == 200 and {r["status"] for r in again["results"]} == {"duplicate"}
    assert _counts(s["db"]) == (500, 500, 500)
    status, page = _request(s["port"], "GET", "/api/sync/pull?limit=1000", s["token"])
    assert status == 200 and page["last_mutation_id"] == 500
    entries = [c for c in page["changes"] if c["collection"] == "capacity_entries"]
    totals = [c["record"] for c in page["changes"] if c["collection"] == "capacity_weekly_totals"]
    assert len(entries) == 500 and len(page["changes"]) == 501
    assert [(t["kind"], t["minutes"], t["entries"]) for t in totals] == [("admin", 2500, 500)]  # counted once


def _entries(device_id: str, team_id: str, count: int) -> dict:
    clock = Hlc(device_id)
    mutations = [{"id": i, "collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert",
                  "hlc": clock.now(), "fields": {"team_id": team_id, "kind": "admin", "minutes": 5,
                                                 "occurred_on": TODAY}} for i in range(1, count + 1)]
    return {"client_id": device_id, "schema_version": 1, "mutations": mutations}


def test_sigterm_lets_a_push_in_flight_commit_before_the_server_stops(live_server, tmp_path):
    """A deploy stops web processes with SIGTERM: the push a worker holds finishes and is answered."""
    marker = tmp_path / "paused"
    port, proc = _serve(live_server["url"], tmp_path, slow_push=f"200:3:{marker}")  # pauses 3 s before committing
    status, signed_in = _request(port, "POST", "/api/auth/login", "",
                                 {"email": "kill@example.org", "password": "long password", "device_name": "tablet"})
    assert status == 200, signed_in
    entries_before = _counts(live_server["db"])[0]
    outcome: dict = {}

    def push() -> None:
        body = _entries(signed_in["device_id"], live_server["team_id"], 250)
        outcome["response"] = _request(port, "POST", "/api/sync/push", signed_in["token"], body, timeout=60)

    thread = threading.Thread(target=push, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text()):
        assert time.monotonic() < deadline, "the push never reached its pause"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGTERM)
    thread.join(60)
    status, result = outcome["response"]
    assert status == 200 and {r["status"] for r in result["results"]} == {"applied"}
    assert proc.wait(timeout=60) == 0
    assert _counts(live_server["db"])[:2] == (entries_before + 250, entries_before + 250)
