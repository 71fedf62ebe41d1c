"""Sync through the real server (issue 3 endpoints): exactly once, lost responses, two devices."""

from __future__ import annotations

import pytest

from tests.browser.pwa_helpers import entry_rows, log_entry, login, sync_now, wait_for_sw, wait_saved

pytestmark = pytest.mark.browser


def server_entries(world, user) -> list[dict]:
    """Everything the server holds for the team, read by a fresh device of `user`."""
    device = world.server.login(user["email"], device_name="checker")
    changes, cursor = [], ""
    while True:
        status, body = world.server.call("GET", f"/api/sync/pull?cursor={cursor}&limit=1000", token=device["token"])
        assert status == 200, body
        changes += [c for c in body["changes"] if c["collection"] == "capacity_entries" and not c["deleted"]]
        cursor = body["cursor"]
        if not body["has_more"]:
            return changes


def test_offline_entry_syncs_once_back_online(page, context, world):
    user = world.user("syncer")
    login(page, world.server, user)
    wait_for_sw(page)
    context.set_offline(True)
    log_entry(page, "time_lost", 15, "Waiting")
    page.reload()
    page.goto(world.server.url + "/entries")
    assert page.inner_text("[data-testid=entry-state]") == "Waiting to sync"

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_saved(page)
    page.goto(world.server.url + "/entries")
    assert page.inner_text("[data-testid=entry-state]") == "Saved"
    [local] = entry_rows(page)
    on_server = server_entries(world, user)
    assert [c["record_id"] for c in on_server] == [local["id"]]
    record = on_server[0]["record"]
    assert (record["minutes"], record["category"], record["user_id"]) == (15, "Waiting", user["id"])


def test_lost_push_response_is_retried_without_duplicate(page, world):
    user = world.user("flaky")
    login(page, world.server, user)
    pushes = []

    def drop_first_response(route):
        pushes.append(route.request.post_data_json)
        if len(pushes) == 1:
            route.fetch()  # the server receives and commits it ...
            route.abort()  # ... but the response never reaches the phone
        else:
            route.continue_()

    page.route("**/api/sync/push", drop_first_response)
    log_entry(page, "meeting", 30)
    page.wait_for_function("() => window.__vb.status.state === 'failed' || window.__vb.status.pending === 0", timeout=15000)
    sync_now(page)
    wait_saved(page)
    assert len(on_server := server_entries(world, user)) == 1, on_server
    ids = [m["id"] for body in pushes for m in body["mutations"]]
    assert ids[0] == 1 and all(i == 1 for i in ids), "the retry resends mutation 1, which the server skips as a duplicate"


def test_two_devices_edit_offline_converge_and_loser_is_told(browser, world):
    user = world.user("twophones")
    ctx_a = browser.new_context(viewport={"width": 360, "height": 740})
    ctx_b = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        a, b = ctx_a.new_page(), ctx_b.new_page()
        login(a, world.server, user, device_name="Phone A")
        wait_for_sw(a)
        log_entry(a, "meeting", 30)
        wait_saved(a)
        login(b, world.server, user, device_name="Phone B")
        wait_for_sw(b)
        wait_saved(b)
        assert [r["minutes"] for r in entry_rows(b)] == [30]

        ctx_a.set_offline(True)
        ctx_b.set_offline(True)
        for page, minutes in ((a, "45"), (b, "60")):  # B edits last: B's value wins
            page.goto(world.server.url + "/entries")
            page.click("a[aria-label^='Edit 30 min meeting']")
            page.fill("#minutes", minutes)
            page.click("button:text('Save changes')")
            page.wait_for_selector("[data-testid=flash]")
            page.wait_for_timeout(20)

        for ctx, page in ((ctx_b, b), (ctx_a, a), (ctx_b, b)):
            ctx.set_offline(False)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
            sync_now(page)
            wait_saved(page)
        sync_now(a)
        wait_saved(a)
        assert [r["minutes"] for r in entry_rows(a)] == [60]
        assert [r["minutes"] for r in entry_rows(b)] == [60]

        a.goto(world.server.url + "/")
        a.click("a:has-text('replaced by someone else')", timeout=10000)
        text = a.inner_text("[data-testid=conflict-list]")
        assert "45 min" in text and "1 h" in text
        assert b.evaluate("async () => (await window.__vb.db.getAll('conflicts')).length") == 0
    finally:
        ctx_a.close()
        ctx_b.close()
