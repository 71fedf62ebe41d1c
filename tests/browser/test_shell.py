"""The app shell in a real browser: log in, offline reload, installability, session safety."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import timedelta

import pytest

from tests.browser.pwa_helpers import idb, login, nav_to, wait_for_sw, wait_saved

pytestmark = pytest.mark.browser


def test_login_see_teams_then_offline_reload_still_works(page, context, world):
    user = world.user("nurse")
    login(page, world.server, user)
    teams = page.locator("[data-testid=team-list]")
    assert world.team["name"] in teams.inner_text()
    assert "Member" in teams.inner_text()

    wait_for_sw(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("h1:has-text('Hello')")
    assert world.team["name"] in page.locator("[data-testid=team-list]").inner_text()
    assert page.locator("[data-testid=status-bar]").get_attribute("data-online") == "no"
    # Other screens work offline too (navigation falls back to the cached shell).
    page.goto(world.server.url + "/entries")
    page.wait_for_selector("h1:has-text('My entries')")
    context.set_offline(False)


def test_installable_manifest_and_service_worker(page, world):
    user = world.user("installer")
    login(page, world.server, user)
    wait_for_sw(page)
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.evaluate("async (h) => (await fetch(h)).json()", href)
    assert manifest["name"] == "Valueboard"
    assert manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"].lower() == "#005eb8"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert ("192x192", "any") in sizes and ("512x512", "any") in sizes and ("512x512", "maskable") in sizes
    for icon in manifest["icons"]:
        res = page.request.get(world.server.url + icon["src"])
        assert res.ok and res.headers["content-type"].startswith("image/png")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert page.get_attribute("meta[name=theme-color]", "content") == "#005eb8"
    # The service worker scope covers start_url, and the start URL works offline (precached).
    scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).scope")
    assert scope == world.server.url + "/"
    cached = page.evaluate("async () => { for (const k of await caches.keys()) { if (await (await caches.open(k)).match('/')) return true; } return false; }")
    assert cached


def test_sign_out_warns_about_unsynced_changes_and_wipes(page, context, world):
    user = world.user("leaver")
    login(page, world.server, user)
    wait_for_sw(page)
    context.set_offline(True)
    page.click("[data-testid=log-meeting]")
    page.click("button.pick[data-minutes='30']")
    page.wait_for_selector("[data-testid=flash]")
    nav_to(page, "Sign out")
    warning = page.locator("[data-testid=unsynced-warning]")
    assert "1 change on this device has not been sent" in warning.inner_text()
    page.click("[data-testid=confirm-sign-out]")
    page.wait_for_selector("h1:has-text('Sign in')")
    left = idb(page, "return { records: await db.count('records'), outbox: await db.count('outbox'), meta: await db.getAllKeys('meta') };")
    # Only the browser's device key stays: it names this browser, not the person (sign-in throttling trusts it)
    assert left == {"records": 0, "outbox": 0, "meta": ["device_key"]}
    context.set_offline(False)


def test_revoked_device_wipes_itself_without_retry_loop(page, world):
    user = world.user("lostphone")
    login(page, world.server, user, device_name="Lost phone")
    wait_for_sw(page)
    wait_saved(page)  # the sync on signing in is over
    # Time stands still until the tap, so no sync (they all start from a timer) comes first.
    page.clock.pause_at(world.server.now() + timedelta(seconds=1))
    device_id = idb(page, "return (await db.get('meta', 'session')).device_id;")
    # From another device, the user revokes the lost phone.
    other = world.server.login(user["email"], device_name="Desk PC")
    status, _ = world.server.call("DELETE", f"/api/devices/{device_id}", token=other["token"])
    assert status == 204

    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    page.click("[data-testid=status-bar] button:text-is('Sync now')")
    page.clock.run_for(1)
    page.wait_for_selector("h1:has-text('Sign in')")
    assert "This device was signed out" in page.inner_text("main")
    state = idb(page, "return { session: await db.get('meta', 'session'), me: await db.get('meta', 'me'), records: await db.count('records') };")
    assert state == {"session": None, "me": None, "records": 0}
    # One refused call and the app stops: no retry is scheduled after a 401 (the scheduler's unit
    # test in pwa/test/sync-client.test.js), and nothing here asks again.
    assert requests == [world.server.url + "/api/me"]


def test_production_bundle_has_no_test_hooks(world):
    """The build served from pwa/dist (the production one) carries no test back door."""
    html = urllib.request.urlopen(world.server.url + "/").read().decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts, html
    for path in [*scripts, "/sw.js"]:
        code = urllib.request.urlopen(world.server.url + path).read().decode()
        assert len(code) > 1000 and "__vb" not in code, path


def test_status_bar_is_a_live_region(page, world):
    user = world.user("reader")
    login(page, world.server, user)
    status = page.locator("[data-testid=sync-status]")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"


def test_persistent_storage_requested_and_ios_hint_hidden_on_chromium(page, world):
    user = world.user("persist")
    login(page, world.server, user)
    assert page.evaluate("() => typeof navigator.storage.persist") == "function"
    assert page.locator("aside[aria-label='Add to Home Screen']").count() == 0
    # The manifest link and theme colour are in the served shell itself (no JS needed).
    html = page.request.get(world.server.url + "/").text()
    assert 'rel="manifest"' in html and json.dumps("#005eb8")[1:-1] in html
