"""What the app says it saved, the server keeps (issue 10): a coach is not offered logging for a team
they only follow, a date too far ahead or an over-long note is refused on the device, and the status
bar says one true thing when the server refused changes. At phone and tablet sizes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.pwa_helpers import artifact, entry_rows, idb, log_entry, login, sync_now, wait_saved

pytestmark = pytest.mark.browser

PHONE, TABLET = (390, 844), (1024, 768)
SIZES = pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])


def coach(world, key: str, *, also_member: bool = False) -> dict:
    """A coach who follows the world's team (and, with also_member, is a member of it too)."""
    server = world.server
    status, user = server.call("POST", "/api/users", {"email": f"{key}-{uuid.uuid4().hex[:8]}@browser.test",
                                                      "name": f"{key.title()} Coach", "password": PASSWORD, "role": "coach"})
    assert status == 201, user
    status, body = server.call("PUT", f"/api/teams/{world.team['id']}/coaches/{user['id']}")
    assert status == 200, body
    if also_member:
        status, body = server.call("PUT", f"/api/teams/{world.team['id']}/members/{user['id']}", {"role": "member"})
        assert status == 200, body
    user["password"] = PASSWORD
    return user


@SIZES
def test_a_coach_is_not_offered_logging_for_a_team_they_follow(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, coach(world, "follower"))
    wait_saved(page)
    expect(page.locator("[data-testid=coach-logs-nothing]")).to_contain_text(f"You follow {world.team['name']} as its coach")
    expect(page.locator("[data-testid^=log-]")).to_have_count(0)
    artifact(page, "home-coach")
    for path in ("/log/time_lost", "/tally"):
        page.goto(world.server.url + path)
        expect(page.locator("[data-testid=coach-logs-nothing]")).to_be_visible()
        expect(page.locator("button.pick, button.tally__button")).to_have_count(0)
    # The words lead to what a coach does there.
    page.click("[data-testid=coach-logs-nothing] a:text-is('box score')")
    expect(page.locator("main h1")).to_have_text("Box score")
    assert idb(page, "return db.count('outbox');") == 0


@SIZES
def test_a_coach_who_is_also_a_member_logs_for_that_team_and_the_server_keeps_it(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, coach(world, "member", also_member=True))
    log_entry(page, "time_lost", 15, "Waiting")
    sync_now(page)
    wait_saved(page)
    assert idb(page, "return db.count('rejected');") == 0
    [row] = entry_rows(page)
    assert (row["minutes"], row["category"]) == (15, "Waiting")


def open_extras(page) -> None:
    page.click("summary:has-text('Add a note')")


@SIZES
def test_a_date_too_far_ahead_is_refused_on_the_device_next_to_the_date(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, world.user("ahead"))
    wait_saved(page)
    too_far = (world.server.today() + timedelta(days=2)).isoformat()
    page.click("[data-testid=log-meeting]")
    open_extras(page)
    page.fill("#occurred_on", too_far)
    page.click("button.pick[data-minutes='30']")
    expect(page.locator("#occurred_on-error")).to_have_text("Date must not be more than one day in the future.")
    expect(page.locator("#occurred_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=flash]")).to_have_count(0)
    artifact(page, "log-future-date")
    assert idb(page, "return db.count('outbox');") == 0
    # Tomorrow is allowed (a phone's clock may run a little ahead), and the server agrees.
    page.fill("#occurred_on", (world.server.today() + timedelta(days=1)).isoformat())
    page.click("button.pick[data-minutes='30']")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved')")
    [row] = entry_rows(page)

    # The edit screen refuses the same date, and keeps the minutes typed with it on screen.
    page.goto(world.server.url + f"/entries/{row['id']}")
    page.fill("#minutes", "45")
    page.fill("#occurred_on", too_far)
    page.click("button:text-is('Save changes')")
    expect(page.locator("#occurred_on-error")).to_have_text("Date must not be more than one day in the future.")
    expect(page.locator("#minutes")).to_have_value("45")
    sync_now(page)
    wait_saved(page)
    [row] = entry_rows(page)
    assert (row["minutes"], row["pending"]) == (30, 0)


@SIZES
def test_a_long_note_is_counted_as_people_count_and_refused_rather_than_cut(page, world, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, world.user("writer"))
    page.click("[data-testid=log-time_lost]")
    open_extras(page)
    page.fill("#note", "👍🏽" * 500)  # 1,000 code points, 2,000 UTF-16 units: 500 characters
    expect(page.locator("#note-count")).to_have_text("500 of 500 characters")
    assert page.get_attribute("#note", "maxlength") is None
    assert "note-count" in page.get_attribute("#note", "aria-describedby")
    page.click("button.pick[data-minutes='15']")
    page.click("ul.reasons button:text-is('Waiting')")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved')")
    sync_now(page)
    wait_saved(page)
    [row] = entry_rows(page)
    assert row["note"] == "👍🏽" * 500 and row["pending"] == 0

    page.click("[data-testid=log-time_lost]")
    open_extras(page)
    page.fill("#note", "a" * 501)
    expect(page.locator("#note-count")).to_have_text("501 of 500 characters")
    page.click("button.pick[data-minutes='15']")
    page.click("ul.reasons button:text-is('Waiting')")
    expect(page.locator("#note-error")).to_have_text("Note must be 500 characters or fewer (it has 501).")
    assert page.input_value("#note") == "a" * 501  # nothing was cut
    artifact(page, "log-long-note")
    assert len(entry_rows(page)) == 1 and idb(page, "return db.count('outbox');") == 0


@SIZES
def test_refused_changes_are_never_called_saved_and_the_valid_part_of_an_edit_is_kept(page, world, size):
    """A phone whose clock runs two days fast passes its own date check; the server refuses."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, world.user("fast"))
    log_entry(page, "admin", 15)
    sync_now(page)
    wait_saved(page)
    [row] = entry_rows(page)
    page.clock.set_system_time(world.server.now() + timedelta(days=2))
    fast_today = (world.server.today() + timedelta(days=2)).isoformat()

    page.goto(world.server.url + f"/entries/{row['id']}")
    page.fill("#minutes", "30")
    page.fill("#occurred_on", fast_today)
    page.click("button:text-is('Save changes')")
    page.wait_for_selector("[data-testid=flash]:has-text('Changes saved')")
    page.goto(world.server.url + "/")
    log_entry(page, "meeting", 60)
    sync_now(page)
    status = page.locator("[data-testid=sync-status]")
    expect(status).to_have_text("2 changes need attention")
    expect(status.locator("a[href='/attention']")).to_have_count(1)
    expect(page.locator("[data-testid=status-bar]")).not_to_contain_text("saved")
    artifact(page, "status-refused")

    status.locator("a").click()
    cards = page.locator("[data-testid=rejected-list] > li")
    expect(cards).to_have_count(2)
    text = page.locator("main").inner_text()
    assert "occurred_on" not in text and "capacity_entries" not in text
    edit = cards.filter(has=page.locator("[data-testid=not-refused]"))
    expect(edit).to_contain_text("Date: Must not be more than one day in the future.")
    expect(edit.locator("[data-testid=not-refused]")).to_contain_text("Minutes 30 min")
    artifact(page, "attention-refused")
    edit.locator("button:text-is('Save the rest without the refused part')").click()
    page.wait_for_selector("[data-testid=flash]:has-text('Saved Minutes 30 min')")
    sync_now(page)
    expect(status).to_have_text("1 change needs attention")
    [kept] = [r for r in entry_rows(page) if r["id"] == row["id"]]
    assert (kept["minutes"], kept["occurred_on"], kept["pending"]) == (30, row["occurred_on"], 0)

    page.locator("[data-testid=rejected-list] button:text-is('Discard')").click()
    wait_saved(page)
