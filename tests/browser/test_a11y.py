"""axe-core (from pwa/node_modules) finds no WCAG 2.2 A/AA violations on any screen."""

from __future__ import annotations

import re

import pytest

from tests.browser.pwa_helpers import AXE_TAGS, artifact, idb, log_entry, login, no_axe_findings, wait_for_sw

pytestmark = pytest.mark.browser

def check(page, screen: str) -> None:
    page.wait_for_selector("main h1")
    no_axe_findings(page, screen)


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


# What axe leaves for a person to review: each rule's id, and for colour contrast each text it could
# not judge with where it is: beneath the box score's pinned columns, or drawn inside a chart's SVG
# (axe treats everything in an <svg> as on an image) with its fill and any halo.
REVIEW = """async (tags) => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, elementRef: true });
    const region = document.querySelector('[data-testid=boxscore]');
    const pins = region ? [...region.querySelectorAll('thead .bs__pin')] : [];
    const edge = pins.length ? Math.max(...pins.map((th) => th.getBoundingClientRect().right)) : null;
    const contrast = (result.incomplete.find((r) => r.id === 'color-contrast')?.nodes || []).map((n) => {
        const el = n.element, b = el.getBoundingClientRect();
        const chart = el.closest('[data-testid=chart] svg');
        return { html: n.html.slice(0, 80), why: n.any.map((c) => c.message).join(' '),
                 underPins: edge !== null && region.contains(el) && b.left < edge,
                 svgText: chart && el.tagName === 'text' ? { fill: el.getAttribute('fill'), halo: el.getAttribute('stroke'),
                     on: getComputedStyle(chart.closest('figure')).backgroundColor } : null };
    });
    return { rules: result.incomplete.map((r) => r.id).filter((id) => id !== 'color-contrast'), contrast };
}"""


def contrast_ratio(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(x) for x in re.findall(r"\d+", colour)[:3]] if colour.startswith("rgb") else \
            [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
        c = [v / 255 for v in channels]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("size", [(390, 844), (1024, 768), (1920, 1080)], ids=["phone", "tablet", "tv"])
def test_box_score_and_chart_with_every_signal(page, context, world, size):
    """The box score and its charts with real measures (entered and worked out, special causes of
    every kind) at phone, tablet and TV sizes: no violations, and nothing left to review that this
    test does not review itself."""
    from tests.browser.measure_data import seed_signals

    lead = world.user("lead", "lead")
    made = seed_signals(world, lead)
    login(page, world.server, lead)
    wait_for_sw(page)
    page.wait_for_function("() => document.querySelector('[data-testid=sync-status]')?.textContent === 'All changes saved to the server'")
    context.set_offline(True)  # no sync redraws the screen while axe reads it
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore] tr[data-measure]")
    check(page, "box score")
    # As it opens (at the newest week) the only text axe cannot judge is in the weeks scrolled
    # beneath the pinned columns, hidden by them; scrolled back to the oldest week nothing is
    # beneath them, and axe judges every text itself.
    review = page.evaluate(REVIEW, AXE_TAGS)
    assert review["rules"] == [], review
    assert all(n["underPins"] for n in review["contrast"]), review
    if size[0] >= 1920:
        assert review["contrast"] == [], "a TV shows every week: nothing is beneath the pinned columns"
        artifact(page, "boxscore")  # the phone's and tablet's come from test_boxscore.py
    page.eval_on_selector("[data-testid=boxscore]", "r => { r.scrollLeft = -r.scrollWidth; }")
    check(page, "box score at its oldest week")
    assert page.evaluate(REVIEW, AXE_TAGS) == {"rules": [], "contrast": []}

    for key in ("improvement_high", "derived_concern_high"):
        page.goto(world.server.url + f"/boxscore/{made[key]['record_id']}")
        page.wait_for_selector("[data-testid=chart] svg[role=img]")
        check(page, f"chart: {key}")
        review = page.evaluate(REVIEW, AXE_TAGS)
        assert review["rules"] == [], review
        # Axe reads the chart's words as on an image; each is dark ink on the chart's white (with
        # a white halo where it crosses a line), which is reviewed here.
        texts = [n["svgText"] for n in review["contrast"]]
        assert texts and all(t is not None for t in texts), review
        for t in texts:
            assert t["halo"] in (None, "#fff") and contrast_ratio(t["fill"], t["on"]) >= 4.5, t
        if size[0] >= 1920 and key == "improvement_high":
            artifact(page, "chart")
