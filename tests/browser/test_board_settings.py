"""The board's aims (board_settings), the collection that proves a new synced collection is one
package on the server and one module pair in the PWA: a lead sets them offline on a tablet, a
member reads them on a phone after both sync."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pwa_helpers import login, nav_to, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check

pytestmark = pytest.mark.browser


def test_a_lead_sets_the_aims_offline_and_a_member_reads_them(browser, world, new_context):
    lead, member = world.user("lead", "lead"), world.user("member")
    tablet = new_context()
    lead_page = tablet.new_page()
    lead_page.set_viewport_size({"width": 1024, "height": 768})
    login(lead_page, world.server, lead)
    wait_for_sw(lead_page)
    tablet.set_offline(True)
    nav_to(lead_page, "Box score")
    lead_page.click("a:text-is('The board’s aims')")
    lead_page.fill("#aim_capacity", "Give back an hour a day to care")
    lead_page.fill("#aim_cost", "x" * 501)
    lead_page.click("button:text-is('Save aims')")
    expect(lead_page.locator("#aim_cost-error")).to_have_text("Cost aim must be 500 characters or fewer (it has 501).")
    expect(lead_page.locator("#aim_cost")).to_be_focused()
    lead_page.fill("#aim_cost", "Less agency spend 🙂" + "x" * 480)  # 500 characters as people count them
    lead_page.click("button:text-is('Save aims')")
    expect(lead_page.locator("[data-testid=flash]")).to_have_text("Aims saved. They sync to the team’s board.")
    expect(lead_page.locator("#aim_capacity")).to_have_value("Give back an hour a day to care")
    check(lead_page, "board aims (lead, tablet)")
    tablet.set_offline(False)
    sync_now(lead_page)
    wait_saved(lead_page)

    phone = new_context()
    member_page = phone.new_page()
    member_page.set_viewport_size({"width": 390, "height": 844})
    login(member_page, world.server, member)
    wait_saved(member_page)
    member_page.goto(world.server.url + "/board-settings")
    aims = member_page.locator("[data-testid=aims] dd")
    expect(aims).to_have_text(["No aim yet", "Give back an hour a day to care", "Less agency spend 🙂" + "x" * 480,
                               "No aim yet"])
    expect(member_page.locator("textarea")).to_have_count(0)  # members read them
    check(member_page, "board aims (member, phone)")
