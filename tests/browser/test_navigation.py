"""The header on a phone: compact, its navigation behind one button that works from the keyboard;
on a tablet every link shows."""

from __future__ import annotations

import pytest

from tests.browser.pwa_helpers import artifact, login, wait_saved

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
# The header (brand and "Menu", 44 px targets) and the status bar (two lines of text beside
# "Sync now") leave at least six sevenths of an 844 px phone to the page: at most 120 px.
PHONE_HEADER_LIMIT = 120


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('header.header').getBoundingClientRect().height")


def test_phone_header_is_compact_and_its_menu_works_by_keyboard(page, world):
    page.set_viewport_size(PHONE)
    login(page, world.server, world.user("phone"))
    wait_saved(page)
    artifact(page, "header")
    assert header_height(page) <= PHONE_HEADER_LIMIT
    menu = page.locator("header button[aria-controls=main-nav]")
    nav = page.locator("#main-nav")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    # The page's heading starts below the header with room above it.
    gap = page.evaluate("""() => document.querySelector('main h1').getBoundingClientRect().top
        - document.querySelector('header.header').getBoundingClientRect().bottom""")
    assert gap >= 16

    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#main-nav') !== null")
    assert page.evaluate("() => document.activeElement.textContent") == "Home"
    # Escape closes it and gives focus back to the button that opened it.
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-controls')") == "main-nav"

    # Space opens it too; following a link closes it on the new page.
    page.keyboard.press(" ")
    assert menu.get_attribute("aria-expanded") == "true"
    nav.locator("a", has_text="My entries").click()
    page.wait_for_selector("main h1:has-text('My entries')")
    assert menu.get_attribute("aria-expanded") == "false"
    assert header_height(page) <= PHONE_HEADER_LIMIT


def test_tablet_shows_every_link_without_a_menu_button(page, world):
    page.set_viewport_size(TABLET)
    login(page, world.server, world.user("tablet"))
    assert not page.locator("header button[aria-controls=main-nav]").is_visible()
    links = page.locator("#main-nav a")
    assert links.count() >= 4
    assert all(links.nth(i).is_visible() for i in range(links.count()))
