"""My devices: each device signed in as me, which one this is, when each was last seen; sign out a
lost one from here, and this one through the sign-out screen (which warns about unsent changes)."""

from __future__ import annotations

import pytest

from tests.browser.pwa_helpers import artifact, login, nav_to, wait_for_sw

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_my_devices_lists_them_and_signs_a_lost_one_out(page, world, size):
    user = world.user("nurse")
    lost = world.server.login(user["email"], device_name="Lost phone")
    page.set_viewport_size(SIZES[size])
    login(page, world.server, user, device_name="Ward tablet")
    nav_to(page, "My devices")
    page.wait_for_selector("main h1:has-text('My devices')")
    cards = page.locator("[data-testid=devices] > li")
    cards.first.wait_for()
    assert [c.split("\n")[0] for c in cards.locator("h2").all_inner_texts()] == ["Ward tablet This device", "Lost phone"]
    this = cards.nth(0)
    assert this.get_attribute("data-current") == "yes"
    assert this.locator("time").first.get_attribute("datetime")
    assert "Last seen" in this.inner_text()
    artifact(page, "devices")

    sign_out_lost = page.get_by_role("button", name="Sign out Lost phone")
    sign_out_lost.click()
    page.get_by_role("button", name="Yes, sign out Lost phone").click()
    page.wait_for_selector("[data-testid=flash]:has-text('Lost phone is signed out.')")
    assert cards.locator("h2").all_inner_texts() == ["Ward tablet This device"]
    # The lost phone's token no longer works.
    assert world.server.call("GET", "/api/me", token=lost["token"])[0] == 401

    # This device signs out through the sign-out screen, with its warning about unsent changes.
    page.get_by_role("link", name="Sign out this device").click()
    page.wait_for_selector("main h1:has-text('Sign out')")
    page.click("[data-testid=confirm-sign-out]")
    page.wait_for_selector("h1:has-text('Sign in')")


def test_my_devices_offline_says_why_nothing_is_listed(page, context, world):
    login(page, world.server, world.user("nurse"))
    wait_for_sw(page)
    context.set_offline(True)
    nav_to(page, "My devices")
    page.wait_for_selector("main h1:has-text('My devices')")
    assert "You are offline" in page.inner_text("main")
    context.set_offline(False)
