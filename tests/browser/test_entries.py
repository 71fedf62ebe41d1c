"""My entries: newest first within a day; edit and delete as small secondary controls that are
still 44 by 44 px targets."""

from __future__ import annotations

import pytest

from tests.browser.pwa_helpers import log_entry, login, sync_now

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_my_entries_newest_first_with_small_edit_and_delete(page, world, size):
    page.set_viewport_size(SIZES[size])
    login(page, world.server, world.user("nurse"))
    log_entry(page, "meeting", 15)
    log_entry(page, "admin", 30)
    log_entry(page, "time_lost", 60, "Waiting")
    page.goto(world.server.url + "/entries")
    rows = page.locator("[data-testid=entries] li .entry__minutes")
    rows.first.wait_for()
    assert rows.all_inner_texts() == ["1 h", "30 min", "15 min"]

    controls = page.evaluate("""() => [...document.querySelectorAll('.entry__actions a, .entry__actions button')].map((el) => {
        const b = el.getBoundingClientRect(), s = getComputedStyle(el);
        return { text: el.textContent, width: b.width, height: b.height, background: s.backgroundColor };
    })""")
    assert [c["text"] for c in controls] == ["Edit", "Delete"] * 3
    for c in controls:
        assert c["width"] >= 44 and c["height"] >= 44, c
        # Words, not a filled button: nothing red fills a row until a delete is being confirmed.
        assert c["background"] == "rgba(0, 0, 0, 0)", c
    delete = page.locator("button[aria-label='Delete 30 min admin today']")
    delete.click()
    # A sync landing while the delete waits for its confirmation leaves the confirmation standing.
    sync_now(page)
    confirm = page.locator("button[aria-label='Yes, delete 30 min admin today']")
    assert confirm.inner_text() == "Yes, delete"
    confirm.click()
    page.wait_for_selector("[data-testid=flash]:has-text('Deleted 30 min admin today')")
    assert page.locator("[data-testid=entries] li .entry__minutes").all_inner_texts() == ["1 h", "15 min"]
