"""Administration in the app (issue 15), in Chromium at tablet size: an admin creates a board and a
team, invites a person (who accepts in a second browser context and signs in), makes them a lead,
signs out their device and deactivates them; a CSV import with bad rows shows each row's problems and
imports nothing, a good one imports and shows the links; the audit log lists what was done; axe-core
finds nothing on any of these screens."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_EMAIL, PASSWORD
from tests.browser.pwa_helpers import artifact, login, nav_to, no_axe_findings, wait_for_sw

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}
NEW_PASSWORD = "tangerine lighthouse quietly"


def flash(page):
    return page.locator("[data-testid=flash]")


def test_an_admin_sets_up_a_board_a_team_and_a_person_in_the_app(new_context, world, tmp_path):
    tag = uuid.uuid4().hex[:4].upper()
    board, team, person = f"Board {tag}", f"Ward {tag}", f"Nia {tag}"
    email = f"nia-{tag.lower()}@browser.test"
    admin_context = new_context()
    page = admin_context.new_page()
    page.set_viewport_size(TABLET)
    login(page, world.server, {"email": ADMIN_EMAIL, "password": PASSWORD}, device_name="Admin laptop")

    # A board, then a team in it.
    nav_to(page, "Admin")
    expect(page.locator("h1")).to_have_text("Boards and teams")
    no_axe_findings(page, "boards and teams")
    page.locator("summary:text-is('Add a board')").click()
    page.fill("#board-name", board)
    page.click("button:text-is('Add the board')")
    expect(flash(page)).to_have_text(f"Board {board} added.")
    section = page.locator("section.admin-board", has=page.locator("h2", has_text=board))
    section.locator(f"summary:text-is('Add a team to {board}')").click()
    section.get_by_label("Team name").fill(team)
    section.get_by_label("Service type (optional)").fill("Acute medicine")
    section.get_by_label("Contracted hours per week (optional)").fill("480")
    section.get_by_label("Huddle day").select_option("tuesday")
    section.get_by_label("Huddle time").fill("10:15")
    section.locator("button:text-is('Add the team')").click()
    expect(page.locator("h1")).to_have_text(team)
    expect(flash(page)).to_have_text(f"Team {team} added. Now add its people.")
    team_url = page.url
    no_axe_findings(page, "a team's page")

    # A person invited into the team: the link is shown to pass on.
    page.click("nav[aria-label=Administration] >> text=People")
    expect(page.locator("h1")).to_have_text("People")
    page.fill("#invite-name", person)
    page.fill("#invite-email", email)
    page.select_option("#invite-team", label=team)
    page.click("button:text-is('Invite')")
    url = page.locator("[data-testid=invitation-url]").input_value()
    assert url.startswith(world.server.url) and "/invite/" in url, url
    no_axe_findings(page, "people, with an invitation made")
    artifact(page, "admin-people")

    # They accept it in a browser of their own and are signed in.
    their_context = new_context()
    theirs = their_context.new_page()
    theirs.set_viewport_size(TABLET)
    theirs.goto(url)
    expect(theirs.locator("h1")).to_have_text("Choose your password")
    expect(theirs.locator(".lede")).to_contain_text(f"Welcome, {person}. You are joining {team}.")
    no_axe_findings(theirs, "the invitation page")
    theirs.fill("#new_password", "short")
    theirs.fill("#confirm_password", "short")
    theirs.click("button:text-is('Save and sign in')")
    expect(theirs.locator(".error-summary")).to_contain_text("at least 12 characters")
    theirs.fill("#new_password", NEW_PASSWORD)
    theirs.fill("#confirm_password", NEW_PASSWORD)
    theirs.fill("#device_name", "Nia's phone")
    theirs.click("button:text-is('Save and sign in')")
    expect(theirs.locator("h1")).to_contain_text("Hello")
    # The link works once: another browser opening it is told so.
    fresh = new_context().new_page()
    fresh.goto(url)
    expect(fresh.locator("[data-testid=invitation-expired]")).to_contain_text("This link has expired or was already used.")

    # The admin makes them a lead of the team.
    page.goto(team_url)
    row = page.locator(f"[data-testid=members] tr", has_text=person)
    row.get_by_role("button", name=f"Make {person} a lead").click()
    expect(flash(page)).to_have_text(f"{person} is a lead now.")
    expect(page.locator("[data-testid=members] tr", has_text=person)).to_contain_text("Lead")
    artifact(page, "admin-team")

    # Their page: the phone they signed in on, signed out by the admin; then they are deactivated.
    page.locator("[data-testid=members]").get_by_role("link", name=person).click()
    expect(page.locator("h1")).to_have_text(person)
    no_axe_findings(page, "a person's page")
    device = page.locator("[data-testid=person-devices] li", has_text="Nia's phone")
    device.get_by_role("button", name="Sign out Nia's phone").click()
    device.get_by_role("button", name="Yes, sign out Nia's phone").click()
    expect(flash(page)).to_contain_text("Nia's phone is signed out.")
    expect(page.locator("[data-testid=person-devices]")).to_have_count(0)
    page.get_by_role("button", name=f"Deactivate {person}").click()
    page.get_by_role("button", name=f"Yes, deactivate {person}").click()
    expect(flash(page)).to_have_text(f"{person} is deactivated and signed out everywhere.")
    expect(page.locator(".warning")).to_contain_text("Deactivated: they cannot sign in.")
    artifact(page, "admin-person")
    status, _ = world.server.call("POST", "/api/auth/login", {"email": email, "password": NEW_PASSWORD, "device_name": "again"}, token="")
    assert status == 401

    # The audit log has each of those, once.
    page.click("nav[aria-label=Administration] >> text=Audit log")
    expect(page.locator("h1")).to_have_text("Audit log")
    events = page.locator("[data-testid=audit-events] tbody tr")
    expect(events.first).to_be_visible()
    actions = events.locator("th").all_inner_texts()
    for action in ("board.created", "team.created", "invitation.created", "invitation.accepted", "membership.set",
                   "device.revoked", "user.deactivated"):
        assert action in actions, (action, actions)
    no_axe_findings(page, "the audit log")
    artifact(page, "admin-audit")
    admin_context.close()
    their_context.close()


def test_a_csv_import_shows_each_bad_row_and_imports_nothing_until_all_are_right(page, world, tmp_path):
    page.set_viewport_size(TABLET)
    login(page, world.server, {"email": ADMIN_EMAIL, "password": PASSWORD})
    wait_for_sw(page)  # its taking over reloads the page, which would lose a chosen file
    tag = uuid.uuid4().hex[:6]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,role,team,team role\n"
                   f"Ada {tag},ada-{tag}@browser.test,staff,{world.team['name']},lead\n"
                   f"Bob {tag},not-an-email,staff,{world.team['name']},member\n"
                   f"Cy {tag},cy-{tag}@browser.test,staff,No Such Ward,member\n"
                   f"Ada again {tag},ada-{tag}@browser.test,staff,{world.team['name']},member\n")
    page.goto(world.server.url + "/admin/import")
    expect(page.locator("h1")).to_have_text("Import people")
    page.set_input_files("#people-file", str(bad))
    page.click("button:text-is('Check the file')")
    expect(page.locator("[data-testid=import-summary]")).to_have_text(
        "4 rows: 1 new, 0 added to a team, 0 with nothing to do, 3 rows with problems.")
    expect(page.locator("tr[data-line='3'] .error-message")).not_to_have_count(0)
    expect(page.locator("tr[data-line='4'] .error-message")).not_to_have_count(0)
    expect(page.locator("tr[data-line='5'] .error-message")).not_to_have_count(0)
    expect(page.locator("[data-testid=commit-people-import]")).to_be_disabled()
    no_axe_findings(page, "an import preview with problems")
    artifact(page, "admin-import-problems")
    status, found = world.server.call("GET", f"/api/users?q=ada-{tag}")
    assert status == 200 and found["users"] == []

    good = tmp_path / "good.csv"
    good.write_text("name,email,role,team,team role\n"
                    f"Ada {tag},ada-{tag}@browser.test,staff,{world.team['name']},lead\n"
                    f"Cy {tag},cy-{tag}@browser.test,staff,{world.team['name']},member\n")
    page.set_input_files("#people-file", str(good))
    page.click("button:text-is('Check the file')")
    expect(page.locator("[data-testid=import-summary]")).to_have_text(
        "2 rows: 2 new, 0 added to a team, 0 with nothing to do, 0 rows with problems.")
    page.click("[data-testid=commit-people-import]")
    expect(page.locator("#all-links")).to_contain_text(f"Ada {tag} <ada-{tag}@browser.test>: {world.server.url}/invite/")
    no_axe_findings(page, "an import done")
    status, members = world.server.call("GET", f"/api/teams/{world.team['id']}/members")
    assert {m["name"]: m["role"] for m in members["members"] if tag in m["name"]} == {f"Ada {tag}": "lead", f"Cy {tag}": "member"}


def test_everyone_changes_their_own_password(page, world):
    page.set_viewport_size(TABLET)
    staff = world.user("changer")
    login(page, world.server, staff)
    nav_to(page, "My devices")
    page.click("text=Change your password")
    expect(page.locator("h1")).to_have_text("Change your password")
    no_axe_findings(page, "change password")
    page.fill("#current_password", "not my password at all")
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#confirm_password", NEW_PASSWORD)
    page.click("button:text-is('Change my password')")
    expect(page.locator(".error-summary")).to_contain_text("That is not your current password.")
    page.fill("#current_password", staff["password"])
    page.click("button:text-is('Change my password')")
    expect(flash(page)).to_have_text("Your password is changed. Your other devices are signed out.")
    status, _ = world.server.call("POST", "/api/auth/login", {"email": staff["email"], "password": NEW_PASSWORD, "device_name": "x"}, token="")
    assert status == 200


@pytest.mark.parametrize("size", [{"width": 1024, "height": 768}, {"width": 768, "height": 1024}], ids=["landscape", "portrait"])
def test_every_admin_screen_is_clean_with_big_enough_targets(page, world, size):
    from tests.browser.test_every_screen import check_screen

    page.set_viewport_size(size)
    login(page, world.server, {"email": ADMIN_EMAIL, "password": PASSWORD})
    member = world.user("checked")
    found: dict[str, list[str]] = {}
    for path in ("/admin", f"/admin/teams/{world.team['id']}", "/admin/people", f"/admin/people/{member['id']}",
                 "/admin/import", "/admin/audit", "/account/password"):
        page.goto(world.server.url + path)
        page.wait_for_selector("main h1")
        check_screen(page, path, found)
    assert found == {}, json.dumps(found, indent=1)


def test_a_board_lead_is_made_in_the_app_and_looks_after_their_board(new_context, world):
    status, lead = world.server.call("POST", "/api/users", {"email": f"bl-{uuid.uuid4().hex[:6]}@browser.test", "name": "Bea Boardlead",
                                                           "password": PASSWORD, "role": "board_lead"})
    assert status == 201, lead
    admin = new_context().new_page()
    admin.set_viewport_size(TABLET)
    login(admin, world.server, {"email": ADMIN_EMAIL, "password": PASSWORD})
    admin.goto(f"{world.server.url}/admin/people/{lead['id']}")
    expect(admin.locator("h1")).to_have_text("Bea Boardlead")
    admin.select_option("#lead-board", world.board_id)
    admin.click("button:text-is('Make them its lead')")
    expect(flash(admin)).to_contain_text("Bea Boardlead leads")
    expect(admin.locator("[data-testid=boards-led] li")).to_have_count(1)

    # The board lead sees their board and its teams, renames it, and cannot archive it.
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    login(page, world.server, {"email": lead["email"], "password": PASSWORD})
    nav_to(page, "Admin")
    section = page.locator(f"section[data-board='{world.board_id}']")
    expect(section.locator(f"li[data-team='{world.team['id']}']")).to_be_visible()
    expect(page.locator("section.admin-board")).to_have_count(1)
    expect(section.get_by_role("button", name=re.compile("^Archive"))).to_have_count(0)
    section.locator("summary", has_text="Rename").click()
    renamed = f"North {uuid.uuid4().hex[:4]}"
    section.get_by_label("New name").fill(renamed)
    section.locator("button:text-is('Save the name')").click()
    expect(flash(page)).to_have_text(f"Renamed to {renamed}.")
    no_axe_findings(page, "a board lead's boards and teams")

    # Someone from outside their board is found, and added to a team, only by their exact email address.
    tag = uuid.uuid4().hex[:4].upper()
    outsider, outsider_email = f"Fay {tag}", f"fay-{tag.lower()}@browser.test"
    status, _ = world.server.call("POST", "/api/users", {"email": outsider_email, "name": outsider, "password": PASSWORD,
                                                         "role": "staff"})
    assert status == 201
    section.locator(f"li[data-team='{world.team['id']}'] a").click()
    page.fill("#add-person", outsider)
    expect(page.locator("#add-person-status")).to_have_text("Nobody found.")
    page.fill("#add-person", outsider_email.upper())
    page.get_by_role("button", name=f"Add {outsider} as a member").click()
    expect(flash(page)).to_have_text(f"{outsider} added as a member.")
    expect(page.locator("[data-testid=members] tr", has_text=outsider)).to_contain_text("Member")
