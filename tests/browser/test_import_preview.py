"""The import preview shows the week as the file wrote it, says why it is not one, and its heading
stands clear of the "Check the file" button."""

from __future__ import annotations

import pytest

from tests.browser.measure_data import api_push, measure
from tests.browser.pwa_helpers import check_import_file, login, wait_saved

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_row_whose_week_is_not_a_week(page, world, tmp_path, size):
    lead = world.user("lead", "lead")
    api_push(world, lead, [measure(world, "Patients seen", "performance", unit="patients")])
    page.set_viewport_size(SIZES[size])
    login(page, world.server, lead)
    wait_saved(page)
    bad = tmp_path / "long.csv"
    bad.write_text("Measure,Week,Value\nPatients seen,not-a-week,5\n")
    page.goto(world.server.url + "/import")
    wait_saved(page)  # the reloaded page's first sync is done: nothing redraws the screen under the file
    check_import_file(page, bad)
    row = page.locator("[data-testid=import-rows] tbody tr")
    row.first.wait_for()
    cells = row.first.locator("td").all_inner_texts()
    assert cells[:4] == ["2", "Patients seen", "not-a-week", "5"]
    assert cells[4] == "Problem: 'not-a-week' is not a week: use the Monday (YYYY-MM-DD) or ISO week (YYYY-Www)."
    # The button's bottom edge (with its 4 px shadow) and the result's heading: at least 24 px apart.
    gap = page.evaluate("""() => document.querySelector('[data-testid=import-result] h2').getBoundingClientRect().top
        - ([...document.querySelectorAll('main button')].find((b) => b.textContent === 'Check the file').getBoundingClientRect().bottom + 4)""")
    assert gap >= 24
