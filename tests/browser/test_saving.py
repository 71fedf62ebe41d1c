"""What the app says it saved, the server keeps (issue 10): a coach is not offered logging for a team
they only follow, a date too far ahead or an over-long note is refused on the device, and the status
bar says one true thing when the server refused changes. At phone and tablet sizes."""

from __future__ import annotations

import uuid

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
