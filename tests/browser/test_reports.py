"""Board and national views and the bi-monthly board report (issue 14), in Chromium at phone and
desktop sizes: a lead marks a huddle note "Share in the board report"; a board lead opens Boards,
chooses a period, drills into their board and opens the report, which shows the note as a highlight,
prints on A4 portrait pages without the app's header, and has no axe-core findings."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.measure_data import api_push
from tests.browser.pwa_helpers import artifact, login, nav_to, no_axe_findings, printed_page_boxes, wait_record_saved, wait_saved

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}



def make_board_lead(world) -> dict:
    email = f"board-lead-{uuid.uuid4().hex[:8]}@browser.test"
    status, user = world.server.call("POST", "/api/users", {"email": email, "name": "Board Lead Tester", "password": PASSWORD,
                                                             "role": "board_lead"})
    assert status == 201, user
    status, body = world.server.call("PUT", f"/api/boards/{world.board_id}/leads/{user['id']}")
    assert status == 200, body
    return {**user, "password": PASSWORD}


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_shared_huddle_note_appears_in_the_board_report_a_board_lead_prints(new_context, world, size):
    lead = world.user("lead", "lead")
    today = world.server.today()
    huddle_id = str(uuid.uuid4())
    shared_text = f"Falls halved on the ward {uuid.uuid4().hex[:4]}"
    shared_note_id = str(uuid.uuid4())
    api_push(world, lead, [
        {"collection": "huddles", "record_id": huddle_id, "fields": {
            "team_id": world.team["id"], "held_on": today.isoformat(), "attendee_count": 6, "manager_present": True,
            "finance_present": False, "duration_minutes": 15}},
        {"collection": "huddle_notes", "record_id": shared_note_id, "fields": {
            "team_id": world.team["id"], "huddle_id": huddle_id, "step": "celebrations", "text": shared_text}},
        {"collection": "huddle_notes", "record_id": str(uuid.uuid4()), "fields": {
            "team_id": world.team["id"], "huddle_id": huddle_id, "step": "barriers", "text": "The printer is broken"}},
    ])

    # The lead marks one note on the huddle's summary.
    context = new_context()
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    login(page, world.server, lead)
    wait_saved(page)
    page.goto(f"{world.server.url}/teams/{world.team['id']}/huddles/{huddle_id}")
    note = page.locator("li.summary__note", has_text=shared_text)
    note.get_by_label(re.compile("^Share in the board report")).check()
    wait_record_saved(page, "huddle_notes", shared_note_id, {"share_in_report": True})
    no_axe_findings(page, "huddle summary with the share toggles")
    context.close()

    # A board lead reads the nation (their board), chooses a period with today in it, drills down.
    board_lead = make_board_lead(world)
    context = new_context()
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    login(page, world.server, board_lead)
    nav_to(page, "Boards")
    expect(page.locator("h1")).to_have_text("Boards: teams doing all three")
    page.fill("#period-from", (today - timedelta(days=27)).isoformat())
    page.fill("#period-to", today.isoformat())
    page.click("button:text-is('Show this period')")
    row = page.locator(f"tr[data-board='{world.board_id}']")
    expect(row).to_be_visible()
    expect(page.locator("[data-testid=trend] svg[role=img]")).to_have_attribute("aria-label", re.compile("^Teams each month"))
    no_axe_findings(page, "boards")
    artifact(page, f"boards-{size}")
    row.locator("a").click()
    team_row = page.locator(f"[data-testid=board-overview] tr[data-team='{world.team['id']}']")
    expect(team_row).to_contain_text("Some")
    expect(team_row.locator("a")).to_have_attribute("href", f"/teams/{world.team['id']}/fidelity")
    no_axe_findings(page, "board overview")

    page.click("[data-testid=open-report]")
    report = page.locator("[data-testid=board-report]")
    expect(report.locator("h1")).to_contain_text("bi-monthly report")
    expect(page.locator("[data-testid=highlights]")).to_contain_text(shared_text)
    expect(page.locator("[data-testid=highlights]")).not_to_contain_text("The printer is broken")
    expect(page.locator("[data-testid=download-csv]")).to_be_enabled()
    no_axe_findings(page, "board report")
    artifact(page, f"board-report-{size}")

    # Printed: A4 portrait pages, a page for each section, and no header or controls.
    boxes = printed_page_boxes(page, format="A4")
    assert len(boxes) > 1
    assert set(boxes) == {(0, 0, 595, 842)}, boxes  # A4 portrait, 595.28 × 841.89 points
    page.emulate_media(media="print")
    expect(page.locator("header.header")).to_be_hidden()
    expect(page.locator("[data-testid=download-csv]")).to_be_hidden()
    expect(page.locator("[data-testid=highlights]")).to_contain_text(shared_text)
    artifact(page, f"board-report-print-{size}")
    context.close()
