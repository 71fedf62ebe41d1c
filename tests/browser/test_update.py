"""An app update waits while changes are queued that the new version could not send."""

from __future__ import annotations

import re

import pytest

from tests.browser.pwa_helpers import idb, log_entry, login, sync_now, wait_for_sw, wait_saved

pytestmark = pytest.mark.browser

BUILD_OF = """(worker) => new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data);
    worker.postMessage({ type: 'GET_BUILD' }, [ch.port2]);
})"""


# Records the type of every message the page posts to a service worker (before any app code runs).
RECORD_SW_MESSAGES = """(() => {
    const post = ServiceWorker.prototype.postMessage;
    window.__swMessages = [];
    ServiceWorker.prototype.postMessage = function (message, ...rest) {
        window.__swMessages.push(message && message.type);
        return post.call(this, message, ...rest);
    };
})()"""


# Resolves once the new version has installed and waits (page.wait_for_function cannot wait on an async
# condition: it takes the promise as true at once), or false after 15 s.
NEW_VERSION_WAITING = """async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    const installed = (w) => new Promise((resolve) => {
        if (w.state !== 'installing') return resolve();
        w.addEventListener('statechange', () => w.state !== 'installing' && resolve());
    });
    const waiting = (async () => {
        if (!reg.waiting && !reg.installing) await new Promise((resolve) => reg.addEventListener('updatefound', resolve, { once: true }));
        if (reg.installing) await installed(reg.installing);
        return !!reg.waiting;
    })();
    return Promise.race([waiting, new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
}"""

def controller_version(page) -> str:
    return page.evaluate(f"async () => ({BUILD_OF})(navigator.serviceWorker.controller)")["version"]


def publish_new_version(server, reads_formats: list[int]) -> tuple[str, str]:
    """Rewrite the served sw.js as a new app version; returns (original text, new version)."""
    path = server.dist / "sw.js"
    original = path.read_text()
    new_version = "test-next-version"
    text = re.sub(r'"version":"[^"]+"', f'"version":"{new_version}"', original, count=1)
    text = re.sub(r'"reads_outbox_formats":\[[^\]]*\]', '"reads_outbox_formats":' + str(reads_formats).replace(" ", ""), text, count=1)
    assert text != original
    path.write_text(text)
    return original, new_version


def test_update_waits_while_changes_are_queued(page, world):
    server = world.server
    page.add_init_script(RECORD_SW_MESSAGES)
    login(page, server, world.user("updater"))
    wait_for_sw(page)
    old_version = controller_version(page)
    page.route("**/api/sync/**", lambda route: route.abort())  # keep the change queued
    log_entry(page, "admin", 10)
    assert idb(page, "return db.count('outbox');") == 1

    original, new_version = publish_new_version(server, [2])  # cannot send outbox format 1
    try:
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        assert page.evaluate(NEW_VERSION_WAITING), "the new version did not install within 15 s"
        banner = page.locator("[data-testid=update-banner]")
        banner.locator("[data-testid=update-waiting]").wait_for()
        assert "once your 1 change waiting to sync is saved" in banner.inner_text()
        assert banner.locator("button:has-text('Update now')").count() == 0
        # The banner is the page's decision: the new version was not told to take over.
        assert "SKIP_WAITING" not in page.evaluate("() => window.__swMessages")
        assert controller_version(page) == old_version
        assert page.evaluate("async () => !!(await navigator.serviceWorker.getRegistration()).waiting")

        # Once the queue is empty the update may go ahead.
        page.unroute("**/api/sync/**")
        sync_now(page)
        wait_saved(page)
        banner.locator("button:has-text('Update now')").wait_for(timeout=15000)
        page.evaluate("() => { window.__beforeUpdate = true; }")
        banner.locator("button:has-text('Update now')").click()
        # The new version takes over and the page reloads to run it.
        page.wait_for_function("() => !window.__beforeUpdate && !!document.querySelector('main h1')", timeout=15000)
        page.wait_for_function("() => !!navigator.serviceWorker.controller")
        assert controller_version(page) == new_version
    finally:
        (server.dist / "sw.js").write_text(original)


def test_compatible_update_is_offered_even_with_changes_queued(page, world):
    server = world.server
    login(page, server, world.user("updater2"))
    wait_for_sw(page)
    page.route("**/api/sync/**", lambda route: route.abort())
    log_entry(page, "admin", 5)
    original, _ = publish_new_version(server, [1, 2])  # still reads format 1
    try:
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        page.locator("[data-testid=update-banner] button:has-text('Update now')").wait_for(timeout=15000)
    finally:
        (server.dist / "sw.js").write_text(original)
