"""A team's board display (a ward TV): signed in by the team's lead, it reads the team and writes
nothing, cannot be signed in with a password or sign itself out, and is signed out by a lead."""

from __future__ import annotations

import uuid

from tests.api.test_permissions import sign_in_display
from tests.conftest import PASSWORD

TODAY = "2026-11-20"  # a fixed past date keeps the tests independent of the calendar


def entry_mutation(team_id: str, device_id: str) -> dict:
    return {"id": 1, "collection": "capacity_entries", "record_id": str(uuid.uuid4()), "op": "upsert",
            "hlc": f"2026-11-20T10:00:00.000Z-0000-{device_id}",
            "fields": {"team_id": team_id, "kind": "time_lost", "minutes": 15, "occurred_on": TODAY}}


def push(api, *mutations):
    return api.post("/api/sync/push", json={"client_id": api.device_id, "schema_version": 1, "mutations": list(mutations)})


def test_a_display_reads_its_team_and_writes_nothing(make_board, make_team, make_user, login):
    team, other = make_team(board=make_board(), name="Ward 3B"), make_team(board=make_board(), name="Ward 4")
    lead = login(make_user("staff", team=team, team_role="lead"))
    staff = login(make_user("staff", team=team))
    assert push(staff, entry_mutation(team.id, staff.device_id)).json["results"][0]["status"] == "applied"

    tv = sign_in_display(lead, team, "Ward TV")
    me = tv.get("/api/me").json
    assert me["role"] == "display" and me["name"] == "Ward 3B board display"
    assert me["display_of"] == {"id": team.id, "name": "Ward 3B", "board_id": team.board_id, "role": "display"}
    assert me["teams"] == [] and me["coached_teams"] == []
    assert lead.get("/api/me").json["display_of"] is None

    pulled = tv.get("/api/sync/pull").json  # the team's weekly totals; no entries (a display keeps only its own)
    assert [(c["collection"], c["record"]["minutes"]) for c in pulled["changes"]] == [("capacity_weekly_totals", 15)]
    assert tv.get(f"/api/teams/{other.id}").status_code == 404

    refused = push(tv, entry_mutation(team.id, tv.device_id)).json["results"][0]
    assert (refused["status"], refused["error"]["code"]) == ("rejected", "forbidden")


def test_one_display_account_per_team_with_no_password(app, make_board, make_team, make_user, login):
    team = make_team(board=make_board(), name="Ward 3B")
    lead = login(make_user("staff", team=team, team_role="lead"))
    first, second = sign_in_display(lead, team, "Ward TV"), sign_in_display(lead, team, "Staff room TV")
    assert first.user == second.user and first.device_id != second.device_id
    for password in ("", "!", PASSWORD):
        response = app.test_client().post("/api/auth/login", json={"email": first.user["email"], "password": password or "x"})
        assert response.status_code == 401 and response.json["error"]["code"] == "invalid_credentials"
    # People are never made displays through the user API.
    admin = login(make_user("admin"))
    response = admin.post("/api/users", json={"email": "tv@example.org", "name": "TV", "password": "long password",
                                              "role": "display"})
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["role"]


def test_the_lead_lists_and_signs_out_displays_and_the_screen_is_signed_out(make_board, make_team, make_user, login):
    team = make_team(board=make_board(), name="Ward 3B")
    lead = login(make_user("staff", team=team, team_role="lead"))
    tv, corridor = sign_in_display(lead, team, "Ward TV"), sign_in_display(lead, team, "Corridor TV")
    listed = lead.get(f"/api/teams/{team.id}/displays").json["devices"]
    assert [(d["id"], d["name"], d["current"]) for d in listed] == [(tv.device_id, "Ward TV", False),
                                                                    (corridor.device_id, "Corridor TV", False)]
    # The screen cannot sign itself out (whoever walks past the TV could); the lead can.
    assert tv.post("/api/auth/logout").status_code == 403
    assert tv.delete(f"/api/devices/{tv.device_id}").status_code == 403
    assert lead.delete(f"/api/teams/{team.id}/displays/{tv.device_id}").status_code == 204
    assert tv.get("/api/me").status_code == 401
    assert corridor.get("/api/me").status_code == 200
    assert [d["id"] for d in lead.get(f"/api/teams/{team.id}/displays").json["devices"]] == [corridor.device_id]
    # Signed out already, someone else's device, or nothing at all: not a display of this team.
    for device_id in (tv.device_id, lead.device_id, "no-such-device"):
        response = lead.delete(f"/api/teams/{team.id}/displays/{device_id}")
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_a_display_needs_a_name_in_words(make_board, make_team, make_user, login):
    team = make_team(board=make_board(), name="Ward 3B")
    lead = login(make_user("staff", team=team, team_role="lead"))
    for body in ({}, {"device_name": ""}, {"device_name": "x" * 121}):
        response = lead.post(f"/api/teams/{team.id}/displays", json=body)
        assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["device_name"], body
