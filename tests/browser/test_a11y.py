"""axe-core (from pwa/node_modules) finds no WCAG 2.2 A/AA violations on any screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.pwa_helpers import idb, log_entry, login

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list:
    # A missing axe-core is a broken setup, not a pass: fail loudly instead of skipping.
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run `npm --prefix pwa ci` (it is a dev dependency of pwa/)"
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def check(page, screen: str) -> None:
    page.wait_for_selector("main h1")
    violations = axe_violations(page)
    assert violations == [], f"{screen}: " + json.dumps(violations, indent=1)


def test_every_screen_has_no_axe_violations(page, world):
    url = world.server.url
    page.goto(url + "/")
    check(page, "login")
    # The login screen with its error summary showing.
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary:not([hidden])")
    check(page, "login with errors")

    login(page, world.server, world.user("axe"))
    check(page, "home")
    page.click("[data-testid=log-time_lost]")
    check(page, "log: how long")
    page.click("summary:has-text('Add a note')")
    check(page, "log: note and date open")
    page.click("button.pick[data-minutes='15']")
    check(page, "log: reason")
    page.click("ul.reasons button:text-is('Waiting')")
    page.wait_for_selector("[data-testid=flash]")
    check(page, "home after saving")
    log_entry(page, "meeting", 30)

    page.goto(url + "/entries")
    check(page, "my entries")
    page.click("a[aria-label^='Edit 30 min meeting']")
    check(page, "edit entry")

    record_id = idb(page, "return (await db.getAll('records'))[0].id;")
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
    check(page, "needs attention")
    page.click("a:has-text('Fix and send again')")
    check(page, "fix and send again")
    page.goto(url + "/conflicts")
    check(page, "conflicts")
    page.goto(url + "/tally")
    check(page, "tally")
    page.goto(url + "/sign-out")
    check(page, "sign out")
    page.goto(url + "/no-such-page")
    check(page, "not found")


@pytest.mark.parametrize("viewport", [(800, 1280), (1920, 1080)], ids=["tablet", "tv"])
def test_home_on_tablet_and_tv(page, world, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    login(page, world.server, world.user("big"))
    check(page, "home")
    # Large touch targets everywhere: every button and big action is at least 44 px tall.
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main .button, .big-action, .pick, nav a')]
        .filter((el) => el.offsetParent && el.getBoundingClientRect().height < 44).map((el) => el.outerHTML.slice(0, 80))""")
    assert small == []
