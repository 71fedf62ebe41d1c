"""The coach's caseload and a team's fidelity and protected time (issue 14), in Chromium at phone and
desktop sizes: the teams needing help first with their reasons and week strips, a coaching conversation
recorded and shown as the last note, the caseload kept for reading offline; a lead's Value Management
time logged as admin and shown beside the team's fidelity; axe-core finds nothing on either page."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pwa_helpers import artifact, login, nav_to, no_axe_findings, printed_page_boxes, wait_for_sw, wait_saved
from tests.browser.test_notifications import make_coach

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def second_team(world) -> dict:
    status, team = world.server.call("POST", "/api/teams", {"board_id": world.board_id, "name": f"Ward {uuid.uuid4().hex[:4].upper()}"})
    assert status == 201, team
    return team



@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_coach_reads_the_caseload_records_a_conversation_and_reads_it_offline(page, context, world, size):
    page.set_viewport_size(SIZES[size])
    other = second_team(world)
    coach = make_coach(world, [world.team, other])
    login(page, world.server, coach)
    wait_for_sw(page)
    nav_to(page, "Caseload")
    expect(page.locator("h1")).to_have_text("Your caseload")
    cards = page.locator(".caseload__team")
    expect(cards).to_have_count(2)
    expect(page.locator("[data-testid=caseload-summary]")).to_have_text("2 teams you follow; 2 teams need help, listed first.")
    card = page.locator(f"[data-team='{world.team['id']}']")
    expect(card.locator("[data-reason]")).to_have_text([
        "No huddle recorded yet",
        "Fidelity slipping: box score updated in 0 of the last 4 weeks; board updated in 0 of the last 4 weeks; "
        "huddle held in 0 of the last 4 weeks",
        "No coaching conversation recorded yet"])
    # The strips say in words what their squares show.
    expect(card.locator("tr[data-element=huddle] [role=img]")).to_have_attribute(
        "aria-label", "Huddle: kept in 0 of the last 12 weeks")
    no_axe_findings(page, "caseload")

    card.locator("summary:text-is('Record a conversation')").click()
    card.get_by_label("What was discussed").fill("Chose the first three measures; agreed a huddle day.")
    card.get_by_label("Next steps agreed (optional)").fill("Start huddles on Tuesdays at 10:00.")
    card.get_by_label("Date of the next conversation (optional)").fill("2026-11-05")
    card.locator("button:text-is('Save conversation')").click()
    expect(page.locator("[data-testid=flash]")).to_contain_text(f"Conversation with {world.team['name']} saved.")
    card = page.locator(f"[data-team='{world.team['id']}']")
    expect(card.locator("[data-testid=last-note]")).to_contain_text("Chose the first three measures; agreed a huddle day.")
    expect(card.locator("[data-testid=last-note]")).to_contain_text("Next steps: Start huddles on Tuesdays at 10:00.")
    expect(card.locator("[data-reason=no_conversation]")).to_have_count(0)
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    artifact(page, "caseload")
    no_axe_findings(page, "caseload with a note")

    # Printed (a coach takes it to a meeting): A4 pages without the app's header, every team on them.
    assert len(printed_page_boxes(page, format="A4")) >= 1
    page.emulate_media(media="print")
    expect(page.locator("header.header")).to_be_hidden()
    expect(page.locator(".caseload__team")).to_have_count(2)
    page.emulate_media(media="screen")

    # Offline, the caseload shows as it was last read, and says so.
    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-testid=kept-notice]")).to_contain_text("You are offline. This is your caseload as it was at")
    expect(page.locator(f"[data-team='{world.team['id']}'] [data-testid=last-note]")).to_contain_text("Chose the first three measures")
    context.set_offline(False)

    # A tap opens the team's board.
    page.locator(f"[data-team='{world.team['id']}'] a:has-text('board')").click()
    expect(page.locator("[data-testid=board] h1")).to_be_visible()


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_lead_logs_value_management_time_and_sees_it_beside_fidelity(page, world, size):
    page.set_viewport_size(SIZES[size])
    lead = world.user("lead", "lead")
    login(page, world.server, lead)
    page.goto(world.server.url + "/log/admin")
    page.check("#value-management")
    page.click("button[data-minutes='30']")
    expect(page.locator("[data-testid=flash]")).to_contain_text("Saved: 30 min admin for Value Management today.")
    wait_saved(page)
    page.click("a:text-is('Fidelity and the time Value Management takes')")
    expect(page.locator("[data-testid=protected-time]")).to_have_text(
        "Value Management took 30 min in these 12 weeks (3 min a week): 0 min of huddles and 30 min on the box score and board.")
    expect(page.locator("[data-testid=fidelity-status]")).to_contain_text("box score updated in 1 week, board in 0 weeks, huddle held in 0 weeks.")
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    artifact(page, "team-fidelity")
    no_axe_findings(page, "team fidelity")
