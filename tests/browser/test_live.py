"""Live across devices: an idea added on a tablet (1024×768) shows on the team's kiosk TV (1920×1080) within
2 s, without a reload; on the Flask server (one process) and on gunicorn with two workers on PostgreSQL
(pokes go between the processes by NOTIFY)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from tests.browser.pwa_helpers import login, wait_saved
from tests.browser.conftest import ADMIN_EMAIL, FLASK, PASSWORD, ROOT, Server, World, _free_port
from tests.conftest import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.browser

TV = {"width": 1920, "height": 1080}
TABLET = {"width": 1024, "height": 768}
IDEA = "Label the linen cupboard shelves"


def board_path(world: World, kiosk: bool = False) -> str:
    return f"/teams/{world.team['id']}/board" + ("?kiosk=1" if kiosk else "")


def is_stream(response) -> bool:
    return response.url.endswith("/api/sync/events") and response.status == 200


def kiosk_updates_within_two_seconds(server: Server, world: World, new_context) -> None:
    tv_user, member = world.user("tv"), world.user("member")
    kiosk_ctx, tablet_ctx = new_context(), new_context()
    try:
        kiosk, tablet = kiosk_ctx.new_page(), tablet_ctx.new_page()
        kiosk.set_viewport_size(TV)
        tablet.set_viewport_size(TABLET)
        login(kiosk, server, tv_user, device_name="Ward TV")
        wait_saved(kiosk)
        # The stream's headers arrive once the server listens for the kiosk: a change after that is heard.
        with kiosk.expect_response(is_stream, timeout=15000):
            kiosk.goto(server.url + board_path(world, kiosk=True))
        kiosk.wait_for_selector("[data-testid=board] h1")
        ideas = kiosk.locator("[data-status=new] li")
        expect(ideas).to_have_count(0)
        kiosk.evaluate("() => { window.stillTheSamePage = true; }")

        login(tablet, server, member, device_name="Huddle tablet")
        tablet.goto(server.url + board_path(world))
        tablet.wait_for_selector("[data-testid=board] h1")
        tablet.fill("#idea-title", IDEA)
        pushes: list[int] = []
        tablet.on("response", lambda r: pushes.append(r.status) if r.url.endswith("/api/sync/push") else None)
        # The push follows the write's 1.5 s debounce, and waits out a sync already running; on a loaded
        # machine that can take a while. The 2 s window below starts only once the server has the change.
        try:
            with tablet.expect_response(lambda r: r.url.endswith("/api/sync/push") and r.status == 200, timeout=45000):
                tablet.click("button:text-is('Add idea')")
        except PlaywrightTimeoutError:
            pytest.fail(f"the tablet's change never reached the server; its pushes answered {pushes}")
        # From the moment the server has the change: the kiosk's timer (1 min) cannot be what shows it.
        expect(ideas).to_have_text([IDEA], timeout=2000)
        assert kiosk.evaluate("() => window.stillTheSamePage") is True
    finally:
        kiosk_ctx.close()
        tablet_ctx.close()


def test_the_kiosk_updates_within_2_s_of_another_devices_change_without_a_reload(server, world, new_context):
    kiosk_updates_within_two_seconds(server, world, new_context)


# ---------------------------------------------------------------- two gunicorn workers on PostgreSQL


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory, server):
    """Valueboard as production runs it (gunicorn.conf.py, two workers, PostgreSQL), on the same build."""
    name = f"valueboard_browser_live_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    port = _free_port()
    env = {**server.env, "DATABASE_URL": POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name}
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*FLASK, "create-admin", "--email", ADMIN_EMAIL, "--name", "Test Admin", "--password", PASSWORD],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(sys.executable.rsplit("/", 1)[0] + "/gunicorn"), "--workers", "2",
                             "--bind", f"127.0.0.1:{port}", "server:create_app()"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(url=f"http://127.0.0.1:{port}", dist=server.dist, env=env, proc=proc)
    deadline = time.monotonic() + 30
    while True:
        try:
            if srv.call("GET", "/api/health", token="")[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.1)
    srv.admin_token = srv.login(ADMIN_EMAIL)["token"]
    sent = time.time()
    status, body = srv.call("GET", "/api/sync/pull?limit=1")
    server_time = datetime.fromisoformat(body["server_time"].replace("Z", "+00:00")).timestamp()
    srv.clock_offset = server_time - (sent + time.time()) / 2
    yield srv
    proc.terminate()
    proc.wait(timeout=60)
    log.close()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_kiosk_updates_within_2_s_when_two_gunicorn_workers_serve_the_devices(
        gunicorn_server, browser, browser_context_args):
    srv = gunicorn_server
    status, board = srv.call("POST", "/api/boards", {"name": f"Board {uuid.uuid4().hex[:6]}"})
    assert status == 201, board
    status, team = srv.call("POST", "/api/teams", {"board_id": board["id"], "name": "Ward 7"})
    assert status == 201, team

    def new_context(**kwargs):
        context = browser.new_context(**browser_context_args, **kwargs)
        context.clock.install(time=srv.now())
        return context

    kiosk_updates_within_two_seconds(srv, World(server=srv, board_id=board["id"], team=team), new_context)
