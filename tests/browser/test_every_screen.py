"""Every screen at phone and tablet sizes: axe-core with the WCAG 2.2 AA and best-practice tags
finds nothing, and every control is a 44 by 44 px target; the home and log screens are kept as
screenshots for a reviewer (test-artifacts/; the box score's and chart's come from test_boxscore.py)."""

from __future__ import annotations

import json

import pytest

from tests.browser.measure_data import seed_signals
from tests.browser.pwa_helpers import artifact, axe_violations, idb, log_entry, login, wait_for_sw, wait_saved

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}

# The rule (WCAG 2.2 2.5.8 asks for 24 px; the project asks for 2.5.5's 44): every link, button,
# input, select, textarea and summary a person can see is at least 44 by 44 CSS px, except a link
# inside a sentence (text beside it in the same element), which WCAG's inline exception covers.
SMALL_TARGETS = """() => {
    const inSentence = (el) => el.tagName === 'A'
        && [...el.parentElement.childNodes].some((n) => n !== el && n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
        .filter((el) => {
            const b = el.getBoundingClientRect(), s = getComputedStyle(el);
            if (!b.width || !b.height || s.visibility === 'hidden' || b.right <= 0 || b.bottom <= 0) return false;
            return (b.width < 44 || b.height < 44) && !inSentence(el);
        })
        .map((el) => { const b = el.getBoundingClientRect();
            return `${el.outerHTML.slice(0, 90)} ${Math.round(b.width)}x${Math.round(b.height)}`; });
}"""


def check_screen(page, name: str, found: dict) -> None:
    """What axe and the target rule find on the screen showing, added to `found` by screen."""
    page.wait_for_selector("main h1")
    problems = [f"axe: {v['id']} {v['nodes']}" for v in axe_violations(page)]
    problems += [f"under 44x44 px: {t}" for t in page.evaluate(SMALL_TARGETS)]
    if problems:
        found[name] = problems


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_every_screen(page, context, world, size):
    url = world.server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(SIZES[size])
    page.goto(url + "/")
    check_screen(page, "sign in", found)

    lead = world.user("lead", "lead")
    made = seed_signals(world, lead)
    # Something in the lead's inbox: an administrator confirms a milestone of the team.
    status, body = world.server.call("POST", f"/api/teams/{world.team['id']}/milestones/vision_agreed")
    assert status == 201, body
    login(page, world.server, lead)
    wait_for_sw(page)
    wait_saved(page)
    page.wait_for_selector("[data-testid=team-week] [data-testid=signals]")
    check_screen(page, "home", found)
    artifact(page, "home")
    if size == "phone":
        page.click("header button[aria-controls=main-nav]")
        check_screen(page, "home with the menu open", found)
        page.keyboard.press("Escape")

    page.click("[data-testid=log-time_lost]")
    check_screen(page, "log: how long", found)
    artifact(page, "log")
    page.click("button.pick[data-minutes='15']")
    check_screen(page, "log: reason", found)
    page.click("ul.reasons button:text-is('Waiting')")
    page.wait_for_selector("[data-testid=flash]")
    log_entry(page, "meeting", 30)

    for path, name in [("/entries", "my entries"), ("/tally", "tally"), ("/values", "weekly values"),
                       ("/measures", "measures"), ("/measures/new", "new measure"), (f"/measures/{made['concern_high']['record_id']}", "edit measure"),
                       ("/categories", "time-lost reasons"), ("/board-settings", "board aims"), ("/import", "import"),
                       ("/devices", "my devices"), ("/notifications", "notifications"), ("/notifications/settings", "notification settings"), (f"/teams/{world.team['id']}/displays", "board displays"),
                       ("/sign-out", "sign out"), ("/no-such-page", "not found")]:
        page.goto(url + path)
        if path == "/devices":
            page.wait_for_selector("[data-testid=devices] li")
        if path == "/notifications":
            page.wait_for_selector("[data-testid=inbox] li")
        if path == "/notifications/settings":
            page.wait_for_selector("[data-testid=notification-choices]")
        if path.endswith("/displays"):
            page.wait_for_selector("[data-testid=displays]")
        check_screen(page, name, found)
    page.goto(url + "/entries")
    page.click("a[aria-label^='Edit 30 min meeting']")
    check_screen(page, "edit entry", found)

    record_id = idb(page, "return (await db.getAll('records')).find((r) => r.collection === 'capacity_entries').id;")
    idb(page, f"""
        await db.add('rejected', {{ mutation: {{ collection: 'capacity_entries', record_id: '{record_id}', op: 'upsert',
            hlc: '2026-11-26T10:00:00.000Z-0000-x', fields: {{ minutes: 5000 }}, original_id: 9 }},
            error: {{ code: 'validation_error', message: 'Some values are not valid.', fields: {{ minutes: ['Must be between 1 and 1440.'] }} }},
            rejected_at: new Date().toISOString() }});
        await db.put('conflicts', {{ key: 'k1', collection: 'capacity_entries', record_id: '{record_id}', field: 'minutes',
            kept_value: 45, kept_hlc: 'b', lost_value: 30, lost_hlc: 'a', lost_by_client_id: 'x', at: new Date().toISOString(), seen: false }});
        return true;
    """)
    page.goto(url + "/attention")
    check_screen(page, "needs attention", found)
    page.click("a:has-text('Fix and send again')")
    check_screen(page, "fix and send again", found)
    page.goto(url + "/conflicts")
    check_screen(page, "conflicts", found)

    # The box score and a chart, offline so no sync redraws them while axe reads.
    context.set_offline(True)
    page.goto(url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore] tr[data-measure]")
    check_screen(page, "box score", found)
    page.goto(url + f"/boxscore/{made['improvement_high']['record_id']}")
    page.wait_for_selector("[data-testid=chart] svg[role=img]")
    check_screen(page, "chart", found)
    context.set_offline(False)
    assert found == {}, json.dumps(found, indent=1)
