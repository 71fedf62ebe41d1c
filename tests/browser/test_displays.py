"""A ward TV as the team's board display (issue 12): a lead turns the TV in front of them into it
(signed out there, the kiosk board opens), and signs it out from another device; on its next sync
the TV shows the sign-in screen and holds none of the team's data. Chromium at a TV's 1920×1080 and
the lead's tablet at 1024×768."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pwa_helpers import artifact, idb, login, wait_for_sw, wait_saved
from tests.browser.test_a11y import check
from tests.browser.test_board import TABLET, TV, new_page, open_board, seed_board

pytestmark = pytest.mark.browser

USE_IT = "button:text-is('Use this screen as the board display')"
CONTROLS = "a:visible, button:visible, input:visible, select:visible, textarea:visible"
SESSION_TOKEN = "return (await db.get('meta', 'session'))?.token ?? null;"


def open_displays(page, world) -> None:
    page.goto(f"{world.server.url}/teams/{world.team['id']}/displays")
    page.wait_for_selector("main h1:text-is('Board displays')")


def test_a_lead_turns_a_tv_into_the_board_display_and_signs_it_out_from_the_tablet(world, new_context):
    lead = world.user("lead", "lead")
    seed_board(world, lead)
    tv = new_page(new_context, TV)
    login(tv, world.server, lead, device_name="Lead on the ward TV")
    wait_saved(tv)
    wait_for_sw(tv)
    lead_token = idb(tv, SESSION_TOKEN)
    open_board(tv, world)
    tv.click("text=Sign a ward TV in as the board display, or sign one out")
    tv.wait_for_selector("main h1:text-is('Board displays')")
    expect(tv.locator("[data-testid=displays]")).to_have_text("No screen is signed in as the board display.")
    expect(tv.locator("#display-name")).to_have_value("Ward TV")
    tv.fill("#display-name", "Bay 3 TV")

    # A change this device has not sent yet would be lost with the lead's session: not until it is sent.
    tv.context.set_offline(True)
    open_board(tv, world)
    tv.fill("#idea-title", "Stock the sluice room at night")
    tv.click("button:text-is('Add idea')")
    expect(tv.locator("[data-testid=flash]")).to_have_text("Idea added under New. It syncs to the team’s board.")
    open_displays(tv, world)
    expect(tv.locator("[data-testid=displays-unread]")).to_have_text(
        "You are offline. The board displays are listed by the server: connect to the internet to see them or sign one out.")
    tv.fill("#display-name", "Bay 3 TV")
    tv.click(USE_IT)
    expect(tv.locator("[data-testid=display-problem]")).to_have_text(
        "1 change made on this device has not been sent to the server yet. Wait until every change is saved to the "
        "server, then try again: signing you out here would lose it.")
    tv.context.set_offline(False)
    wait_saved(tv)
    tv.context.set_offline(True)
    tv.click(USE_IT)
    expect(tv.locator("[data-testid=display-problem]")).to_have_text(
        "You are offline. Signing this screen in as the board display needs a connection.")
    tv.context.set_offline(False)

    tv.click(USE_IT)
    tv.wait_for_url(f"**/teams/{world.team['id']}/board?kiosk=1")
    tv.wait_for_selector("[data-testid=board] h1")
    expect(tv.locator("[data-status=new] li").first).to_have_text("Stock the sluice room at night")  # pulled as the display
    expect(tv.locator("[data-status=testing] li")).to_have_text(["Hoist on every bay"])
    expect(tv.locator("header.header")).to_be_hidden()
    assert tv.locator(CONTROLS).count() == 0
    artifact(tv, "display-kiosk")
    display_token = idb(tv, SESSION_TOKEN)
    status, me = world.server.call("GET", "/api/me", token=display_token)
    assert status == 200, me
    assert (me["role"], me["display_of"]["id"], me["display_of"]["role"]) == ("display", world.team["id"], "display")
    # The lead is signed out on the TV: their token no longer works, and the TV keeps nothing of theirs.
    assert world.server.call("GET", "/api/me", token=lead_token)[0] == 401
    assert idb(tv, "return (await db.get('meta', 'me')).role;") == "display"
    # Home is the kiosk board; the sign-out screen explains who signs the TV out.
    tv.goto(world.server.url + "/")
    tv.wait_for_url(f"**/teams/{world.team['id']}/board?kiosk=1")
    tv.goto(world.server.url + "/sign-out")
    expect(tv.locator("main")).to_contain_text("The team’s lead signs it out from their own device, on the Board displays screen")
    expect(tv.locator("main button")).to_have_count(0)
    expect(tv.locator("#main-nav a")).to_have_text(["Home"])
    open_board(tv, world, kiosk=True)

    # From the lead's tablet: the TV is listed, and signing it out asks first.
    tablet = new_page(new_context, TABLET)
    login(tablet, world.server, lead, device_name="Lead's tablet")
    open_displays(tablet, world)
    cards = tablet.locator("[data-testid=displays] > li")
    expect(cards.locator("h3")).to_have_text(["Bay 3 TV"])
    expect(cards.locator(".device__seen")).to_contain_text("Last seen")
    artifact(tablet, "displays")
    check(tablet, "board displays")
    tablet.get_by_role("button", name="Sign out Bay 3 TV").click()
    tablet.get_by_role("button", name="Yes, sign out Bay 3 TV").click()
    expect(tablet.locator("[data-testid=flash]")).to_have_text(
        "Bay 3 TV is signed out. The next time it connects it shows the sign-in screen and deletes its copy of the board.")
    expect(tablet.locator("[data-testid=displays]")).to_have_text("No screen is signed in as the board display.")
    assert world.server.call("GET", "/api/me", token=display_token)[0] == 401

    # The TV's next sync (its timer) finds itself signed out: the sign-in screen says why, and nothing is left.
    tv.clock.fast_forward("01:01")
    tv.wait_for_selector("h1:text-is('Sign in to Valueboard')")
    expect(tv.locator("main .inset").first).to_have_text(
        f"This screen was signed out as {world.team['name']}’s board display, so it no longer holds the team’s data. "
        "To show the board here again, a lead signs in and chooses “Use this screen as the board display”.")
    expect(tv.locator("header.header")).to_be_visible()
    artifact(tv, "display-signed-out")
    state = idb(tv, "return { session: await db.get('meta', 'session'), me: await db.get('meta', 'me'), "
                    "records: await db.count('records'), outbox: await db.count('outbox') };")
    assert state == {"session": None, "me": None, "records": 0, "outbox": 0}
