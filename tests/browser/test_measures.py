"""Measures, weekly values, time-lost categories and import (issue 5) in the browser, against the
real server: local-first writes that sync, what staff may not do, and renames that keep history."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from tests.browser.pwa_helpers import check_import_file, entry_rows, idb, log_entry, login, sync_now, wait_for_sw, wait_saved
from tests.browser.test_a11y import check
from tests.browser.test_boxscore import api_push, measure, server_table, table_data

pytestmark = pytest.mark.browser

MEASURE_VALUE_NAMESPACE = uuid.UUID("5b0c6a8e-3f1d-4d8a-9c63-7e2f1a9b4d10")


def this_monday(world) -> str:
    today = world.server.today()
    return (today - timedelta(days=today.weekday())).isoformat()


def server_records(world, user, collection: str) -> dict[str, dict]:
    device = world.server.login(user["email"], device_name="checker")
    out, cursor = {}, ""
    while True:
        status, body = world.server.call("GET", f"/api/sync/pull?cursor={cursor}&limit=1000", token=device["token"])
        assert status == 200, body
        out.update({c["record_id"]: c["record"] for c in body["changes"] if c["collection"] == collection and not c["deleted"]})
        cursor = body["cursor"]
        if not body["has_more"]:
            return out


def test_lead_creates_a_measure_and_enters_a_value_offline_and_it_syncs(page, context, world):
    lead = world.user("lead", "lead")
    login(page, world.server, lead)
    wait_for_sw(page)
    context.set_offline(True)
    page.goto(world.server.url + "/measures")
    page.wait_for_selector("h1:has-text('Measures')")
    check(page, "measures (empty)")
    page.click("[data-testid=add-measure]")
    page.wait_for_selector("h1:has-text('Add a measure')")
    check(page, "add a measure")
    page.click("button:text('Add measure')")  # nothing filled in: the form says what is missing
    page.wait_for_selector(".error-summary:not([hidden])")
    check(page, "add a measure with errors")
    page.fill("#name", "Patients seen")
    page.click("label[for=group-performance]")
    page.select_option("#subgroup", "access")
    page.fill("#unit", "patients")
    page.click("label[for=direction-up]")
    page.fill("#target", "40")
    page.click("button:text('Add measure')")
    page.wait_for_selector("[data-testid=flash]:has-text('Added “Patients seen”')")
    assert page.locator("li[data-measure] .tag--waiting").count() == 1

    page.goto(world.server.url + "/values")
    page.wait_for_selector("h1:has-text('Weekly values')")
    check(page, "weekly values")
    page.fill("input[data-week='%s']" % this_monday(world), "42")
    page.click("button:text('Save values')")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved 1 value')")
    [row] = table_data(page).values()
    assert row["series"][-1] == [this_monday(world), 42]

    context.set_offline(False)
    sync_now(page)
    wait_saved(page)
    [m] = [m for m in server_records(world, lead, "measures").values()]
    assert (m["name"], m["group"], m["subgroup"], m["unit"], m["direction"], m["target"], m["source"]) == (
        "Patients seen", "performance", "access", "patients", "up", 40, "manual")
    values = server_records(world, lead, "measure_values")
    record_id = str(uuid.uuid5(MEASURE_VALUE_NAMESPACE, f"{m['id']}/{this_monday(world)}"))
    assert list(values) == [record_id], "the value's record id is uuid5(namespace, '<measure_id>/<week_start>')"
    assert values[record_id]["value"] == 42
    token = world.server.login(lead["email"], device_name="reader")["token"]
    assert server_table(world, token)[m["id"]]["series"][-1] == [this_monday(world), 42]

    # Status changes and a re-base, through the same form.
    page.goto(world.server.url + f"/measures/{m['id']}")
    page.wait_for_selector("h1:has-text('Edit Patients seen')")
    wait_saved(page)  # the sync on opening the app re-renders the screen; edit after it
    page.select_option("#rebase_add", this_monday(world))
    page.click("label[for=status-less_frequent]")
    page.click("button:text('Save changes')")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved')")
    sync_now(page)
    wait_saved(page)
    m = server_records(world, lead, "measures")[m["id"]]
    assert (m["status"], m["rebase_weeks"]) == ("less_frequent", [this_monday(world)])

    # Another device's later value for the week replaces the lead's 42: the conflicts screen says so
    # in the words of weekly values (not as a capacity entry), and the lead can put 42 back.
    api_push(world, lead, [{"collection": "measure_values", "record_id": record_id, "fields": {
        "team_id": world.team["id"], "measure_id": m["id"], "week_start": this_monday(world), "value": 43}}])
    sync_now(page)
    page.goto(world.server.url + "/conflicts")
    card = page.locator("[data-testid=conflict]")
    assert card.locator("h2").inner_text() == "Weekly value 43 of “Patients seen” for week beginning 19 Oct"
    assert card.locator("h2 + p").inner_text() == "Value: your 42 was replaced by 43."
    card.locator("button:text-is('Use my value again')").click()
    page.wait_for_selector("[data-testid=flash]:has-text('Your value is back')")
    sync_now(page)
    wait_saved(page)
    assert server_records(world, lead, "measure_values")[record_id]["value"] == 42


def test_staff_see_no_edit_controls_and_a_forged_edit_is_rejected(page, context, world):
    lead = world.user("lead", "lead")
    staff = world.user("staff")
    seen = measure(world, "Patients seen", group="performance", unit="patients")
    api_push(world, lead, [seen])
    login(page, world.server, staff)
    wait_for_sw(page)
    wait_saved(page)
    page.goto(world.server.url + "/measures")
    page.wait_for_selector("[data-testid=read-only]")
    assert page.locator("[data-testid=add-measure], a:text-is('Edit')").count() == 0
    check(page, "measures (staff)")
    page.goto(world.server.url + f"/measures/{seen['record_id']}")
    page.wait_for_selector("[data-testid=read-only]")
    assert page.locator("main form").count() == 0
    page.goto(world.server.url + "/categories")
    page.wait_for_selector("[data-testid=read-only]")
    assert page.locator("main button").count() == 0
    check(page, "categories (staff)")
    page.goto(world.server.url + "/import")
    page.wait_for_selector("[data-testid=read-only]")
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore]")
    assert page.locator("a[href='/import']").count() == 0

    # A tampered client that shows the lead's controls anyway: the server refuses the write and the
    # change waits under "Needs attention" instead of vanishing. The page is reloaded offline first,
    # so no sync (which rewrites 'me' from the server) can be under way when 'me' is forged.
    context.set_offline(True)
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=status-bar][data-online=no]")
    idb(page, """const me = await db.get('meta', 'me'); me.teams = me.teams.map((t) => ({ ...t, role: 'lead' }));
                 await db.put('meta', me, 'me'); return true;""")
    page.goto(world.server.url + "/measures/new")
    page.wait_for_selector("h1:has-text('Add a measure')")
    page.fill("#name", "Forged measure")
    page.click("button:text('Add measure')")
    page.wait_for_selector("[data-testid=flash]:has-text('Added')")
    context.set_offline(False)
    sync_now(page)
    page.wait_for_selector("[data-testid=status-bar] a:has-text('1 change needs attention')", timeout=15000)
    page.goto(world.server.url + "/attention")
    page.wait_for_selector("[data-testid=rejected-list]")
    assert page.locator("[data-testid=rejected-list] > li").count() == 1
    card = page.locator("[data-testid=rejected-list] > li")
    assert card.locator("h2").inner_text() == "Add measure “Forged measure”"
    assert card.locator("a").count() == 0, "no edit fixes a change the user may not make"
    assert "Forged measure" not in [m["name"] for m in server_records(world, lead, "measures").values()]


def test_lead_edits_categories_and_a_rename_keeps_history(page, world):
    lead = world.user("lead", "lead")
    login(page, world.server, lead)
    wait_saved(page)
    log_entry(page, "time_lost", 15, "Waiting")

    page.goto(world.server.url + "/categories")
    page.wait_for_selector("h1:has-text('Time-lost reasons')")
    check(page, "categories (defaults)")
    page.click("button[aria-label='Rename Waiting']")
    page.fill("#rename-input", "Waiting for porters")
    page.click("button:text('Save name')")
    page.wait_for_selector("[data-testid=flash]:has-text('Renamed')")
    page.fill("#new-category", "Hoist broken")
    page.click("button:text('Add reason')")
    page.wait_for_selector("[data-testid=flash]:has-text('Added “Hoist broken”')")
    page.click("button[aria-label='Archive Interruptions']")
    page.wait_for_selector("[data-testid=flash]:has-text('Archived')")
    page.click("button[aria-label='Move Travel up']")
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=categories] > li')].map((li) => li.dataset.category).indexOf('Travel') === 5")
    names = page.eval_on_selector_all("[data-testid=categories] > li", "els => els.map((e) => e.dataset.category)")
    assert names[0] == "Waiting for porters" and names[-1] == "Hoist broken" and "Interruptions" not in names
    assert "Earlier: Waiting" in page.inner_text("li[data-category='Waiting for porters']")
    check(page, "categories (lead)")

    # The quick-log and the tally use the team's list, in its order.
    page.goto(world.server.url + "/log/time_lost")
    page.wait_for_selector("button.pick")
    page.click("button.pick[data-minutes='10']")
    reasons = page.eval_on_selector_all("ul.reasons button", "els => els.map((e) => e.textContent)")
    assert reasons == names
    page.goto(world.server.url + "/tally")
    page.wait_for_selector(".tally__name")
    assert page.eval_on_selector_all(".tally__name", "els => els.map((e) => e.textContent)") == names

    # A measure of the renamed category counts the entry logged under its old name.
    page.goto(world.server.url + "/measures/new")
    page.fill("#name", "Time waiting for porters")
    page.click("label[for=group-capacity]")
    page.click("label[for=source-derived]")
    page.select_option("#derived_kind", "time_lost")
    page.select_option("#derived_category_id", label="Waiting for porters")
    page.click("button:text('Add measure')")
    page.wait_for_selector("[data-testid=flash]:has-text('Added')")
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore]")
    [(measure_id, row)] = table_data(page).items()
    assert row["series"][-1] == [this_monday(world), 0.25]
    sync_now(page)
    wait_saved(page)
    categories = server_records(world, lead, "time_lost_categories")
    [porters] = [c for c in categories.values() if c["name"] == "Waiting for porters"]
    assert porters["former_names"] == ["Waiting"]
    assert len(categories) == 9 and sum(c["archived"] for c in categories.values()) == 1
    token = world.server.login(lead["email"], device_name="reader")["token"]
    assert server_table(world, token)[measure_id]["series"][-1] == [this_monday(world), 0.25]
    assert [r["category"] for r in entry_rows(page)] == ["Waiting"]  # history itself is untouched


def test_import_shows_the_preview_with_row_errors_then_commits(page, world, tmp_path):
    lead = world.user("lead", "lead")
    seen = measure(world, "Patients seen", group="performance", unit="patients")
    api_push(world, lead, [seen])
    login(page, world.server, lead)
    wait_saved(page)
    week = this_monday(world)
    last = (datetime.fromisoformat(week) - timedelta(days=7)).date().isoformat()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"Measure,{last},{week}\nPatients seen,30,31\nNo such measure,1,2\n")
    good = tmp_path / "good.csv"
    good.write_text(f"Measure,{last},{week}\nPatients seen,30,31\n")

    page.goto(world.server.url + "/import")
    page.wait_for_selector("h1:has-text('Import weekly values')")
    check(page, "import")
    check_import_file(page, bad)
    assert page.locator("[data-testid=import-rows] tr[data-status=error]").count() == 2
    assert page.locator("[data-testid=commit-import]").count() == 0
    assert "Nothing has been imported" in page.inner_text("[data-testid=import-result]")
    check(page, "import preview with errors")

    page.set_input_files("#file", str(good))
    page.click("button:text('Check the file')")
    page.wait_for_selector("[data-testid=commit-import]:has-text('Import 2 values')")
    page.click("[data-testid=commit-import]")
    page.wait_for_selector("h1:has-text('Box score')")  # with a flash (a sync may re-render it away)
    wait_saved(page)
    page.goto(world.server.url + "/boxscore")
    page.wait_for_selector("[data-testid=boxscore]")
    assert table_data(page)[seen["record_id"]]["series"][-2:] == [[last, 30], [week, 31]]
