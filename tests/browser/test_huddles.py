"""Huddle mode (issue 11): a whole huddle run offline on a tablet then synced, two devices writing
into one step offline, the timer's gentle warning, the summary as plain text, and axe on huddle
mode and the summary at tablet and phone sizes."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.measure_data import BASELINE, api_push, measure, this_monday, weekly_values
from tests.browser.pwa_helpers import artifact, login, nav_to, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


def server_records(world, user: dict, collection: str) -> dict:
    device = world.server.login(user["email"], device_name="checker")
    out, cursor = {}, ""
    while True:
        status, body = world.server.call("GET", f"/api/sync/pull?cursor={cursor}&limit=1000", token=device["token"])
        assert status == 200, body
        out.update({c["record_id"]: c["record"] for c in body["changes"] if c["collection"] == collection and not c["deleted"]})
        cursor = body["cursor"]
        if not body["has_more"]:
            return out


def open_action(world, title: str, due_on: str) -> dict:
    return {"collection": "actions", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "title": title, "status": "open", "due_on": due_on}}


def device(new_context, size: dict):
    context = new_context()
    page = context.new_page()
    page.set_viewport_size(size)
    return context, page


def open_huddle_mode(page) -> None:
    nav_to(page, "Huddle")
    page.wait_for_selector("main h1:text-is('Huddle')")


def add_note(page, text: str) -> None:
    page.fill("#note-text", text)
    page.click("button:text-is('Add note')")
    expect(page.locator("[data-testid=notes] .huddle__text", has_text=text)).to_have_count(1)


def go_to_step(page, title: str) -> None:
    page.click(f"nav[aria-label=Agenda] a:has-text('{title}')")
    expect(page.locator("#step-title")).to_contain_text(title)


def test_a_whole_huddle_offline_on_a_tablet_then_synced(new_context, world):
    lead = world.user("lead", "lead")
    today = world.server.today()
    signal = measure(world, "Patients seen within 4 hours", "performance", direction="up")
    overdue = open_action(world, "Fix the broken hoist", (today - timedelta(days=3)).isoformat())
    later = open_action(world, "Book the away day", (today + timedelta(days=20)).isoformat())
    api_push(world, lead, [signal, *weekly_values(world, signal, BASELINE + [41, 60]), overdue, later])

    context, page = device(new_context, TABLET)
    login(page, world.server, lead)
    wait_for_sw(page)
    wait_saved(page)
    context.set_offline(True)

    open_huddle_mode(page)
    page.click("button:text-is('Start today’s huddle')")
    expect(page.locator("#step-title")).to_have_text("Step 1 of 7: The box score’s new signals")
    monday = this_monday(world)
    expect(page.locator("[data-testid=signals] li")).to_have_text(
        [f"Patients seen within 4 hours: Special cause: improving (high), week of {monday.day} {monday:%b}. Chart"])
    page.click("button:text-is('Add note')")
    expect(page.locator("#note-text-error")).to_have_text("Write the note first")
    add_note(page, "Four-hour performance jumped: the new triage nurse")
    artifact(page, "huddle-step-1")

    page.click("a:text-is('Next: Tests of change')")
    expect(page.locator("#step-title")).to_have_text("Step 2 of 7: Tests of change")
    page.click("a:text-is('Next: Celebrations')")
    # The step is drawn after the click: a note typed before then would go into the last step's box.
    expect(page.locator("#step-title")).to_have_text("Step 3 of 7: Celebrations")
    add_note(page, "Thanks to Priya for covering nights")

    go_to_step(page, "New ideas")
    page.fill("#idea-title", "Bleep-free hour after handover")
    page.click("button:text-is('Add idea')")
    expect(page.locator("[data-testid=huddle-ideas] li")).to_have_text(["Bleep-free hour after handover"])

    go_to_step(page, "Actions and next steps")
    rows = page.locator("[data-testid=open-actions] li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Overdue")
    expect(rows.first).to_contain_text("Fix the broken hoist")
    page.fill("#action-title", "Order a second hoist")
    page.select_option("#action-owner", lead["id"])
    page.fill("#action-due", (today + timedelta(days=7)).isoformat())
    page.click("button:text-is('Add action')")
    expect(page.locator("[data-testid=huddle-actions] li")).to_have_count(1)
    expect(page.locator("[data-testid=huddle-actions] li")).to_contain_text("Order a second hoist (owner: Lead Tester; due")
    page.click("button[aria-label='Mark “Fix the broken hoist” done']")
    expect(page.locator("[data-testid=review-message]")).to_contain_text("“Fix the broken hoist” marked done.")
    expect(page.locator("[data-testid=open-actions] li")).to_have_count(1)
    artifact(page, "huddle-actions")

    page.fill("#attendee-count", "600")
    page.click("button:text-is('Save who came')")
    expect(page.locator("#attendee-count-error")).to_have_text("Enter how many people came as a whole number from 0 to 500")
    expect(page.locator("#attendee-count")).to_be_focused()
    page.fill("#attendee-count", "9")
    page.check("#manager-present")
    page.select_option("#facilitator", lead["id"])
    page.click("button:text-is('Save who came')")
    expect(page.locator("[data-testid=flash]")).to_have_text("Saved who came.")

    # The timer counts on from when the huddle started, across a reload with no network.
    page.clock.pause_at(world.server.now() + timedelta(minutes=6))
    page.reload()
    expect(page.locator("#step-title")).to_contain_text("Actions and next steps")
    expect(page.locator(".huddle-timer__time")).to_have_text(re.compile(r"^6:\d\d$"))
    page.clock.resume()  # the app's syncing waits on timers
    expect(page.locator("[data-testid=notes] .huddle__text")).to_have_count(0)
    go_to_step(page, "Celebrations")
    expect(page.locator("[data-testid=notes] .huddle__text")).to_have_text(["Thanks to Priya for covering nights"])

    page.click("button:text-is('Finish the huddle')")
    expect(page.locator("main h1")).to_have_text(f"Huddle, {today:%A} {today.day} {today:%B %Y}")
    expect(page.locator("[data-testid=flash]")).to_have_text(re.compile(r"^Huddle finished after [67] minutes\. Here is its summary\.$"))
    artifact(page, "huddle-summary-offline")

    context.set_offline(False)
    sync_now(page)
    wait_saved(page)
    [huddle] = server_records(world, lead, "huddles").values()
    assert (huddle["held_on"], huddle["attendee_count"], huddle["manager_present"], huddle["finance_present"],
            huddle["facilitator_user_id"]) == (today.isoformat(), 9, True, False, lead["id"])
    assert huddle["duration_minutes"] == huddle_minutes(page)
    notes = sorted((n["step"], n["text"], n["huddle_id"]) for n in server_records(world, lead, "huddle_notes").values())
    assert notes == [("celebrations", "Thanks to Priya for covering nights", huddle["id"]),
                     ("data", "Four-hour performance jumped: the new triage nurse", huddle["id"])]
    [idea] = server_records(world, lead, "ideas").values()
    assert (idea["title"], idea["status"], idea["huddle_id"], idea["raised_on"]) == (
        "Bleep-free hour after handover", "new", huddle["id"], today.isoformat())
    actions = server_records(world, lead, "actions")
    assert actions[overdue["record_id"]]["status"] == "done"
    assert actions[later["record_id"]]["status"] == "open"
    [agreed] = [a for a in actions.values() if a.get("huddle_id") == huddle["id"]]
    assert (agreed["title"], agreed["owner_user_id"], agreed["due_on"], agreed["status"]) == (
        "Order a second hoist", lead["id"], (today + timedelta(days=7)).isoformat(), "open")


def huddle_minutes(page) -> int:
    """The duration the summary shows ("7 minutes")."""
    return int(page.locator("[data-testid=summary-facts] dd").nth(2).inner_text().split()[0])


def test_two_devices_write_into_one_step_offline_and_both_keep_their_words(new_context, world):
    lead, member = world.user("lead", "lead"), world.user("member")
    tablet, lead_page = device(new_context, TABLET)
    login(lead_page, world.server, lead)
    wait_for_sw(lead_page)
    open_huddle_mode(lead_page)
    lead_page.click("button:text-is('Start today’s huddle')")
    sync_now(lead_page)
    wait_saved(lead_page)

    phone, member_page = device(new_context, PHONE)
    login(member_page, world.server, member)
    wait_for_sw(member_page)
    wait_saved(member_page)
    open_huddle_mode(member_page)  # resumes the huddle the tablet started
    expect(member_page.locator("#step-title")).to_have_text("Step 1 of 7: The box score’s new signals")

    tablet.set_offline(True)
    phone.set_offline(True)
    go_to_step(lead_page, "Barriers and escalations")
    go_to_step(member_page, "Barriers and escalations")
    add_note(lead_page, "No porters after 8pm")
    add_note(member_page, "Pharmacy closes at 5 on Fridays")

    for context, page in ((tablet, lead_page), (phone, member_page)):
        context.set_offline(False)
        sync_now(page)
        wait_saved(page)
    sync_now(lead_page)  # the tablet synced before the phone had sent its note
    both = ["No porters after 8pm", "Pharmacy closes at 5 on Fridays"]
    for page in (lead_page, member_page):
        expect(page.locator("[data-testid=notes] .huddle__text")).to_have_text(both)
    # The lead may delete anyone's note; a member only their own.
    expect(lead_page.locator("[data-testid=notes] button:text-is('Delete')")).to_have_count(2)
    expect(member_page.locator("[data-testid=notes] button:text-is('Delete')")).to_have_count(1)
    artifact(member_page, "huddle-two-devices")
    [huddle] = server_records(world, lead, "huddles").values()
    notes = sorted((n["step"], n["text"], n["huddle_id"], n["user_id"]) for n in server_records(world, lead, "huddle_notes").values())
    assert notes == [("barriers", "No porters after 8pm", huddle["id"], lead["id"]),
                     ("barriers", "Pharmacy closes at 5 on Fridays", huddle["id"], member["id"])]


def test_the_timer_warns_gently_two_minutes_before_the_end(new_context, world):
    context, page = device(new_context, TABLET)
    login(page, world.server, world.user("timer", "lead"))
    open_huddle_mode(page)
    page.click("button:text-is('Start today’s huddle')")
    timer = page.locator("[data-testid=timer]")
    expect(timer.locator("[role=status]")).to_have_text("")
    page.clock.pause_at(world.server.now() + timedelta(minutes=12, seconds=59))
    expect(timer.locator(".huddle-timer__time")).to_have_text("12:59")
    expect(timer.locator("[role=status]")).to_have_text("")
    page.clock.run_for(2000)
    expect(timer.locator(".huddle-timer__time")).to_have_text("13:01")
    expect(timer.locator("[role=status]")).to_have_text("2 minutes left: a good time to agree actions and wrap up.")
    expect(timer).to_have_attribute("data-phase", "warning")
    artifact(page, "huddle-timer-warning")
    page.clock.run_for(120_000)
    expect(timer.locator("[role=status]")).to_have_text("15 minutes are up. Finish when you are ready.")


def run_a_short_huddle(page, world, user) -> None:
    open_huddle_mode(page)
    page.click("button:text-is('Start today’s huddle')")
    add_note(page, "Falls down to 2 this week")
    go_to_step(page, "Celebrations")
    add_note(page, "Welcome back, Sam\nand thanks to night staff")
    go_to_step(page, "New ideas")
    page.fill("#idea-title", "Bleep-free hour")
    page.click("button:text-is('Add idea')")
    expect(page.locator("[data-testid=huddle-ideas] li")).to_have_count(1)
    go_to_step(page, "Actions and next steps")
    page.fill("#action-title", "Order a second hoist")
    page.click("button:text-is('Add action')")
    expect(page.locator("[data-testid=huddle-actions] li")).to_have_count(1)
    page.fill("#attendee-count", "7")
    page.check("#finance-present")
    page.select_option("#facilitator", user["id"])


@pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])
def test_huddle_mode_and_the_summary_have_no_axe_violations_and_the_summary_copies_as_text(new_context, world, size):
    user = world.user("axe", "lead")
    context, page = device(new_context, size)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=world.server.url)
    login(page, world.server, user)
    open_huddle_mode(page)
    check(page, "huddle mode: start")
    run_a_short_huddle(page, world, user)
    page.click("button:text-is('Save who came')")
    expect(page.locator("[data-testid=flash]")).to_have_text("Saved who came.")
    page.fill("#note-text", "x" * 2001)
    page.click("button:text-is('Add note')")
    expect(page.locator("#note-text-error")).to_have_text("Use 2,000 characters or fewer (this is 2,001)")
    check(page, "huddle mode: actions step, with an error")
    artifact(page, "huddle-mode")
    page.fill("#note-text", "")
    go_to_step(page, "The box score’s new signals")
    expect(page.locator("[data-testid=signals]")).to_contain_text("No new signals")
    check(page, "huddle mode: the box score's new signals")
    page.clock.pause_at(world.server.now() + timedelta(minutes=11, seconds=50))
    page.click("button:text-is('Finish the huddle')")
    expect(page.locator("[data-testid=summary-facts] dd")).to_have_text(
        ["7 people (no manager, a finance colleague)", "Axe Tester", "12 minutes"])
    page.clock.resume()
    check(page, "huddle summary")
    artifact(page, "huddle-summary")

    today = world.server.today()
    team = world.team["name"]
    expected = f"""Huddle of {team}, {today:%A} {today.day} {today:%B %Y}

Who came: 7 people (no manager, a finance colleague)
Facilitated by: Axe Tester
How long it took: 12 minutes

The box score’s new signals
- Falls down to 2 this week

Tests of change
- No notes

Celebrations
- Welcome back, Sam / and thanks to night staff

New ideas
- No notes

Actions and next steps
- No notes

Barriers and escalations
- No notes

Questions
- No notes

Ideas raised
- Bleep-free hour

Actions agreed
- Order a second hoist (no owner yet; no due date)
"""
    page.click("button:text-is('Copy as text')")
    expect(page.locator("[data-testid=copy-status]")).to_have_text("Copied. Paste it into an email.")
    assert page.evaluate("() => navigator.clipboard.readText()") == expected
    page.click("summary:text-is('Show the summary as plain text')")
    expect(page.locator("#summary-text")).to_have_value(expected)
    check(page, "huddle summary with its plain text open")

    page.click("a:text-is('Past huddles')")
    expect(page.locator("[data-testid=past-huddles] li")).to_have_count(1)
    check(page, "past huddles")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
