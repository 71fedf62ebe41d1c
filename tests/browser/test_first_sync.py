"""A new device's first sync (issue 16): the app is usable while it downloads, and says how far it is."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest

from tests.browser.pwa_helpers import entry_rows, idb, log_entry, login, wait_saved

pytestmark = pytest.mark.browser

ENTRIES = 6000  # more than one first-sync page (5,000), so the download has a middle to look at


def push_entries(world, user, count: int) -> None:
    """`count` entries of `user` over the last eight weeks, pushed from their own (other) device."""
    device = world.server.login(user["email"], device_name="their phone")
    today = world.server.today()
    stamp = world.server.now().strftime("%Y-%m-%dT%H:%M:%S.") + f"{world.server.now().microsecond // 1000:03d}Z"
    next_id = 1
    for start in range(0, count, 500):
        mutations = []
        for n in range(start, min(start + 500, count)):
            mutations.append({
                "id": next_id, "collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert",
                "hlc": f"{stamp}-{next_id % 0xffff:04x}-{device['device_id']}",
                "fields": {"team_id": world.team["id"], "kind": "time_lost", "minutes": 5 + n % 4 * 5,
                           "occurred_on": (today - timedelta(days=n % 56)).isoformat(), "category": "Waiting"},
            })
            next_id += 1
        status, body = world.server.call("POST", "/api/sync/push", {
            "client_id": device["device_id"], "schema_version": 1, "mutations": mutations}, token=device["token"])
        assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}, body


def test_logging_works_while_the_first_sync_downloads_and_the_progress_is_shown(page, world):
    lead = world.user("lead", role_in_team="lead")
    push_entries(world, world.user("nurse"), ENTRIES)

    held = []
    released = threading.Event()

    def hold_the_second_page(route):
        if released.is_set() or "cursor=&" in route.request.url:
            route.continue_()
        else:
            held.append(route)  # the download's second page waits until the test has logged

    page.route("**/api/sync/pull?*", hold_the_second_page)
    login(page, world.server, lead)
    page.wait_for_function("() => /Downloading your team's data: \\d+%/.test("
                           "document.querySelector('[data-testid=sync-status]')?.textContent || '')", timeout=60000)
    status = page.inner_text("[data-testid=sync-status]")
    percent = int(status.rsplit(" ", 1)[-1].rstrip("%"))
    assert 0 < percent < 100, status

    log_entry(page, "meeting", 30)  # the download is still going: logging does not wait for it
    mine = [r for r in entry_rows(page) if r["kind"] == "meeting"]
    assert len(mine) == 1 and mine[0]["pending"] == 1

    assert held, "the second page was asked for while the first was written"
    released.set()
    for route in held:
        route.continue_()
    wait_saved(page, timeout=60000)
    stored = idb(page, """const rows = await db.getAll('records');
        return {entries: rows.filter((r) => r.collection === 'capacity_entries' && !r.deleted).length,
                totals: rows.filter((r) => r.collection === 'capacity_weekly_totals').length};""")
    assert stored["entries"] == ENTRIES + 1
    assert stored["totals"] > 0
    assert page.inner_text("[data-testid=sync-status]") == "All changes saved to the server"
