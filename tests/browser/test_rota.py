"""The weekly rota (issue 14) in Chromium: a lead sets it up at tablet size (people chosen per task
from the team's members, put in order, the reminder day and time) and sees who is on this week and
the next four; a staff member on the rota sees "This week" on their home screen at phone size, not
done and then done once their box score entry is saved; axe-core finds nothing on either screen.

The server's clock starts on Thursday 22 October 2026 (the week of Monday 19 October)."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import FLASK, ROOT
from tests.browser.pwa_helpers import artifact, log_entry, login, no_axe_findings, wait_saved

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}



def test_a_lead_sets_the_rota_at_tablet_size(page, world):
    page.set_viewport_size(TABLET)
    lead, ann = world.user("lead", "lead"), world.user("ann")
    login(page, world.server, lead)
    page.click("[data-testid=rota-link]")
    expect(page.locator("h1")).to_have_text(f"{world.team['name']}: weekly rota")
    expect(page.locator("[data-testid=rota-not-set]")).to_have_text("There is no rota yet: choose who takes turns below.")
    no_axe_findings(page, "an empty rota")

    # The huddle: Ann, then the lead; then the lead moved to go first.
    page.select_option("#add-huddle", label="Ann Tester")
    page.click("[data-testid=add-huddle]")
    page.select_option("#add-huddle", label="Lead Tester")
    page.click("[data-testid=add-huddle]")
    expect(page.locator("[data-testid=turns-huddle] li .rota__name")).to_have_text(["Ann Tester (this week)", "Lead Tester"])
    page.get_by_role("button", name="Move up for Lead Tester (run the huddle)").click()
    expect(page.locator("[data-testid=turns-huddle] li .rota__name")).to_have_text(["Lead Tester (this week)", "Ann Tester"])
    # The board: Ann alone; the box score: the lead, added by mistake to the board first and taken off.
    page.select_option("#add-board", label="Lead Tester")
    page.click("[data-testid=add-board]")
    page.get_by_role("button", name="Remove for Lead Tester (update the board)").click()
    page.select_option("#add-board", label="Ann Tester")
    page.click("[data-testid=add-board]")
    page.select_option("#add-box_score", label="Lead Tester")
    page.click("[data-testid=add-box_score]")
    page.select_option("#remind_day", "thursday")
    page.fill("#remind_time", "08:30")
    no_axe_findings(page, "the rota being set")
    page.click("button:text-is('Save the rota')")

    expect(page.locator("[data-testid=flash]")).to_contain_text("Rota saved.")
    expect(page.locator("[data-testid=rota-reminder]")).to_have_text(
        "Reminders go on Thursdays from 08:30 to whoever is on for a task not yet done.")
    weeks = page.locator("[data-testid=rota-weeks] tbody tr")
    expect(weeks).to_have_count(5)
    expect(weeks.nth(0).locator("th")).to_contain_text("This week")
    expect(weeks.nth(0).locator("td")).to_have_text(["Lead Tester — not done yet", "Ann Tester — not done yet",
                                                     "Lead Tester — not done yet"])
    expect(weeks.nth(1).locator("td")).to_have_text(["Lead Tester", "Ann Tester", "Ann Tester"])
    expect(weeks.nth(2).locator("td[data-task=huddle]")).to_have_text("Lead Tester")
    status, saved = world.server.call("GET", f"/api/teams/{world.team['id']}/rota")
    assert status == 200 and [[p["name"] for p in t["people"]] for t in saved["tasks"]] == [
        ["Lead Tester"], ["Ann Tester"], ["Lead Tester", "Ann Tester"]]
    assert (saved["remind_day"], saved["remind_time"]) == ("thursday", "08:30")
    artifact(page, "rota")
    no_axe_findings(page, "the rota")


def test_a_staff_member_on_the_rota_sees_this_week_at_phone_size(page, world):
    page.set_viewport_size(PHONE)
    world.user("lead", "lead")
    ann = world.user("ann")
    status, body = world.server.call("PUT", f"/api/teams/{world.team['id']}/rota", {
        "remind_day": "monday", "remind_time": "09:00", "tasks": {"huddle": [ann["id"]], "box_score": [ann["id"]]}})
    assert status == 200, body
    login(page, world.server, ann)
    line = page.locator("[data-testid=rota-this-week]")
    expect(line.locator("li")).to_have_text([
        "You’re on the rota to update the box score this week: not done yet · See the rota",
        "You’re on the rota to run the huddle this week: not done yet · See the rota"])
    no_axe_findings(page, "home with the rota")

    # Ann logs time this week: the box score counts as updated (fidelity's rule), and her home says so.
    log_entry(page, "admin", 30)
    wait_saved(page)
    page.goto(world.server.url + "/")
    expect(line.locator("li[data-task=box_score]")).to_have_text(
        "You’re on the rota to update the box score this week: done · See the rota")
    artifact(page, "home-rota")

    # The reminder day (Monday 09:00) has passed and the huddle is not done: the check reminds Ann, who
    # finds it under Notifications (staff see their rota reminders there) and chooses it per team.
    ran = subprocess.run([*FLASK, "remind-rota"], cwd=ROOT, env=world.server.env, capture_output=True, text=True)
    assert ran.returncode == 0 and "of their turn on the rota" in ran.stdout, ran.stdout + ran.stderr
    page.goto(world.server.url + "/notifications")
    expect(page.locator("[data-testid=inbox] li")).to_have_count(1)
    expect(page.locator("[data-testid=inbox] li")).to_contain_text(f"{world.team['name']}: your turn to run the huddle")
    no_axe_findings(page, "a rota reminder in the inbox")
    page.goto(world.server.url + "/notifications/settings")
    expect(page.locator(f"[data-testid=notification-choices] fieldset[data-team='{world.team['id']}'] label")).to_have_text(
        ["Your rota task not done yet"])
    page.goto(world.server.url + "/")

    # Staff read the rota but do not set it.
    line.locator("li[data-task=huddle] a").click()
    expect(page.locator("[data-testid=rota-weeks] tbody tr").first.locator("td[data-task=huddle]")).to_have_text(
        "Ann Tester — not done yet")
    expect(page.locator("[data-testid=rota-form]")).to_have_count(0)
    no_axe_findings(page, "the rota, read by staff")


def test_saving_again_keeps_everyones_weeks_and_drops_who_left(page, world):
    page.set_viewport_size(TABLET)
    lead, ann, bob = world.user("lead", "lead"), world.user("ann"), world.user("bob")
    # Set up last week (Ann first), so the lead is on this week and Ann next week.
    status, body = world.server.call("PUT", f"/api/teams/{world.team['id']}/rota", {
        "remind_day": "friday", "remind_time": "12:00", "start_week": "2026-10-12",
        "tasks": {"huddle": [ann["id"], lead["id"]], "board": [bob["id"]]}})
    assert status == 200, body
    assert world.server.call("DELETE", f"/api/teams/{world.team['id']}/members/{bob['id']}")[0] == 204
    login(page, world.server, lead)
    page.goto(world.server.url + f"/teams/{world.team['id']}/rota")
    weeks = page.locator("[data-testid=rota-weeks] tbody tr")
    expect(weeks.locator("td[data-task=huddle]")).to_have_text(["Lead Tester — not done yet", "Ann Tester", "Lead Tester",
                                                                "Ann Tester", "Lead Tester"])
    expect(weeks.first.locator("td[data-task=board]")).to_have_text("Bob Tester (left the team) — not done yet")
    # The lists start with whoever is on this week; Bob, who left, is taken off.
    expect(page.locator("[data-testid=turns-huddle] li .rota__name")).to_have_text(["Lead Tester (this week)", "Ann Tester"])
    expect(page.locator("[data-testid=rota-left]")).to_have_text("Bob Tester left the team and is taken off: save to confirm.")
    expect(page.locator("[data-testid=turns-board]")).to_contain_text("Nobody yet.")
    page.click("button:text-is('Save the rota')")
    expect(page.locator("[data-testid=flash]")).to_contain_text("Rota saved.")
    expect(weeks.locator("td[data-task=huddle]")).to_have_text(["Lead Tester — not done yet", "Ann Tester", "Lead Tester",
                                                                "Ann Tester", "Lead Tester"])
    expect(weeks.first.locator("td[data-task=board]")).to_have_text("Nobody — not done yet")
    expect(page.locator("[data-testid=rota-reminder]")).to_have_text(
        "Reminders go on Fridays from 12:00 to whoever is on for a task not yet done.")
    no_axe_findings(page, "the rota saved again")
