"""Page helpers shared by the browser tests (imported by name: no conftest import)."""

from __future__ import annotations


def login(page, server, user: dict, device_name: str | None = None) -> None:
    page.goto(server.url + "/")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    if device_name:
        page.fill("#device_name", device_name)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Hello')")


def wait_for_sw(page) -> None:
    """Wait until a service worker is activated and controls the page."""
    page.wait_for_function(
        """async () => {
            const reg = await navigator.serviceWorker.getRegistration();
            return !!(reg && reg.active && reg.active.state === 'activated' && navigator.serviceWorker.controller);
        }""",
        timeout=15000,
    )


def idb(page, script: str):
    """Run `script` (an async function body with `db` = the app's open database)."""
    return page.evaluate(f"async () => {{ const db = window.__vb.db; {script} }}")


def wait_saved(page, timeout=15000) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=sync-status]')?.textContent === 'All changes saved to the server'",
        timeout=timeout,
    )


def sync_now(page) -> None:
    page.evaluate("() => window.__vb.syncNow('test')")


COUNT_TAPS = """() => {
    window.__taps = 0;
    document.addEventListener('click', (e) => {
        if (e.target.closest('button, a, summary, [role=button]')) window.__taps += 1;
    }, true);
}"""


def start_counting_taps(page) -> None:
    page.evaluate(COUNT_TAPS)


def taps(page) -> int:
    return page.evaluate("() => window.__taps")


def log_entry(page, kind: str, minutes: int, reason: str | None = None) -> None:
    """Log from the home screen with quick picks (the fewest taps)."""
    page.click(f"[data-testid=log-{kind}]")
    page.click(f"button.pick[data-minutes='{minutes}']")
    if reason:
        page.click(f"ul.reasons button:text-is('{reason}')")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved')")


def entry_rows(page):
    return page.evaluate(
        """async () => (await window.__vb.db.getAll('records'))
            .filter((r) => r.collection === 'capacity_entries' && !r.deleted)
            .map((r) => ({ id: r.id, pending: r.pending, ...r.data }))"""
    )
