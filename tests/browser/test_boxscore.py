"""The box score screen (issue 5) in the browser, against the real server: worked out offline from
the device's own records, and the same as the server's GET /boxscore once synced."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from tests.browser.pwa_helpers import log_entry, login, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser


def api_push(world, user: dict, mutations: list[dict]) -> list[dict]:
    """Write records as `user` from a fresh device through the sync API (as another phone would)."""
    device = world.server.login(user["email"], device_name="api")
    now = world.server.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"  # the server's clock, not this machine's
    body = {"client_id": device["device_id"], "schema_version": 1, "mutations": [
        {"id": i + 1, "op": "upsert", "hlc": f"{now}-{i:04x}-{device['device_id']}", **m} for i, m in enumerate(mutations)]}
    status, res = world.server.call("POST", "/api/sync/push", body, token=device["token"])
    assert status == 200, res
    assert all(r["status"] == "applied" for r in res["results"]), res
    return res["results"]


def measure(world, name: str, group: str = "capacity", **fields) -> dict:
    return {"collection": "measures", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "name": name, "group": group, **fields}}


def table_data(page) -> dict:
    """What the box score table shows: per measure, the raw value of each week and its signals."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-testid=boxscore] tr[data-measure]')].map((tr) => [
        tr.dataset.measure, {
            series: [...tr.querySelectorAll('td[data-week]')].map((td) => [td.dataset.week, td.dataset.value === '' ? null : Number(td.dataset.value)]),
            variation: tr.querySelector('[data-testid=variation]').dataset.signal || null,
            assurance: tr.querySelector('[data-testid=assurance]').dataset.signal || null,
        }]))""")


def server_table(world, token: str, weeks: int = 12) -> dict:
    status, body = world.server.call("GET", f"/api/teams/{world.team['id']}/boxscore?weeks={weeks}", token=token)
    assert status == 200, body
    return {m["id"]: {"series": [[s["week_start"], s["value"]] for s in m["series"]],
                      "variation": m["analysis"]["variation"], "assurance": m["analysis"]["assurance"]}
            for g in body["groups"] for m in g["measures"]}


def test_box_score_offline_from_local_data_then_the_server_agrees(page, context, world):
    lead = world.user("lead", "lead")
    lost = measure(world, "Time lost", source="derived", derived_kind="time_lost", derived_unit="hours", direction="down")
    meetings = measure(world, "Time in meetings", source="derived", derived_kind="meeting", derived_unit="hours")
    seen = measure(world, "Patients seen", group="performance", unit="patients", direction="up", target=40)
    api_push(world, lead, [lost, meetings, seen])

    login(page, world.server, lead)
    wait_for_sw(page)
    wait_saved(page)
    context.set_offline(True)
    log_entry(page, "time_lost", 30, "IT problems")
    log_entry(page, "meeting", 60)
    page.click("nav >> text=Box score")
    page.wait_for_selector("h1:has-text('Box score')")
    local = table_data(page)
    assert local[lost["record_id"]]["series"][-1][1] == 0.5
    assert local[meetings["record_id"]]["series"][-1][1] == 1
    assert local[seen["record_id"]]["series"][-1][1] is None
    assert "2 changes not yet synced" in page.inner_text("[data-testid=boxscore-source]")
    # Groups in box score order, each measure a link to its chart.
    assert page.eval_on_selector_all("[data-testid=boxscore] tbody", "els => els.map((e) => e.dataset.group)") == [
        "performance", "capacity", "cost", "staff_experience"]
    # Downloads need the server: offline they are disabled and the screen says why.
    assert page.is_disabled("[data-testid=download-csv]")
    assert "You are offline" in page.inner_text("[data-testid=download-status]")
    check(page, "box score (offline)")

    page.click(f"tr[data-measure='{lost['record_id']}'] a")
    page.wait_for_selector("h1:has-text('Time lost')")
    assert page.locator("[data-testid=chart] svg[role=img]").count() == 1
    assert "XmR chart, Making Data Count rules" in page.inner_text("[data-testid=chart]")
    assert page.inner_text("[data-testid=chart-words]").startswith(("Common cause", "Special cause", "Not enough data"))
    check(page, "measure chart")

    context.set_offline(False)
    sync_now(page)
    wait_saved(page)
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore]")
    token = world.server.login(lead["email"], device_name="checker")["token"]
    assert table_data(page) == server_table(world, token)
    assert "not yet synced" not in page.inner_text("[data-testid=boxscore-source]")

    with page.expect_download() as download:
        page.click("[data-testid=download-csv]")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    text = open(path, encoding="utf-8-sig").read()
    assert "Time lost" in text and "Patients seen" in text


def test_box_score_reads_well_on_phone_tablet_and_tv(page, world):
    lead = world.user("lead", "lead")
    api_push(world, lead, [measure(world, "Time lost", source="derived", derived_kind="time_lost", derived_unit="hours")])
    login(page, world.server, lead)
    wait_saved(page)
    sticky = """() => { const r = document.querySelector('[data-testid=boxscore]');
        const cell = () => r.querySelector('tr[data-measure] th').getBoundingClientRect().left - r.getBoundingClientRect().left;
        r.scrollLeft = 0; const start = cell(); r.scrollLeft = r.scrollWidth; const end = cell();
        return { scrolls: r.scrollWidth > r.clientWidth + 1, start: Math.round(start), end: Math.round(end),
                 pageFits: document.documentElement.scrollWidth <= window.innerWidth }; }"""
    seen = {}
    for width, height in [(360, 740), (1024, 768), (1920, 1080)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(world.server.url + "/boxscore?weeks=12")
        page.wait_for_selector("[data-testid=boxscore]")
        seen[width] = page.evaluate(sticky)
        # The page itself never scrolls sideways; the measure column stays put when the weeks scroll.
        assert seen[width]["pageFits"], (width, seen[width])
        assert seen[width]["start"] == seen[width]["end"], (width, seen[width])
    assert seen[360]["scrolls"]
    check(page, "box score on a TV")


# The Monday whose 12-week window has the widest week labels ("28 Sept", "26 Oct"...): measured in the
# page's own font over 28 years, long enough for every Monday to fall on every day of every month.
WIDEST_WINDOW = """() => {
    const th = document.querySelector('[data-testid=boxscore] thead th:not(.bs__measure)');
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = getComputedStyle(th).font;
    const label = (ms) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
    const DAY = 86400000, WEEK = 7 * DAY;
    let best = { width: 0, monday: '' };
    for (let monday = Date.UTC(2026, 0, 5, 12); monday < Date.UTC(2054, 0, 1); monday += WEEK) {
        let width = 0;  // the ten weeks before "Last week" and "This week" show their dates as headings
        for (let i = 11; i >= 2; i--) width += ctx.measureText(label(monday - i * WEEK)).width;
        if (width > best.width) best = { width, monday: new Date(monday).toISOString().slice(0, 10) };
    }
    return best;
}"""


def test_a_1080p_tv_shows_all_12_weeks_whatever_the_week_labels(page, world):
    """However wide the calendar makes the week headings, a ward TV shows the measure column and
    all 12 weeks without scrolling; checked at the widest window and at the tests' awkward moments."""
    from tests.conftest import MOMENTS

    lead = world.user("lead", "lead")
    api_push(world, lead, [
        measure(world, "Time lost to searching for equipment", source="derived", derived_kind="time_lost",
                derived_unit="hours", direction="down", target=12.5),
        measure(world, "Cost per patient per week", group="cost", unit="£", direction="down", target=12345.75),
    ])
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, world.server, lead)
    wait_saved(page)
    page.goto(world.server.url + "/boxscore?weeks=12")
    page.wait_for_selector("[data-testid=boxscore]")
    widest = page.evaluate(WIDEST_WINDOW)
    moments = {"widest week labels": f"{widest['monday']}T12:00:00Z", **MOMENTS}
    for name, instant in moments.items():
        page.clock.set_fixed_time(datetime.fromisoformat(instant.replace("Z", "+00:00")))
        page.goto(world.server.url + "/boxscore?weeks=12")
        page.wait_for_selector("[data-testid=boxscore]")
        fit = page.evaluate("""() => {
            const region = document.querySelector('[data-testid=boxscore]');
            const right = region.getBoundingClientRect().right;
            const heads = [...region.querySelectorAll('thead th')];
            return { weeks: heads.length - 4, scrolls: region.scrollWidth > region.clientWidth,
                     hidden: heads.filter((th) => th.getBoundingClientRect().right > right + 0.5).map((th) => th.textContent),
                     labels: heads.slice(4).map((th) => th.textContent) };
        }""")
        assert fit["weeks"] == 12, (name, fit)
        assert not fit["scrolls"] and fit["hidden"] == [], (name, instant, fit)
