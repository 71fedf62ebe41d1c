"""Ideas, PDSA cycles and actions in Chromium (issue 11): the kanban on two offline devices, moving a
card by keyboard alone and by dragging, the PICK chart, a PDSA cycle, overdue actions, and axe-core
on each screen, at tablet and phone sizes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.measure_data import api_push
from tests.browser.pwa_helpers import artifact, idb, login, nav_to, open_settled, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser

TABLET, PHONE = (1024, 768), (390, 844)
SIZES = pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])


def idea(world, title: str, status: str = "new", **fields) -> dict:
    return {"collection": "ideas", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "title": title, "status": status,
                       "raised_on": world.server.today().isoformat(), **fields}}


def action(world, title: str, due_in_days: int | None, status: str = "open", **fields) -> dict:
    due = None if due_in_days is None else (world.server.today() + timedelta(days=due_in_days)).isoformat()
    return {"collection": "actions", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "title": title, "due_on": due, "status": status, **fields}}


def team_records(world, user: dict, collection: str) -> list[dict]:
    """The team's records of `collection` as the server has them (pulled as a member: their team only)."""
    token = world.server.login(user["email"], device_name="check")["token"]
    status, body = world.server.call("GET", "/api/sync/pull?limit=500", token=token)
    assert status == 200 and not body["has_more"], body
    return [c["record"] for c in body["changes"] if c["collection"] == collection]


def open_page(new_context, world, user, size, device_name=None):
    context = new_context()
    page = context.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, world.server, user, device_name=device_name)
    wait_for_sw(page)
    sync_now(page)  # a whole sync after the records the test pushed first
    wait_saved(page)
    return context, page


def column_of(page, title: str):
    return page.locator(f"[data-column]:has(.idea-card:has-text('{title}'))")


def card(page, title: str):
    return page.locator(".idea-card", has_text=title)


def test_one_idea_moved_on_two_offline_devices_converges_and_the_card_shows_the_overwritten_move(world, new_context):
    lead, member = world.user("lead", "lead"), world.user("member")
    tablet, lead_page = open_page(new_context, world, lead, TABLET, "Ward tablet")
    phone, member_page = open_page(new_context, world, member, PHONE, "Phone")
    try:
        nav_to(lead_page, "Ideas")
        expect(lead_page.locator("details.add-idea")).to_have_attribute("open", "")  # open on an empty board
        lead_page.fill("#title", "Hoist parked by bay 4")
        lead_page.fill("#description", "So nobody walks the ward looking for it.")
        lead_page.click("button:text-is('Add idea')")
        expect(lead_page.locator("[data-testid=flash]")).to_have_text("Added “Hoist parked by bay 4” to New.")
        expect(column_of(lead_page, "Hoist parked by bay 4")).to_have_attribute("data-column", "new")
        sync_now(lead_page)
        wait_saved(lead_page)

        sync_now(member_page)
        open_settled(member_page, world.server.url + f"/teams/{world.team['id']}/ideas")
        expect(column_of(member_page, "Hoist parked by bay 4")).to_have_attribute("data-column", "new")

        tablet.set_offline(True)
        phone.set_offline(True)
        for page, column in ((lead_page, "Testing"), (member_page, "Adopted")):
            if page is member_page:
                phone.clock.fast_forward("00:10")  # the phone moves it ten seconds later: its move wins
            item = card(page, "Hoist parked by bay 4")
            item.locator("summary").click()
            item.locator(f"button:text-is('{column}')").click()
            expect(column_of(page, "Hoist parked by bay 4")).to_have_attribute("data-column", column.lower())
            expect(page.locator("[data-testid=move-announcement]")).to_have_text(f"“Hoist parked by bay 4” moved to {column}.")
            expect(card(page, "Hoist parked by bay 4").locator(".tag--waiting")).to_have_text("Waiting to sync")

        for context, page in ((tablet, lead_page), (phone, member_page), (tablet, lead_page)):
            context.set_offline(False)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
            sync_now(page)
            wait_saved(page)

        for page in (lead_page, member_page):
            page.reload()
            expect(column_of(page, "Hoist parked by bay 4")).to_have_attribute("data-column", "adopted")
        # The tablet's move lost: its card says so, in words.
        overwritten = card(lead_page, "Hoist parked by bay 4").locator(".moves__overwritten")
        expect(overwritten).to_contain_text(
            "Overwritten: Moved to Testing on this device, overwritten by another device’s move to Adopted")
        expect(card(member_page, "Hoist parked by bay 4").locator(".moves li").first).to_contain_text("Moved to Adopted on this device")
        expect(card(member_page, "Hoist parked by bay 4").locator(".moves__overwritten")).to_have_count(0)
        # The idea page shows the same history.
        card(lead_page, "Hoist parked by bay 4").locator("a").click()
        expect(lead_page.locator("[data-testid=idea-status]")).to_have_text("Adopted")
        expect(lead_page.locator(".section .moves__overwritten")).to_contain_text("Moved to Testing on this device")
        lead_page.go_back()
        expect(column_of(lead_page, "Hoist parked by bay 4")).to_have_attribute("data-column", "adopted")
        artifact(lead_page, "ideas-overwritten-move")
        artifact(member_page, "ideas-after-sync")
    finally:
        tablet.close()
        phone.close()


@SIZES
def test_a_card_moves_with_the_keyboard_alone(world, new_context, size):
    member = world.user("member")
    api_push(world, member, [idea(world, "Stock list on the store door"), idea(world, "Protected time for rota planning")])
    context, page = open_page(new_context, world, member, size)
    try:
        context.set_offline(True)  # no sync lands mid-way to rebuild the screen (the service worker serves it)
        page.goto(world.server.url + f"/teams/{world.team['id']}/ideas")
        expect(page.locator(".idea-card")).to_have_count(2)
        for _ in range(60):  # Tab from the top of the page to the card, as a keyboard user would
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement?.textContent?.includes('Stock list') && document.activeElement.matches('.idea-card')"):
                break
        target = card(page, "Stock list on the store door")
        expect(target).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(column_of(page, "Stock list")).to_have_attribute("data-column", "testing")
        expect(target).to_be_focused()
        expect(page.locator("[data-testid=move-announcement]")).to_have_text("“Stock list on the store door” moved to Testing.")
        page.keyboard.press("ArrowLeft")
        expect(column_of(page, "Stock list")).to_have_attribute("data-column", "prioritised")
        # The card's own "Move to…" control, by keyboard: Tab to it, open it, Tab to a column, Enter.
        page.keyboard.press("Tab")  # the idea's link
        page.keyboard.press("Tab")  # Move to…
        expect(target.locator("summary")).to_be_focused()
        page.keyboard.press("Enter")
        expect(target.locator(".move-menu button")).to_have_text(["New", "Testing", "Adopted", "Abandoned", "Parked"])
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text("Adopted")
        page.keyboard.press("Enter")
        expect(column_of(page, "Stock list")).to_have_attribute("data-column", "adopted")
        expect(target).to_be_focused()
        expect(column_of(page, "Protected time")).to_have_attribute("data-column", "new")
        stored = idb(page, "return (await db.getAll('records')).filter((r) => r.collection === 'ideas').map((r) => [r.data.title, r.data.status]).sort();")
        assert stored == [["Protected time for rota planning", "new"], ["Stock list on the store door", "adopted"]]
        check(page, f"ideas kanban {size[0]}")
        artifact(page, "ideas-kanban-keyboard")
    finally:
        context.close()


def test_drag_and_drop_moves_a_card(world, new_context):
    member = world.user("member")
    api_push(world, member, [idea(world, "A visual cue for patients going home")])
    context, page = open_page(new_context, world, member, TABLET)
    try:
        context.set_offline(True)  # no sync lands mid-drag to rebuild the screen (the service worker serves it)
        page.goto(world.server.url + f"/teams/{world.team['id']}/ideas")
        expect(column_of(page, "A visual cue")).to_have_attribute("data-column", "new")
        grip, column = card(page, "A visual cue").locator(".idea-card__grip"), page.locator("[data-column=testing]")
        grip.wait_for(state="visible")
        source, target = grip.bounding_box(), column.bounding_box()
        page.mouse.move(source["x"] + source["width"] / 2, source["y"] + source["height"] / 2)
        page.mouse.down()
        page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 60, steps=12)
        expect(page.locator("[data-column=testing]")).to_have_class("column column--over")
        page.mouse.up()
        expect(column_of(page, "A visual cue")).to_have_attribute("data-column", "testing")
        expect(page.locator(".column--over")).to_have_count(0)
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        sync_now(page)
        wait_saved(page)
        assert [r["status"] for r in team_records(world, member, "ideas")] == ["testing"]
    finally:
        context.close()


@SIZES
def test_the_pick_chart_places_an_idea_with_buttons(world, new_context, size):
    member = world.user("member")
    api_push(world, member, [idea(world, "Text reminders the day before"), idea(world, "Old idea", "adopted")])
    context, page = open_page(new_context, world, member, size)
    try:
        open_settled(page, world.server.url + f"/teams/{world.team['id']}/ideas")
        page.click("nav[aria-label='Ideas views'] >> text=PICK chart")
        expect(page.locator("#unplaced .pick-item a")).to_have_text(["Text reminders the day before"])
        page.click("summary:has-text('Place')")
        page.click(".pick-item button:text-is('Implement')")
        expect(page.locator("[data-testid=flash]")).to_have_text("“Text reminders the day before” placed in Implement.")
        expect(page.locator("[data-quadrant=implement] .pick-item a")).to_have_text(["Text reminders the day before"])
        expect(page.locator("text=Old idea")).to_have_count(0)  # adopted ideas are left off
        check(page, f"PICK chart {size[0]}")
        artifact(page, "pick-chart")
        page.click("nav[aria-label='Ideas views'] >> text=Kanban board")
        expect(card(page, "Text reminders").locator(".tag--muted")).to_have_text("PICK: Implement")
    finally:
        context.close()


@SIZES
def test_a_pdsa_cycle_is_added_and_shown(world, new_context, size):
    member = world.user("member")
    hoist = idea(world, "Hoist parked by bay 4", "testing")
    api_push(world, member, [hoist])
    context, page = open_page(new_context, world, member, size)
    try:
        context.set_offline(True)
        page.goto(world.server.url + f"/teams/{world.team['id']}/ideas/{hoist['record_id']}")
        expect(page.locator("h1")).to_have_text("Hoist parked by bay 4")
        expect(page.locator("[data-testid=cycle]")).to_have_count(0)
        page.click("[data-testid=add-cycle]")
        page.fill("#started_on", (world.server.today() + timedelta(days=2)).isoformat())
        page.click("button:text-is('Add cycle')")
        expect(page.locator(".error-summary li")).to_have_text([
            "The day the cycle started cannot be more than a day from now",
            "Say what you will change and what you predict"])
        expect(page.locator(".error-summary")).to_be_focused()
        check(page, f"PDSA cycle form with errors {size[0]}")
        page.fill("#started_on", world.server.today().isoformat())
        page.fill("#plan", "Park the hoist by bay 4 for a week; we predict 15 minutes saved a shift.")
        page.fill("#do", "Parked there all week; two shifts forgot.")
        page.fill("#study", "About 12 minutes saved a shift.")
        page.check("#act-adapt")
        page.click("button:text-is('Add cycle')")
        expect(page.locator("[data-testid=flash]")).to_have_text("PDSA cycle added.")
        cycle = page.locator("[data-testid=cycle]")
        expect(cycle.locator("dd")).to_have_text([
            "Park the hoist by bay 4 for a week; we predict 15 minutes saved a shift.",
            "Parked there all week; two shifts forgot.", "About 12 minutes saved a shift.", "Adapt"])
        expect(cycle.locator(".tag--waiting")).to_have_text("Waiting to sync")
        check(page, f"idea and its PDSA cycles {size[0]}")
        artifact(page, "idea-pdsa")
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        sync_now(page)
        wait_saved(page)
        cycles = team_records(world, member, "pdsa_cycles")
        assert [(c["idea_id"], c["act"], c["started_on"]) for c in cycles] == [(hoist["record_id"], "adapt", world.server.today().isoformat())]
    finally:
        context.close()


@SIZES
def test_overdue_actions_stand_out_wherever_they_appear(world, new_context, size):
    member = world.user("member")
    hoist = idea(world, "Hoist parked by bay 4", "testing")
    api_push(world, member, [
        hoist,
        action(world, "Book estates to move the shelving", -3, idea_id=hoist["record_id"]),
        action(world, "Ask finance for agency spend", 4, owner_user_id=member["id"]),
        action(world, "Order a second set of slings", -10, "done"),
    ])
    context, page = open_page(new_context, world, member, size)
    try:
        nav_to(page, "Actions")
        items = page.locator("[data-testid=action]")
        expect(items.locator(".action__title")).to_have_text([
            "Book estates to move the shelving", "Ask finance for agency spend", "Order a second set of slings"])
        expect(items.nth(0)).to_have_class("action action--overdue")
        expect(items.nth(0).locator(".tag--overdue")).to_have_text("Overdue since " + page.evaluate(
            "(d) => new Date(d + 'T12:00:00Z').toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })",
            (world.server.today() - timedelta(days=3)).isoformat()))
        expect(items.locator(".tag--overdue")).to_have_count(1)  # the done one is not overdue any more
        expect(page.locator("[data-testid=overdue-note]")).to_have_text("1 action is overdue.")
        expect(items.nth(1).locator(".action__meta")).to_contain_text("Owner: Member Tester")
        check(page, f"actions {size[0]}")
        artifact(page, "actions")

        # Adding one: the server's rules, on the device.
        page.click("summary:text-is('Add an action')")
        page.click("button:text-is('Add action')")
        expect(page.locator("#title-error")).to_have_text("Say what needs doing")
        page.fill("#title", "Ring estates again")
        page.fill("#due_on", (world.server.today() - timedelta(days=1)).isoformat())
        page.click("button:text-is('Add action')")
        expect(page.locator("[data-testid=flash]")).to_have_text("Added the action “Ring estates again”.")
        expect(page.locator("[data-testid=overdue-note]")).to_have_text("2 actions are overdue.")

        open_settled(page, world.server.url + f"/teams/{world.team['id']}/ideas")
        expect(card(page, "Hoist parked").locator(".tag--overdue")).to_have_text("1 overdue action")
        card(page, "Hoist parked").locator("a").click()
        linked = page.locator("[data-testid=action]")
        expect(linked.locator(".action__title")).to_have_text(["Book estates to move the shelving"])
        expect(linked.locator(".tag--overdue")).to_contain_text("Overdue since")
    finally:
        context.close()
