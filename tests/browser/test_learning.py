"""The shared learning library (issue 14) in Chromium: a lead shares an adopted idea from its page and
consents on the team's shared learning page; a member of a team in another board finds it by a word on
a phone, reads its PDSA cycles and before/after chart, adopts it and sees it among their team's ideas;
axe-core finds nothing on the library, an item and the team's page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.measure_data import api_push, measure, this_monday, weekly_values
from tests.browser.pwa_helpers import artifact, login, nav_to, no_axe_findings, sync_now, wait_for_sw
from tests.browser.test_every_screen import SMALL_TARGETS

pytestmark = pytest.mark.browser

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


def clean_and_tappable(page, screen: str) -> None:
    """axe-core finds nothing, and every control is a 44 by 44 px target (the rule of test_every_screen)."""
    page.wait_for_selector("main h1")
    no_axe_findings(page, screen)
    assert page.evaluate(SMALL_TARGETS) == [], screen


def team_in_another_board(world) -> tuple[dict, dict]:
    """A team in a board of its own, and a member of it (staff)."""
    status, board = world.server.call("POST", "/api/boards", {"name": f"Board {uuid.uuid4().hex[:6]}"})
    assert status == 201, board
    status, team = world.server.call("POST", "/api/teams", {"board_id": board["id"], "name": f"Ward {uuid.uuid4().hex[:4].upper()}"})
    assert status == 201, team
    email = f"member-{uuid.uuid4().hex[:8]}@browser.test"
    status, user = world.server.call("POST", "/api/users", {"email": email, "name": "Other Member", "password": PASSWORD, "role": "staff"})
    assert status == 201, user
    status, body = world.server.call("PUT", f"/api/teams/{team['id']}/members/{user['id']}", {"role": "member"})
    assert status == 200, body
    return team, {**user, "password": PASSWORD}


def adopted_idea(world, lead: dict, title: str) -> str:
    """The team's falls measure (12 weeks, the last this week), lower in the 6 weeks since a PDSA cycle
    began, and the adopted idea linked to it."""
    falls = measure(world, "Falls", group="performance", direction="down")
    idea_id, change = str(uuid.uuid4()), this_monday(world) - timedelta(weeks=5)
    api_push(world, lead, [
        falls, *weekly_values(world, falls, [6, 5, 7, 6, 6, 5, 3, 2, 2, 1, 2, 2]),
        {"collection": "ideas", "record_id": idea_id, "fields": {
            "team_id": world.team["id"], "title": title, "status": "adopted", "measure_ids": [falls["record_id"]],
            "description": "A two-minute hoist check read out at every handover.",
            "raised_on": (change - timedelta(days=7)).isoformat()}},
        {"collection": "pdsa_cycles", "record_id": str(uuid.uuid4()), "fields": {
            "team_id": world.team["id"], "idea_id": idea_id, "started_on": change.isoformat(),
            "plan": "Read the checklist at the morning handover for a week; we predict fewer falls.",
            "study": "Falls halved.", "act": "adopt"}},
    ])
    return idea_id


def test_a_lead_shares_an_adopted_idea_and_another_board_finds_and_adopts_it(world, new_context):
    tag = uuid.uuid4().hex[:8]
    title = f"Hoist checklist {tag}"
    lead = world.user("lead", "lead")
    idea_id = adopted_idea(world, lead, title)
    other_team, other_member = team_in_another_board(world)

    lead_context = new_context()
    phone_context = new_context()
    try:
        page = lead_context.new_page()
        page.set_viewport_size(DESKTOP)
        login(page, world.server, lead)
        wait_for_sw(page)
        sync_now(page)
        page.goto(world.server.url + f"/teams/{world.team['id']}/ideas/{idea_id}")
        page.click("[data-testid=share-to-library]")
        expect(page.locator("[data-testid=flash]")).to_have_text(f"“{title}” is ready to share: a lead of the team consents below.")
        item = page.locator("[data-testid=shared-item]", has_text=title)
        expect(item.locator("[data-testid=item-state]")).to_have_text("Draft: only this team sees it")
        # Nobody else finds it yet.
        status, found = world.server.call("GET", f"/api/library?q={tag}",
                                          token=world.server.login(other_member["email"], device_name="check")["token"])
        assert status == 200 and found["items"] == [], found
        item.locator("[data-testid=consent]").click()
        expect(page.locator("[data-testid=flash]")).to_have_text(f"“{title}” is in the library.")
        shared = page.locator("[data-testid=shared-item]", has_text=title)
        expect(shared.locator("[data-testid=item-state]")).to_have_text("In the library")
        day = world.server.today()  # the London day of the consent, not the UTC one
        expect(shared).to_contain_text(f"Shared with Lead Tester’s consent on {day:%A} {day.day} {day:%B %Y}.")
        clean_and_tappable(page, "a team's shared learning")
        artifact(page, "team-shared")
        nav_to(page, "Library")
        expect(page.locator("[data-testid=library-item]", has_text=title)).to_be_visible()
        clean_and_tappable(page, "library at desktop")

        phone = phone_context.new_page()
        phone.set_viewport_size(PHONE)
        login(phone, world.server, other_member)
        wait_for_sw(phone)
        nav_to(phone, "Library")
        expect(phone.locator("h1")).to_have_text("Library")
        phone.fill("#library-q", tag.upper())  # any case
        phone.click("button:text-is('Search')")
        expect(phone.locator("[data-testid=library-count]")).to_have_text("Found: 1 item.")
        card = phone.locator("[data-testid=library-item]")
        expect(card).to_have_count(1)
        expect(card.locator("h2")).to_have_text(title)
        expect(card).to_contain_text(world.team["name"])
        # The chart's text alternative says what the drawing shows.
        expect(card.locator("svg[role=img] title")).to_have_text(f"Falls before and after “{title}”")
        expect(card.locator("figcaption")).to_contain_text(
            "Falls (lower is better): 5.83 on average in the 6 weeks before the change began")
        expect(card.locator("figcaption")).to_contain_text("2 on average in the 6 weeks after.")
        clean_and_tappable(phone, "library at phone size")
        artifact(phone, "library-phone")

        card.locator(f"a:text-is('{title}')").click()
        expect(phone.locator("h1")).to_have_text(title)
        expect(phone.locator("[data-testid=cycle]")).to_have_count(1)
        expect(phone.locator("[data-testid=cycle]")).to_contain_text("Falls halved.")
        clean_and_tappable(phone, "a library item at phone size")
        expect(phone.locator("#adopt-team option")).to_have_text([other_team["name"]])
        phone.click("[data-testid=adopt]")
        expect(phone.locator("[data-testid=flash]")).to_have_text(
            f"“{title}” is now one of {other_team['name']}’s ideas: plan a PDSA cycle to test it.")
        expect(phone).to_have_url(world.server.url + f"/teams/{other_team['id']}/ideas")
        sync_now(phone)
        expect(phone.locator(".idea-card", has_text=title)).to_be_visible()
        expect(phone.locator(f"[data-column='new'] .idea-card", has_text=title)).to_be_visible()
        artifact(phone, "adopted-idea-phone")
    finally:
        lead_context.close()
        phone_context.close()
