"""Page helpers shared by the browser tests (imported by name: no conftest import).

Tests reach the app as people do (what is on screen, the "Sync now" button) and read or seed its
IndexedDB directly from the page (`idb`): the production app has no test hook.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path


def login(page, server, user: dict, device_name: str | None = None) -> None:
    page.goto(server.url + "/")
    page.fill("#email", user["email"])
    page.fill("#password", user["password"])
    if device_name:
        page.fill("#device_name", device_name)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Hello')")


def nav_to(page, text: str) -> None:
    """Follow a link of the main navigation, opening the menu first where it is folded (a phone)."""
    menu = page.locator("header button[aria-controls=main-nav]")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    page.locator("#main-nav").get_by_role("link", name=text, exact=True).click()


def wait_for_sw(page) -> None:
    """Wait until a service worker is activated and controls the page.

    The condition is synchronous on purpose: page.wait_for_function takes the promise an async function
    returns as true at once, so an async condition would not wait at all."""
    page.wait_for_function("() => navigator.serviceWorker.controller?.state === 'activated'", timeout=15000)


# The app's database, opened from the page without the app: get/getAll/count/put/add like idb's
# (each its own transaction, resolved once committed) and putAll for one transaction of many.
OPEN_IDB = """async () => {
    const raw = await new Promise((resolve, reject) => {
        const req = indexedDB.open('valueboard');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
    });
    const run = (store, mode, work) => new Promise((resolve, reject) => {
        const tx = raw.transaction(store, mode);
        let result;
        const req = work(tx.objectStore(store));
        if (req) req.onsuccess = () => { result = req.result; };
        tx.oncomplete = () => resolve(result);
        tx.onerror = tx.onabort = () => reject(tx.error);
    });
    return {
        get: (store, key) => run(store, 'readonly', (s) => s.get(key)),
        getAll: (store) => run(store, 'readonly', (s) => s.getAll()),
        count: (store) => run(store, 'readonly', (s) => s.count()),
        getAllKeys: (store) => run(store, 'readonly', (s) => s.getAllKeys()),
        put: (store, value, key) => run(store, 'readwrite', (s) => s.put(value, key)),
        add: (store, value, key) => run(store, 'readwrite', (s) => s.add(value, key)),
        putAll: (store, values) => run(store, 'readwrite', (s) => { for (const v of values) s.put(v); }),
        close: () => raw.close(),
    };
}"""


def idb(page, script: str):
    """Run `script` (an async function body) with `db`, the app's IndexedDB opened from the page."""
    return page.evaluate(f"async () => {{ const db = await ({OPEN_IDB})(); try {{ {script} }} finally {{ db.close(); }} }}")


def wait_saved(page, timeout=30000) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=sync-status]')?.textContent === 'All changes saved to the server'",
        timeout=timeout,
    )


def eventually(page, script: str, timeout: float = 10):
    """Evaluate `script` (may be async) until it is truthy. page.wait_for_function takes a promise
    for true at once, so an async condition is polled here."""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(script)):
        assert time.monotonic() < deadline, f"never true: {script}"
    return value


def wait_record_saved(page, collection: str, record_id: str, fields: dict, timeout: float = 60) -> None:
    """Until this device holds the record with these field values and the server has confirmed them
    (nothing pending). The sync status alone can still read "saved" just after a tap, before the
    write it started reaches IndexedDB."""
    check = f"""async () => {{ const db = await ({OPEN_IDB})();
        try {{ const r = await db.get('records', [{json.dumps(collection)}, {json.dumps(record_id)}]);
               const want = {json.dumps(fields)};
               return !!r && !r.pending && Object.entries(want).every(([k, v]) => JSON.stringify(r.data[k]) === JSON.stringify(v)); }}
        finally {{ db.close(); }} }}"""
    eventually(page, check, timeout)


def sync_now(page, timeout=15000) -> None:
    """Tap "Sync now" and wait until a sync has finished that was not already running before the tap.

    The button shows only while no sync runs, so a sync that ends after the moment it was seen
    started after everything the test did before."""
    button = page.locator("[data-testid=status-bar] button:text-is('Sync now')")
    button.wait_for(state="visible", timeout=timeout)
    seen = page.evaluate("() => Date.now()")
    button.click()
    page.wait_for_function(
        "(seen) => Date.parse(document.querySelector('[data-testid=last-sync]')?.getAttribute('datetime')) >= seen",
        arg=seen, timeout=timeout,
    )


def open_settled(page, url: str) -> None:
    """Load `url` afresh (online) and wait for a whole sync after the load, so the next step does not
    race the sync every start begins: in full runs on a busy machine, a tap during it twice showed a
    screen without the team's records that stayed so for 5 s (cause not found yet; it never showed alone)."""
    page.goto(url)
    sync_now(page)


COUNT_TAPS = """() => {
    window.__taps = 0;
    document.addEventListener('click', (e) => {
        if (e.target.closest('button, a, summary, [role=button]')) window.__taps += 1;
    }, true);
}"""


def check_import_file(page, path, attempts: int = 3) -> None:
    """Choose a file on the import screen and press "Check the file" until the server's answer shows.

    A page reloaded under the test (a service worker taking over reloads it) has lost the chosen
    file, and the check then asks for one: choose it again, as the user would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    answer = page.locator("[data-testid=import-counts], [data-testid=import-result] .error-summary")
    for _ in range(attempts):
        page.set_input_files("#file", str(path))
        page.click("button:text('Check the file')")
        try:
            answer.first.wait_for(timeout=10000)
        except PlaywrightTimeoutError:
            continue
        if "Choose a CSV or .xlsx file first" not in page.inner_text("[data-testid=import-result]"):
            return
    raise AssertionError(f"the import screen never showed the server's answer for {path.name}")


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
    """This device's capacity entries as stored (not deleted), with their pending counts."""
    return idb(page, """return (await db.getAll('records'))
        .filter((r) => r.collection === 'capacity_entries' && !r.deleted)
        .map((r) => ({ id: r.id, pending: r.pending, ...r.data }));""")


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def artifact(page, name: str) -> Path:
    """Keep a full-page screenshot for a reviewer to look at (test-artifacts/ is not committed)."""
    size = page.viewport_size or {"width": 0, "height": 0}
    path = ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list:
    # A missing axe-core is a broken setup, not a pass: fail loudly instead of skipping.
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run `npm --prefix pwa ci` (it is a dev dependency of pwa/)"
    if not page.evaluate("() => !!window.axe"):
        # Evaluated through the DevTools protocol: a <script> tag with axe's text would be inline script,
        # which the app's Content-Security-Policy rightly refuses.
        page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate("async (tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def no_axe_findings(page, screen: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{screen}: " + json.dumps(violations, indent=1)


def printed_page_boxes(page, **options) -> list[tuple[int, int, int, int]]:
    """The page as Chromium prints it to PDF: each printed page's size in points, rounded."""
    pdf = page.pdf(prefer_css_page_size=True, **options)
    return [tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)]
