"""The box score screen (issue 5) in the browser, against the real server: worked out offline from
the device's own records, and the same as the server's GET /boxscore once synced."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from tests.browser.measure_data import BASELINE, api_push, measure, seed_signals, this_monday, weekly_values
from tests.browser.pwa_helpers import artifact, log_entry, login, nav_to, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser


def table_data(page) -> dict:
    """What the box score table shows: per measure, the raw value of each week and its signals."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-testid=boxscore] tr[data-measure]')].map((tr) => [
        tr.dataset.measure, {
            series: [...tr.querySelectorAll('td[data-week]')].map((td) => [td.dataset.week, td.dataset.value === '' ? null : Number(td.dataset.value)]),
            variation: tr.querySelector('[data-testid=variation]').dataset.signal || null,
            side: tr.querySelector('[data-testid=variation]').dataset.side || null,
            assurance: tr.querySelector('[data-testid=assurance]').dataset.signal || null,
        }]))""")


def server_table(world, token: str, weeks: int = 12) -> dict:
    status, body = world.server.call("GET", f"/api/teams/{world.team['id']}/boxscore?weeks={weeks}", token=token)
    assert status == 200, body
    return {m["id"]: {"series": [[s["week_start"], s["value"]] for s in m["series"]],
                      "variation": m["analysis"]["variation"], "side": m["analysis"]["variation_side"],
                      "assurance": m["analysis"]["assurance"]}
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
    nav_to(page, "Box score")
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
        r.scrollLeft = -r.scrollWidth; const start = cell(); r.scrollLeft = 0; const end = cell();
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


PHONE, TABLET, TV = (390, 844), (1024, 768), (1920, 1080)

# What each seeded measure (tests/browser/measure_data.py) shows in the summary columns:
# (variation, side, the icon's text alternative, its letter, the word under it, its ring),
# (assurance, its text alternative or the words instead of an icon, its letter, its ring).
SUMMARY = {
    "improvement_high": (("improvement", "high", "Special cause: improving (high)", "H", "Improving", "#00b0f0"),
                         ("pass", "Consistently passing the target", "P", "#00b0f0")),
    "improvement_low": (("improvement", "low", "Special cause: improving (low)", "L", "Improving", "#00b0f0"),
                        ("hit_and_miss", "Hit and miss: the target may or may not be met", "?", "#a6a6a6")),
    "concern_high": (("concern", "high", "Special cause: concerning (high)", "H", "Concerning", "#e46c0a"),
                     ("fail", "Consistently failing the target", "F", "#e46c0a")),
    "concern_low": (("concern", "low", "Special cause: concerning (low)", "L", "Concerning", "#e46c0a"),
                    (None, "No target", None, None)),
    "neutral_high": (("neutral", "high", "Special cause: neither better nor worse (high)", "H", "Special cause", "#490092"),
                     (None, "Neutral", None, None)),
    "neutral_low": (("neutral", "low", "Special cause: neither better nor worse (low)", "L", "Special cause", "#490092"),
                    (None, "No target", None, None)),
    "derived_concern_high": (("concern", "high", "Special cause: concerning (high)", "H", "Concerning", "#e46c0a"),
                             ("hit_and_miss", "Hit and miss: the target may or may not be met", "?", "#a6a6a6")),
}

SUMMARY_CELLS = """() => Object.fromEntries([...document.querySelectorAll('[data-testid=boxscore] tr[data-measure]')].map((tr) => {
    const read = (td) => {
        const icon = td.querySelector('svg[role=img]');
        const caption = td.querySelector('.bs__caption');
        return { signal: td.dataset.signal || null, side: td.dataset.side || null,
                 label: icon ? icon.getAttribute('aria-label') : null,
                 letter: icon ? icon.querySelector('[data-letter]')?.dataset.letter ?? null : null,
                 ring: icon ? icon.querySelector('circle').getAttribute('stroke') : null,
                 caption: caption && getComputedStyle(caption).display !== 'none' ? caption.textContent : null,
                 text: icon ? null : td.textContent };
    };
    return [tr.dataset.measure, { variation: read(tr.querySelector('[data-testid=variation]')),
                                  assurance: read(tr.querySelector('[data-testid=assurance]')),
                                  target: tr.querySelector('.bs__target').textContent }];
}))"""


def open_box_score(page, world, size) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(world.server.url + "/boxscore?weeks=12")
    page.wait_for_selector("[data-testid=boxscore] tr[data-measure]")


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_summary_columns_show_every_signal_as_an_icon_with_words_and_a_key(page, world, size):
    lead = world.user("lead", "lead")
    made = seed_signals(world, lead)
    login(page, world.server, lead)
    wait_saved(page)
    open_box_score(page, world, size)
    cells = page.evaluate(SUMMARY_CELLS)
    for key, ((variation, side, words, letter, caption, ring), (assurance, a_words, a_letter, a_ring)) in SUMMARY.items():
        row = cells[made[key]["record_id"]]
        # The signal and its side come from the analysis; the icon shows them and names them.
        assert row["variation"] == {"signal": variation, "side": side, "label": words, "letter": letter, "ring": ring,
                                    "caption": caption if size == TABLET else None, "text": None}, key
        tr = page.locator(f"tr[data-measure='{made[key]['record_id']}']")
        assert tr.get_by_role("img", name=words, exact=True).count() == 1, key
        if assurance:
            assert (row["assurance"]["signal"], row["assurance"]["label"], row["assurance"]["letter"], row["assurance"]["ring"]) == (
                assurance, a_words, a_letter, a_ring), key
            assert tr.get_by_role("img", name=a_words, exact=True).count() == 1, key
        else:
            assert (row["assurance"]["signal"], row["assurance"]["text"]) == (None, a_words), key
    # No target reads as words, not a dash (and no aria-label on a plain span).
    assert cells[made["concern_low"]["record_id"]]["target"] == "–No target"
    assert page.locator("[data-testid=boxscore] span[aria-label]").count() == 0
    # The offline analysis agrees with the server's, side of the signal included.
    token = world.server.login(lead["email"], device_name="checker")["token"]
    assert table_data(page) == server_table(world, token)

    # Special-cause values: the signal's tint, bold, its mark, and words for a screen reader.
    weeks = page.evaluate("""(id) => [...document.querySelectorAll(`tr[data-measure='${id}'] td[data-week]`)].map((td) => ({
        signal: td.dataset.signal || null, bg: getComputedStyle(td).backgroundColor, weight: getComputedStyle(td).fontWeight,
        mark: td.querySelector('svg.spc-mark > *')?.tagName ?? null,
        hidden: td.querySelector('.visually-hidden')?.textContent ?? null }))""", made["improvement_high"]["record_id"])
    assert [w["signal"] for w in weeks] == [None] * 5 + ["improvement"] * 7
    assert weeks[-1] == {"signal": "improvement", "bg": "rgb(217, 243, 253)", "weight": "700", "mark": "rect",
                         "hidden": " (special cause: improving)"}
    assert weeks[0]["mark"] is None and weeks[0]["weight"] == "400" and weeks[0]["bg"] == "rgb(255, 255, 255)"
    # One evaluate reads both rows: a sync that lands between two reads re-renders the table and a
    # detached cell has no computed style.
    concern, neutral = page.evaluate("""(ids) => ids.map((id) => {
        const td = document.querySelector(`tr[data-measure='${id}'] td[data-week]:last-child`);
        return [getComputedStyle(td).backgroundColor, td.querySelector('svg.spc-mark > *').tagName];
    })""", [made["concern_low"]["record_id"], made["neutral_low"]["record_id"]])
    assert concern == ["rgb(251, 233, 218)", "path"] and neutral == ["rgb(236, 225, 245)", "path"]

    # The key is on the screen: every icon, what the letters and the shaded values mean.
    key = page.locator("[data-testid=boxscore-key]")
    assert key.is_visible()
    assert key.locator("svg.spc-icon").count() == 10
    assert key.locator("svg.spc-mark").count() == 3
    words = key.inner_text()
    for phrase in ["Common cause: grey", "improving: blue, squares", "concerning: orange, diamonds",
                   "neither better nor worse", "purple, triangles", "a high signal", "a low signal",
                   "Consistently passing the target: blue", "Consistently failing the target: orange", "Hit and miss",
                   "shaded blue, in bold, with a square", "shaded orange, in bold, with a diamond",
                   "shaded purple, in bold, with a triangle"]:
        assert phrase in words, phrase
    artifact(page, "boxscore")


PINNED = """() => {
    const r = document.querySelector('[data-testid=boxscore]');
    const box = r.getBoundingClientRect();
    const inner = box.left + r.clientLeft;  // inside the region's border
    const rows = [r.querySelector('thead tr'), ...r.querySelectorAll('tr[data-measure]')];
    const onTop = (el) => { const b = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(b.left + b.width / 2, b.top + Math.min(b.height / 2, 20))); };
    // Each row is brought into the window (down the page only) to see what is drawn on top there.
    const pins = rows.map((tr) => {
        window.scrollTo(0, window.scrollY + tr.getBoundingClientRect().top - 200);
        return [...tr.querySelectorAll('.bs__pin')].map((c) => {
            const b = c.getBoundingClientRect();
            return { left: Math.round(b.left - inner), right: Math.round(b.right - inner), shown: onTop(c) };
        });
    });
    window.scrollTo(0, window.scrollY + rows[0].getBoundingClientRect().top - 200);
    const heads = [...r.querySelectorAll('thead th:not(.bs__pin)')];
    const edge = Math.max(...pins[0].map((p) => p.right));
    const seen = (th) => { const b = th.getBoundingClientRect();
        return b.left - inner >= edge - 1 && b.right <= box.right + 1 && onTop(th); };
    return { pins, scrolls: r.scrollWidth > r.clientWidth, edge, width: Math.round(box.width),
             newest: seen(heads[heads.length - 1]), oldest: seen(heads[0]),
             pageFits: document.documentElement.scrollWidth <= window.innerWidth };
}"""


@pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])
def test_measure_target_variation_and_assurance_stay_in_view_while_the_weeks_scroll(page, context, world, size):
    lead = world.user("lead", "lead")
    seed_signals(world, lead)
    login(page, world.server, lead)
    wait_for_sw(page)
    wait_saved(page)
    # At the board with no signal: the table is worked out on the tablet, and no sync redraws it
    # while the test scrolls it.
    context.set_offline(True)
    open_box_score(page, world, size)
    opened = page.evaluate(PINNED)
    assert opened["scrolls"] and opened["pageFits"], opened
    names = page.eval_on_selector_all("[data-testid=boxscore] thead .bs__pin", "ths => ths.map((th) => th.textContent.replace(/\u00ad/g, ''))")
    assert names == ["Measure", "Target", "Variation", "Assurance"]
    # Opened at the newest week, all four columns are in view, side by side, on top, in every row.
    for row in opened["pins"]:
        assert len(row) == 4 and all(p["shown"] for p in row), opened
        assert row[0]["left"] == 0 and [p["left"] for p in row[1:]] == [p["right"] for p in row[:-1]], row
        assert row == opened["pins"][0], "every row's columns line up with the headings"
    assert opened["edge"] < opened["width"] * (0.75 if size == PHONE else 0.55), "room is left for the weeks"
    assert opened["newest"] and not opened["oldest"]
    # Scrolled back to the oldest week (the region scrolls from the right: scrollLeft runs negative),
    # the same columns in the same places, the oldest week beside them; a sync's redraw keeps it there.
    page.eval_on_selector("[data-testid=boxscore]", "r => { r.scrollLeft = -r.scrollWidth; }")
    page.wait_for_function("""() => { const r = document.querySelector('[data-testid=boxscore]');
        return r.scrollLeft <= r.clientWidth - r.scrollWidth + 1; }""")
    back = page.evaluate(PINNED)
    assert (back["oldest"], back["newest"]) == (True, False), back
    assert back["pins"] == opened["pins"]


CHART_TEXT = """() => {
    const svg = document.querySelector('[data-testid=chart] svg');
    const view = svg.viewBox.baseVal;
    return { width: view.width, texts: [...svg.querySelectorAll('text')].map((t) => {
        const b = t.getBBox(); return { t: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height }; }) };
}"""


def chart_for(page, world, record_id: str) -> dict:
    page.goto(world.server.url + f"/boxscore/{record_id}")
    page.wait_for_selector("[data-testid=chart] svg[role=img]")
    return page.evaluate(CHART_TEXT)


def overlapping(texts: list[dict]) -> list:
    return [(a["t"], b["t"]) for i, a in enumerate(texts) for b in texts[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_chart_names_its_lines_dates_its_weeks_shows_the_target_and_re_based_phases(page, world, size):
    lead = world.user("lead", "lead")
    made = seed_signals(world, lead)
    # A cost that changed in September: re-based there, each phase with its own limits.
    cost = measure(world, "Cost per patient", "cost", unit="£", direction="down", target=100,
                   rebase_weeks=[(this_monday(world) - timedelta(weeks=6)).isoformat()])
    api_push(world, lead, [cost, *weekly_values(world, cost, [x * 3 + 0.5 for x in BASELINE] + [
        95.5, 96.25, 94.5, 97.5, 95.5, 96.25, 95.5])])
    login(page, world.server, lead)
    wait_saved(page)
    page.set_viewport_size({"width": size[0], "height": size[1]})

    chart = chart_for(page, world, made["improvement_high"]["record_id"])
    texts = [t["t"] for t in chart["texts"]]
    # The rule set, each line by name and value, counted in whole patients; the red target line.
    for label in ["XmR chart, Making Data Count rules", "Upper process limit 46", "Mean 41", "Lower process limit 36", "Target 30",
                  "patients", "Week beginning"]:
        assert label in texts, (label, texts)
    assert page.locator("[data-testid=chart] svg line[stroke='#de1b1b']").count() == 1
    # Enough week dates to find a week: the newest (this week) always, with the year.
    # 19 weeks: a phone dates every fifth week (with a small tick for every week), a tablet every other.
    dates = [t for t in chart["texts"] if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2,3}", t["t"])]
    assert len(dates) >= (4 if size == PHONE else 9), texts
    assert dates[-1]["t"] == "19 Oct" and "2026" in texts
    if size == PHONE:
        assert page.eval_on_selector("[data-testid=chart] svg", "svg => [...svg.querySelectorAll('path')].find((p) => "
                                     "/^(M[\\d.]+ [\\d.]+v3)+$/.test(p.getAttribute('d'))).getAttribute('d').split('v3').length - 1") == 19
    # Nothing written on the chart covers anything else written on it, or runs off it.
    assert overlapping(chart["texts"]) == []
    assert all(0 <= t["x"] and t["x"] + t["w"] <= chart["width"] for t in chart["texts"]), chart["texts"]
    # The box score's icons above the chart, beside the words that say what they show.
    assert page.eval_on_selector_all(".chart-signals svg.spc-icon", "icons => icons.map((i) => [i.getAttribute('aria-hidden'), "
                                     "i.querySelector('circle').getAttribute('stroke'), i.querySelector('[data-letter]').dataset.letter])") == [
        ["true", "#00b0f0", "H"], ["true", "#00b0f0", "P"]]
    assert page.inner_text("[data-testid=chart-words]") == "Special cause: improving (high). Consistently passing the target."
    artifact(page, "chart")

    # Tenths of a day; percentages to one place.
    assert "Upper process limit 4.6" in [t["t"] for t in chart_for(page, world, made["improvement_low"]["record_id"])["texts"]]
    assert "Mean 61.2%" in [t["t"] for t in chart_for(page, world, made["concern_low"]["record_id"])["texts"]]

    # Re-based: a labelled divider, then the new phase's own lines (mean 95.9 from its 7 values).
    chart = chart_for(page, world, cost["record_id"])
    texts = [t["t"] for t in chart["texts"]]
    assert "Re-based w/c 7 Sept" in texts and "Mean 95.86" in texts and "Target 100.00" in texts, texts
    assert page.locator("[data-testid=chart] svg line[stroke-dasharray='4 3']").count() == 1
    centres = page.eval_on_selector_all("[data-testid=chart] svg line[stroke='#425563']:not([stroke-dasharray])",
                                        "ls => ls.map((l) => [Number(l.getAttribute('x1')), Number(l.getAttribute('x2'))])")
    assert len(centres) == 2 and centres[0][1] < centres[1][0], centres
    assert overlapping(chart["texts"]) == []
    artifact(page, "chart-re-based")
