"""A new device's first sync (issue 16): the app is usable while it downloads, and says how far it is."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest

from tests.browser.measure_data import api_push, measure
from tests.browser.pwa_helpers import entry_rows, idb, log_entry, login, wait_saved
from tests.browser.test_boxscore import server_table, table_data

pytestmark = pytest.mark.browser

ENTRIES = 6000  # more than one first-sync page (5,000), so the download has a middle to look at


class Phone:
    """Another device of a team member, pushing through the sync API."""

    def __init__(self, world, user) -> None:
        self.world = world
        self.device = world.server.login(user["email"], device_name="their phone")
        self.next_id = 1

    def push(self, mutations: list[dict]) -> None:
        now = self.world.server.now()
        stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        for start in range(0, len(mutations), 500):
            batch = []
            for m in mutations[start:start + 500]:
                batch.append({"id": self.next_id, "hlc": f"{stamp}-{self.next_id % 0xffff:04x}-{self.device['device_id']}", **m})
                self.next_id += 1
            status, body = self.world.server.call("POST", "/api/sync/push", {
                "client_id": self.device["device_id"], "schema_version": 1, "mutations": batch}, token=self.device["token"])
            assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}, body


def new_entry(world, day, minutes: int, kind: str = "time_lost", category: str | None = "Waiting") -> dict:
    fields = {"team_id": world.team["id"], "kind": kind, "minutes": minutes, "occurred_on": day.isoformat()}
    if category:
        fields["category"] = category
    return {"collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert", "fields": fields}


def push_entries(world, user, count: int) -> None:
    """`count` entries of `user` over the last eight weeks, pushed from their own (other) device."""
    today = world.server.today()
    Phone(world, user).push([new_entry(world, today - timedelta(days=n % 56), 5 + n % 4 * 5) for n in range(count)])


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


def test_a_phone_keeps_only_its_users_recent_entries_yet_its_box_score_is_the_teams(page, world):
    """A staff member's phone holds their own entries of the last 16 weeks; its 52-week box score,
    summed from the server's weekly totals, equals the server's, old weeks included, after another
    device edited and deleted entries older than any device keeps."""
    nurse, other = world.user("nurse"), world.user("other")
    lost = measure(world, "Time lost", source="derived", derived_kind="time_lost", derived_unit="hours", direction="down")
    meetings = measure(world, "Time in meetings", source="derived", derived_kind="meeting", derived_unit="hours")
    api_push(world, world.user("lead", role_in_team="lead"), [lost, meetings])
    today = world.server.today()
    theirs = [new_entry(world, today - timedelta(days=3 * n), 10 + n % 5, kind=("time_lost", "meeting")[n % 2],
                        category=("Waiting", None)[n % 2]) for n in range(120)]  # back about 51 weeks
    phone = Phone(world, other)
    phone.push(theirs)
    mine = [new_entry(world, today - timedelta(days=n * 20), 15) for n in range(8)]  # 5 in the window, 3 older
    Phone(world, nurse).push(mine)
    old = [m for m in theirs if m["fields"]["occurred_on"] < (today - timedelta(weeks=20)).isoformat()]
    phone.push([{"collection": "capacity_entries", "record_id": old[0]["record_id"], "op": "upsert",
                 "fields": {"minutes": 95}},
                {"collection": "capacity_entries", "record_id": old[1]["record_id"], "op": "delete"}])

    login(page, world.server, nurse)
    wait_saved(page, timeout=60000)
    kept = idb(page, """return (await db.getAll('records')).filter((r) => r.collection === 'capacity_entries')
        .map((r) => [r.data.user_id, r.data.occurred_on]);""")
    window_start = today - timedelta(days=today.weekday(), weeks=15)
    assert sorted(day for _, day in kept) == sorted(
        m["fields"]["occurred_on"] for m in mine if m["fields"]["occurred_on"] >= window_start.isoformat())
    assert {user for user, _ in kept} == {nurse["id"]}

    page.goto(world.server.url + "/boxscore?weeks=52")
    page.wait_for_selector("[data-testid=boxscore]")
    token = world.server.login(nurse["email"], device_name="checker")["token"]
    on_server = server_table(world, token, weeks=52)
    assert table_data(page) == on_server
    assert any(value for _, value in on_server[lost["record_id"]]["series"][:20]), "old weeks have time lost"

