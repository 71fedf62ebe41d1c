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
from tests.browser.pwa_helpers import artifact, login, sync_now, wait_for_sw, wait_saved
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
    page.click("nav >> text=Huddle")
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
