"""Sync through the real server (issue 3 endpoints): exactly once, lost responses, two devices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.pwa_helpers import entry_rows, idb, log_entry, login, sync_now, wait_for_sw, wait_saved

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
    wait_saved(page)  # the sync on signing in is over
    # Time stands still (no timer fires) until the test lets it run: the retry waits for that.
    page.clock.pause_at(world.server.now() + timedelta(seconds=1))
    log_entry(page, "meeting", 30)
    page.click("[data-testid=status-bar] button:text-is('Sync now')")
    page.clock.run_for(1)  # the tap's sync starts
    # The push fails, but the pull after it confirms the change: nothing is waiting, yet the app
    # still has to learn the push's result.
    page.wait_for_selector("[data-testid=status-bar][data-state=failed]", timeout=15000)
    assert page.inner_text("[data-testid=sync-status]") == "Sync failed — will retry"
    assert len(pushes) == 1
    page.clock.resume()  # the retry comes after its back-off
    wait_saved(page)
    assert len(on_server := server_entries(world, user)) == 1, on_server
    ids = [m["id"] for body in pushes for m in body["mutations"]]
    assert ids[0] == 1 and all(i == 1 for i in ids), "the retry resends mutation 1, which the server skips as a duplicate"


def test_two_devices_edit_offline_converge_and_loser_is_told(new_context, world):
    user = world.user("twophones")
    ctx_a, ctx_b = new_context(), new_context()
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
        for ctx, page, minutes in ((ctx_a, a, "45"), (ctx_b, b, "60")):
            if page is b:
                ctx.clock.fast_forward("00:10")  # B edits ten seconds after A: B's value wins
            page.goto(world.server.url + "/entries")
            page.click("a[aria-label^='Edit 30 min meeting']")
            page.fill("#minutes", minutes)
            page.click("button:text('Save changes')")
            page.wait_for_selector("[data-testid=flash]")

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
        # B's 1 h replaced both A's offline 45 min and the 30 min A had logged first (the server logs
        # every value of A's that another device's write replaced).
        cards = a.locator("[data-testid=conflict]")
        expect(cards).to_have_count(2)  # the screen renders after the navigation: wait for it, not for time
        assert cards.locator("h2").all_inner_texts() == ["1 h meeting today"] * 2
        assert sorted(cards.locator("h2 + p").all_inner_texts()) == [
            "Minutes: your 30 min was replaced by 1 h.", "Minutes: your 45 min was replaced by 1 h."]
        assert idb(b, "return (await db.getAll('conflicts')).length;") == 0
    finally:
        ctx_a.close()
        ctx_b.close()
