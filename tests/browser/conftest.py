"""Browser tests: the real server in a subprocess, Debian's Chromium through pytest-playwright.

One server and one browser per session; each test gets fresh browser contexts (a fresh
profile: its own IndexedDB, caches and service worker) and its own users and team.

One clock: the server's starts at CLOCK_START and ticks on (VALUEBOARD_CLOCK_START), and every
browser context's clock is set to the server's when it is made (Playwright's clock), so "today"
and "this week" are the same known days on the phone, on the server and in the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
PWA = ROOT / "pwa"
FLASK = [sys.executable, "-m", "flask", "--app", "server"]
ADMIN_EMAIL = "admin@browser.test"
PASSWORD = "correct horse battery staple"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LONDON = ZoneInfo("Europe/London")
# Half past midnight on Thursday 22 October 2026 in London (summer time: still the 21st in UTC),
# so a phone that took its day from UTC would log yesterday's date; twelve weeks back reach into
# September, whose short name ("Sept") is the widest a box score column gets.
CLOCK_START = "2026-10-21T23:30:00Z"


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": ["--disable-gpu", "--disable-quic", "--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 360, "height": 740}, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def new_context(new_context, server):
    """Every context (the `context` fixture's too) gets a clock set to the server's, running on; and
    its test fails if the Content-Security-Policy blocked anything (Chromium reports each refusal on
    the console): the app must never need inline script or style."""
    blocked: list[str] = []

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    def make(**kwargs):
        context = new_context(**kwargs)
        context.clock.install(time=server.now())
        context.on("console", note_refusal)
        return context

    yield make
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


# ---------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build_pwa() -> None:
    if not (PWA / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
    subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)


@dataclass
class Server:
    url: str
    dist: Path
    env: dict
    proc: subprocess.Popen
    admin_token: str = ""
    clock_offset: float = 0.0  # the server's clock minus this machine's, in seconds

    def now(self) -> datetime:
        """The server's time now: CLOCK_START plus the time since it started."""
        return datetime.fromtimestamp(time.time() + self.clock_offset, timezone.utc)

    def today(self) -> date:
        """Today in London, by the server's clock."""
        return self.now().astimezone(LONDON).date()

    # -- HTTP helpers (the pinned API of issue 2) --
    def call(self, method: str, path: str, body=None, token: str | None = None, device_name="pytest"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        tok = self.admin_token if token is None else token
        if tok:
            req.add_header("Authorization", f"Bearer {tok}")
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                raw = res.read()
                return res.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw) if raw else None
            except ValueError:
                return err.code, None

    def login(self, email: str, password: str = PASSWORD, device_name: str = "pytest") -> dict:
        status, body = self.call("POST", "/api/auth/login", {"email": email, "password": password, "device_name": device_name}, token="")
        assert status == 200, body
        return body


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    if not (PWA / "dist" / "index.html").is_file() or os.environ.get("VB_BUILD_PWA") == "1":
        _build_pwa()
    tmp = tmp_path_factory.mktemp("vbserver")
    # A private copy of the build, so a test can publish a "new version" of the app.
    dist = tmp / "dist"
    shutil.copytree(PWA / "dist", dist)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
        "RATE_LIMITS": "off",
        "SECRET_KEY": "browser-tests-" + uuid.uuid4().hex,
        "PWA_DIST": str(dist),
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "8192",
        "FLASK_DEBUG": "0",
        "VALUEBOARD_CLOCK_START": CLOCK_START,
    }
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*FLASK, "create-admin", "--email", ADMIN_EMAIL, "--name", "Test Admin", "--password", PASSWORD],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--with-threads"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    srv = Server(url=f"http://127.0.0.1:{port}", dist=dist, env=env, proc=proc)
    deadline = time.monotonic() + 30
    while True:
        try:
            if srv.call("GET", "/api/health", token="")[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError("server did not start:\n" + (tmp / "server.log").read_text()[-3000:])
        time.sleep(0.1)
    srv.admin_token = srv.login(ADMIN_EMAIL)["token"]
    sent = time.time()
    status, body = srv.call("GET", "/api/sync/pull?limit=1")
    assert status == 200, body
    server_time = datetime.fromisoformat(body["server_time"].replace("Z", "+00:00")).timestamp()
    srv.clock_offset = server_time - (sent + time.time()) / 2
    yield srv
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


# ---------------------------------------------------------------- data factories


@dataclass
class World:
    server: Server
    board_id: str
    team: dict
    users: dict = field(default_factory=dict)

    def user(self, key: str, role_in_team: str = "member", role: str = "staff") -> dict:
        """Create a user (unique email) and put them in the team."""
        email = f"{key}-{uuid.uuid4().hex[:8]}@browser.test"
        status, user = self.server.call("POST", "/api/users", {"email": email, "name": f"{key.title()} Tester", "password": PASSWORD, "role": role})
        assert status == 201, user
        status, body = self.server.call("PUT", f"/api/teams/{self.team['id']}/members/{user['id']}", {"role": role_in_team})
        assert status == 200, body
        user["password"] = PASSWORD
        self.users[key] = user
        return user


@pytest.fixture
def world(server) -> World:
    status, board = server.call("POST", "/api/boards", {"name": f"Board {uuid.uuid4().hex[:6]}"})
    assert status == 201, board
    status, team = server.call("POST", "/api/teams", {"board_id": board["id"], "name": f"Ward {uuid.uuid4().hex[:4].upper()}"})
    assert status == 201, team
    return World(server=server, board_id=board["id"], team=team)
