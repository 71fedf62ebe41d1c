"""The team's board (issue 12) in Chromium at a TV's 1920×1080 and a tablet's 1024×768: what other
devices pushed shows on it, the kiosk needs nothing pressed and keeps its last data offline saying how
old it is, it prints on one A3 landscape page, and axe finds nothing on the board or the kiosk."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from server.board.models import board_settings_id
from tests.browser.measure_data import api_push, seed_signals, this_monday
from tests.browser.pwa_helpers import artifact, login, nav_to, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser

TV = {"width": 1920, "height": 1080}
TABLET = {"width": 1024, "height": 768}
VISION = "Every patient home by lunchtime, with time to care for each one"
# Minutes of time lost by reason in the last 4 weeks (this one and the 3 before), besides
# seed_signals' weekly "Waiting" entries; an entry five weeks back is outside the chart.
TIME_LOST = [("Searching for equipment or information", 0, 240), ("Searching for equipment or information", 2, 180),
             ("IT problems", 1, 150), ("Interruptions", 0, 60), ("Interruptions", 3, 30), ("Travel", 5, 600)]


def idea(world, title: str, status: str = "new") -> dict:
    return {"collection": "ideas", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "title": title, "status": status,
                       "raised_on": world.server.today().isoformat()}}


def action(world, title: str, due_in_days: int | None) -> dict:
    due = None if due_in_days is None else (world.server.today() + timedelta(days=due_in_days)).isoformat()
    return {"collection": "actions", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "title": title, "status": "open", "due_on": due}}


def seed_board(world, lead: dict) -> None:
    """A team's board as a lead keeps it: measures with every signal, aims, time lost, ideas, actions."""
    status, body = world.server.call("PATCH", f"/api/teams/{world.team['id']}",
                                     {"vision_statement": VISION, "huddle_day": "tuesday", "huddle_time": "14:00"})
    assert status == 200, body
    seed_signals(world, lead)
    monday = this_monday(world)
    api_push(world, lead, [
        {"collection": "board_settings", "record_id": board_settings_id(world.team["id"]),
         "fields": {"team_id": world.team["id"], "aim_performance": "Half the falls by March",
                    "aim_capacity": "Give back an hour a day to care"}},
        *[{"collection": "capacity_entries", "record_id": str(uuid.uuid4()),
           "fields": {"team_id": world.team["id"], "kind": "time_lost", "minutes": minutes, "category": reason,
                      "occurred_on": (monday - timedelta(weeks=weeks_back) + timedelta(days=1 if weeks_back else 0)).isoformat()}}
          for reason, weeks_back, minutes in TIME_LOST],
        idea(world, "Hoist on every bay", "testing"), idea(world, "Discharge lounge from 10am", "prioritised"),
        idea(world, "Pre-filled TTO forms", "adopted"), idea(world, "Night-time observations app"),
        action(world, "Ask estates about the bay 3 door", 7), action(world, "Book the hoist training", None),
    ])


def new_page(new_context, size: dict):
    page = new_context().new_page()
    page.set_viewport_size(size)
    return page


def open_board(page, world, kiosk=False) -> None:
    page.goto(f"{world.server.url}/teams/{world.team['id']}/board" + ("?kiosk=1" if kiosk else ""))
    page.wait_for_selector("[data-testid=board] h1")


def fits(page) -> dict:
    """Whether the page scrolls, and every board panel whose content is cut off."""
    return page.evaluate("""() => ({
        scrolls: document.scrollingElement.scrollHeight > innerHeight || document.scrollingElement.scrollWidth > innerWidth,
        cut: [...document.querySelectorAll('.board__panel')].filter((p) => p.scrollHeight > p.clientHeight + 1
            || p.scrollWidth > p.clientWidth + 1).map((p) => p.querySelector('h2').textContent),
    })""")


@pytest.mark.parametrize("size", [TV, TABLET], ids=["tv", "tablet"])
def test_the_board_shows_an_idea_and_an_overdue_action_pushed_from_another_device(world, new_context, size):
    lead, member = world.user("lead", "lead"), world.user("member")
    seed_board(world, lead)
    page = new_page(new_context, size)
    login(page, world.server, member)
    wait_saved(page)
    nav_to(page, "Board")
    page.wait_for_selector("[data-testid=board] h1")
    expect(page.locator("[data-testid=board] h1")).to_have_text(f"{world.team['name']} board")
    expect(page.locator("[data-testid=vision]")).to_have_text(f"Our vision: {VISION}")
    # Half past midnight on Thursday 22 October: the next Tuesday huddle is the 27th.
    expect(page.locator("[data-testid=next-huddle]")).to_have_text("Next huddle: Tuesday 27 October at 14:00")
    expect(page.locator("[data-testid=board-age]")).to_have_text("Data from less than a minute ago")
    score = page.locator(".board__score")
    expect(score.locator("[data-group=performance] .board__aim")).to_have_text("Aim: Half the falls by March")
    expect(score.locator("[data-group=cost] .board__aim")).to_have_count(0)  # no aim and no measures: not shown
    falls = score.locator("tr", has=page.locator("th:text-is('Falls')"))
    expect(falls.locator("[data-testid=variation] svg")).to_have_attribute("aria-label", re.compile("^Special cause: concerning"))
    expect(falls.locator("[data-testid=assurance] svg")).to_have_attribute("aria-label", re.compile("^Consistently failing"))
    expect(page.locator(".board__charts .board__chart")).to_have_count(4)  # 7 pinned, room for 4
    expect(page.locator(".board__charts .board__note")).to_have_text("The first 4 of the 7 measures pinned to the board.")
    # The Pareto chart: its figures in a table, the most first, the running total reaching 100%.
    rows = page.locator(".board__time table tbody tr")
    expect(rows.locator("th")).to_have_text(["Waiting", "Searching for equipment or information", "IT problems", "Interruptions"])
    expect(rows.locator("td:nth-of-type(1)")).to_have_text(["14.1 h", "7 h", "2.5 h", "1.5 h"])
    expect(rows.locator("td:nth-of-type(2)")).to_have_text(["56%", "84%", "94%", "100%"])
    expect(page.locator(".board__pareto svg")).to_have_attribute("aria-label", "Time lost by reason, the last 4 weeks")
    expect(page.locator("[data-status=testing] h3")).to_have_text("Testing 1")
    expect(page.locator("[data-testid=action-counts]")).to_have_text("2 open actions, 0 overdue.")

    # Another device: a new idea, and an action that was due yesterday.
    api_push(world, lead, [idea(world, "Fridge for ward drinks"), action(world, "Chase the pharmacy rota", -1)])
    sync_now(page)
    expect(page.locator("[data-status=new] li").first).to_have_text("Fridge for ward drinks")  # the newest move first
    expect(page.locator("[data-status=new] h3")).to_have_text("New 2")
    overdue = page.locator(".board__action[data-overdue]")
    expect(overdue).to_have_count(1)
    expect(overdue).to_have_text("Overdue was due yesterday: Chase the pharmacy rota")
    expect(page.locator(".board__action").first).to_have_attribute("data-overdue", "")  # overdue first
    expect(page.locator("[data-testid=action-counts]")).to_have_text("3 open actions, 1 overdue.")
    # A member adds nothing but ideas: the links that change the board are for leads.
    expect(page.locator(".board__manage a")).to_have_text(["Show it full screen on a TV (no buttons, keeps the last data offline)"])
    artifact(page, "board")
    check(page, f"board {size['width']}")


def test_anyone_in_the_team_adds_an_idea_from_the_board_and_it_syncs(world, new_context):
    member = world.user("member")
    page = new_page(new_context, TABLET)
    login(page, world.server, member)
    open_board(page, world)
    page.click("button:text-is('Add idea')")
    expect(page.locator("#idea-error")).to_have_text("Say what the idea is")
    expect(page.locator("#idea-title")).to_be_focused()
    page.fill("#idea-title", "Label the linen cupboard shelves")
    page.click("button:text-is('Add idea')")
    expect(page.locator("[data-testid=flash]")).to_have_text("Idea added under New. It syncs to the team’s board.")
    expect(page.locator("[data-status=new] li")).to_have_text(["Label the linen cupboard shelves"])
    wait_saved(page)
    device = world.server.login(world.users["member"]["email"], device_name="check")
    status, body = world.server.call("GET", "/api/sync/pull?limit=500", token=device["token"])
    assert status == 200, body
    [raised] = [c["record"] for c in body["changes"] if c["collection"] == "ideas"]
    assert (raised["title"], raised["status"], raised["raised_on"]) == (
        "Label the linen cupboard shelves", "new", world.server.today().isoformat())


def test_a_lead_sets_the_vision_and_huddle_time_from_the_board(world, new_context):
    lead = world.user("lead", "lead")
    page = new_page(new_context, TABLET)
    login(page, world.server, lead)
    open_board(page, world)
    expect(page.locator("[data-testid=vision]")).to_have_text("No vision statement yet.")
    expect(page.locator("[data-testid=next-huddle]")).to_have_text("No huddle day and time set yet.")
    expect(page.locator(".board__manage a")).to_have_text([
        "Show it full screen on a TV (no buttons, keeps the last data offline)",
        "Change the vision statement and the huddle day and time",
        "Sign a ward TV in as the board display, or sign one out", "Change the aims",
        "Choose the measures charted on the board (room for 4)"])
    page.click("text=Change the vision statement and the huddle day and time")
    expect(page.locator("[data-testid=needs-connection]")).to_have_text(
        "These are saved on the server straight away, so saving needs a connection.")
    page.context.set_offline(True)
    expect(page.locator("[data-testid=needs-connection]")).to_have_text(
        "You are offline. These are saved on the server, not on this device: connect to the internet to save them.")
    expect(page.locator("button:text-is('Save')")).to_be_disabled()
    page.context.set_offline(False)
    page.fill("#vision_statement", VISION)
    page.select_option("#huddle_day", "thursday")
    page.fill("#huddle_time", "14:00")
    check(page, "vision and huddle time")
    page.click("button:text-is('Save')")
    expect(page.locator("[data-testid=flash]")).to_have_text("Saved. Every device shows them once it is online.")
    expect(page.locator("[data-testid=vision]")).to_have_text(f"Our vision: {VISION}")
    # Half past midnight on a Thursday: today's huddle is still to come.
    expect(page.locator("[data-testid=next-huddle]")).to_have_text("Next huddle: Today at 14:00")
    status, team = world.server.call("GET", f"/api/teams/{world.team['id']}")
    assert (team["vision_statement"], team["huddle_day"], team["huddle_time"]) == (VISION, "thursday", "14:00")


def test_the_kiosk_has_no_controls_fits_the_tv_and_keeps_its_last_data_offline(world, new_context):
    lead, tv_user = world.user("lead", "lead"), world.user("tv")
    seed_board(world, lead)
    api_push(world, lead, [action(world, "Chase the pharmacy rota", -3)])
    page = new_page(new_context, TV)
    context = page.context
    login(page, world.server, tv_user)
    wait_saved(page)
    wait_for_sw(page)
    open_board(page, world, kiosk=True)
    expect(page.locator("header.header")).to_be_hidden()
    artifact(page, "board-kiosk")
    assert page.locator("a:visible, button:visible, input:visible, select:visible, textarea:visible").count() == 0
    assert fits(page) == {"scrolls": False, "cut": []}
    check(page, "kiosk")

    # The ward's network goes; the TV reloads (a power cut, a browser restart) and shows the same board.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=board] h1")
    expect(page.locator("[data-testid=board-age]")).to_have_text("Offline. Data from less than a minute ago")
    expect(page.locator("[data-status=testing] li")).to_have_text(["Hoist on every bay"])
    expect(page.locator(".board__action[data-overdue]")).to_have_text("Overdue was due on Mon 19 Oct: Chase the pharmacy rota")
    expect(page.locator(".board__charts .board__chart")).to_have_count(4)
    page.clock.fast_forward("05:00")
    expect(page.locator("[data-testid=board-age]")).to_have_text("Offline. Data from 5 minutes ago")
    page.clock.fast_forward("03:00:00")
    expect(page.locator("[data-testid=board-age]")).to_have_text("Offline. Data from 3 hours ago")
    expect(page.locator("[data-testid=board-age]")).to_have_attribute("data-stale", "")
    artifact(page, "board-kiosk-offline")
    assert fits(page) == {"scrolls": False, "cut": []}


def test_the_board_prints_on_exactly_one_a3_landscape_page(world, new_context):
    lead = world.user("lead", "lead")
    seed_board(world, lead)
    page = new_page(new_context, TV)
    login(page, world.server, lead)
    wait_saved(page)
    open_board(page, world)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert len(pages) == 1
    [box] = re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)
    x, y, width, height = (float(v) for v in box.split())
    # A3 landscape is 1190.55 × 841.89 points; Chromium rounds a page to its own units, 0.6 points at most.
    assert (x, y) == (0, 0) and abs(width - 1190.55) < 1 and abs(height - 841.89) < 1, box
    page.emulate_media(media="print")
    artifact(page, "board-print")
