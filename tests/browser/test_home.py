"""Each role's home: a lead sees the team's week, a coach the teams they follow, an administrator
the way to administration; staff keep the quick-logging home."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import ADMIN_EMAIL, PASSWORD
from tests.browser.measure_data import api_push, measure, seed_signals, weekly_values
from tests.browser.pwa_helpers import artifact, login, wait_saved

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}


def seed_week(world, lead) -> dict:
    """Every kind of signal (each with this week's value), and one measure still missing it."""
    made = seed_signals(world, lead)
    complaints = measure(world, "Complaints", "performance", unit="complaints", direction="down")
    api_push(world, lead, [complaints, *weekly_values(world, complaints, [3, 2, 4, 3])[:-1]])
    return made


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_lead_sees_the_teams_week(page, world, size):
    # The clock starts on a Thursday at half past midnight: the huddle later that morning is next.
    status, _ = world.server.call("PATCH", f"/api/teams/{world.team['id']}", {"huddle_day": "thursday", "huddle_time": "09:00"})
    assert status == 200
    lead = world.user("lead", "lead")
    seed_week(world, lead)
    page.set_viewport_size(SIZES[size])
    login(page, world.server, lead)
    wait_saved(page)
    week = page.locator("[data-testid=team-week]")
    week.locator("[data-testid=signals]").wait_for()
    assert week.locator("h2").inner_text() == f"This week at {world.team['name']}"
    assert page.inner_text("[data-testid=next-huddle]") == "Next huddle: Thursday 22 October at 09:00"
    to_enter = page.inner_text("[data-testid=to-enter]")
    assert to_enter == "6 measures of 7 entered by hand have this week’s value. Still to enter: Complaints."
    signals = week.locator("[data-testid=signals] li")
    # Concerns first, each named in words and linked to its chart.
    assert signals.first.get_attribute("data-signal") == "concern"
    texts = signals.all_inner_texts()
    assert any(t.startswith("Falls") and "Special cause: concerning (high)" in t for t in texts), texts
    assert any(t.startswith("Patients seen") and "Special cause: improving (high)" in t for t in texts), texts
    # Quick logging is still on the lead's home.
    assert page.locator("[data-testid=log-time_lost]").is_visible()
    artifact(page, "home-lead")
    week.get_by_role("link", name="Enter this week’s values").click()
    page.wait_for_selector("main h1:has-text('Weekly values')")


def make_coach(world, teams: list[dict]) -> dict:
    email = f"coach-{uuid.uuid4().hex[:8]}@browser.test"
    status, coach = world.server.call("POST", "/api/users", {"email": email, "name": "Coach Tester", "password": PASSWORD, "role": "coach"})
    assert status == 201, coach
    for team in teams:
        status, body = world.server.call("PUT", f"/api/teams/{team['id']}/coaches/{coach['id']}")
        assert status == 200, body
    return {**coach, "password": PASSWORD}


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_coach_sees_the_teams_they_follow_with_their_signals(page, world, size):
    lead = world.user("lead", "lead")
    seed_week(world, lead)
    status, quiet = world.server.call("POST", "/api/teams", {"board_id": world.board_id, "name": f"Quiet {uuid.uuid4().hex[:4]}"})
    assert status == 201
    coach = make_coach(world, [world.team, quiet])
    page.set_viewport_size(SIZES[size])
    login(page, world.server, coach)
    wait_saved(page)
    followed = page.locator("[data-testid=followed-teams]")
    busy = followed.locator(f"li[data-team='{world.team['id']}']")
    busy.locator("[data-testid=team-signals]").wait_for()
    assert busy.locator("[data-testid=team-signals]").inner_text() == \
        "7 special causes, 3 concerning: Discharges before noon, Falls, Time lost."
    assert "This week’s value still to enter: Complaints." in busy.inner_text()
    assert "No measures on the box score yet." in followed.locator(f"li[data-team='{quiet['id']}']").inner_text()
    artifact(page, "home-coach")
    busy.get_by_role("button", name=f"Open {world.team['name']}’s box score").click()
    page.wait_for_selector("[data-testid=boxscore] tr[data-measure]")


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_admin_home_leads_to_administration(page, world, size):
    page.set_viewport_size(SIZES[size])
    login(page, world.server, {"email": ADMIN_EMAIL, "password": PASSWORD})
    admin = page.locator("[data-testid=admin-home]")
    assert admin.locator("h2").inner_text() == "Administration"
    assert admin.get_by_role("link", name="Valueboard’s interface description (OpenAPI)").get_attribute("href") == "/api/openapi.json"
    assert "Ask your team lead" not in page.inner_text("main")
    artifact(page, "home-admin")


def test_staff_home_is_for_quick_logging(page, world):
    """A staff member's home has the logging buttons first and none of the other roles' parts."""
    login(page, world.server, world.user("nurse"))
    assert page.locator("[data-testid=log-time_lost]").is_visible()
    for part in ("team-week", "followed-teams", "admin-home"):
        assert page.locator(f"[data-testid={part}]").count() == 0
    assert "Ask your team lead" not in page.inner_text("main")
