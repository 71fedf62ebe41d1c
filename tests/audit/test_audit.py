"""The audit log: each administrative change and security event recorded exactly once, with who did
it, from which device and to what; admins read it with filters and as CSV; nothing changes or deletes
an event, not even SQL run by hand."""

import csv
import io

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from server.extensions import db
from tests.conftest import PASSWORD

NOW = "2026-10-22T09:00:00Z"


@pytest.fixture(autouse=True)
def _at_now(frozen):
    """Every test here runs with the clock at NOW (the frozen fixture of tests/conftest.py)."""


def events(action=None):
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def only(action, target_id=None):
    found = [e for e in events(action) if target_id is None or e.target_id == target_id]
    assert len(found) == 1, [(e.action, e.details) for e in events()]
    return found[0]


def test_each_administrative_change_is_recorded_once_with_actor_device_and_target(admin, make_user, make_board,
                                                                                   login):
    board = admin.post("/api/boards", json={"name": "North"}).json
    assert only("board.created").target_id == board["id"]
    team = admin.post("/api/teams", json={"board_id": board["id"], "name": "Ward 1"}).json
    created = only("team.created")
    assert (created.actor_id, created.device_id, created.target_type, created.target_id) == (
        admin.user["id"], admin.device_id, "team", team["id"])
    assert admin.patch(f"/api/teams/{team['id']}", json={"service": "Surgery"}).status_code == 200
    assert admin.patch(f"/api/teams/{team['id']}", json={"service": "Surgery"}).status_code == 200  # no change
    assert only("team.changed").details == {"changes": {"service": {"from": None, "to": "Surgery"}}}

    person = admin.post("/api/users", json={"email": "kim@example.org", "name": "Kim Ode", "role": "staff",
                                            "password": "a long enough passphrase"}).json
    assert only("user.created", person["id"]).details == {"email": "kim@example.org", "name": "Kim Ode",
                                                          "role": "staff"}
    for _ in range(2):  # the same PUT twice changes something once
        assert admin.put(f"/api/teams/{team['id']}/members/{person['id']}", json={"role": "lead"}).status_code == 200
    assert only("membership.set").details == {"team_id": team["id"], "role": "lead", "previous_role": None}
    assert admin.delete(f"/api/teams/{team['id']}/members/{person['id']}").status_code == 204
    assert only("membership.removed").target_id == person["id"]

    coach = make_user("coach")
    assert admin.put(f"/api/teams/{team['id']}/coaches/{coach.id}").status_code == 200
    assert admin.put(f"/api/teams/{team['id']}/coaches/{coach.id}").status_code == 200
    assert only("coach.assigned").details == {"team_id": team["id"]}
    assert admin.delete(f"/api/teams/{team['id']}/coaches/{coach.id}").status_code == 204
    assert only("coach.unassigned").target_id == coach.id

    lead_of_board = make_user("board_lead")
    assert admin.put(f"/api/boards/{board['id']}/leads/{lead_of_board.id}").status_code == 200
    assert only("board_lead.set").details == {"board_id": board["id"], "previous_board_id": None}
    assert admin.delete(f"/api/boards/{board['id']}/leads/{lead_of_board.id}").status_code == 204
    assert only("board_lead.removed").target_id == lead_of_board.id

    assert admin.patch(f"/api/users/{person['id']}", json={"role": "coach"}).status_code == 200
    assert only("user.role_changed").details == {"from": "staff", "to": "coach"}

    phone = login(make_user("staff"), "Lost phone")
    assert admin.delete(f"/api/devices/{phone.device_id}").status_code == 204
    assert admin.delete(f"/api/devices/{phone.device_id}").status_code == 204  # already revoked
    revoked = only("device.revoked")
    assert (revoked.target_id, revoked.actor_id) == (phone.device_id, admin.user["id"])

    assert admin.post(f"/api/users/{person['id']}/deactivate").status_code == 200
    assert admin.post(f"/api/users/{person['id']}/deactivate").status_code == 200
    assert only("user.deactivated").target_id == person["id"]
    assert admin.post(f"/api/users/{person['id']}/reactivate").status_code == 200
    assert only("user.reactivated").target_id == person["id"]


def test_a_change_refused_leaves_no_event(admin, make_team):
    team = make_team(name="Taken")
    before = len(events())
    assert admin.post("/api/teams", json={"board_id": team.board_id, "name": "Taken"}).status_code == 409
    assert admin.post("/api/users", json={"email": "x@example.org", "name": "X", "role": "staff",
                                          "password": "12345678"}).status_code == 422
    assert len(events()) == before


def test_displays_signed_in_and_out_are_recorded(make_team, make_user, login):
    team = make_team()
    lead = login(make_user("staff", team=team, team_role="lead"))
    tv = lead.post(f"/api/teams/{team.id}/displays", json={"device_name": "Ward TV"}).json
    signed_in = only("display.signed_in")
    assert (signed_in.actor_id, signed_in.target_id, signed_in.details["team_id"]) == (
        lead.user["id"], tv["device_id"], team.id)
    assert lead.delete(f"/api/teams/{team.id}/displays/{tv['device_id']}").status_code == 204
    assert only("display.signed_out").target_id == tv["device_id"]


def test_sign_ins_failed_blocked_and_succeeded_keep_no_password(client, make_user):
    user = make_user("staff")
    for _ in range(5):
        assert client.post("/api/auth/login", json={"email": user.email, "password": "Secret-Guess-1",
                                                    "device_name": "x"}).status_code == 401
    assert client.post("/api/auth/login", json={"email": "Secret-Typed-In-Email", "password": "y",
                                                "device_name": "x"}).status_code == 401
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD,
                                                "device_name": "x"}).status_code == 429
    failed = events("sign_in.failed")
    assert len(failed) == 6
    assert failed[0].target_id == user.id and failed[0].details["email"] == user.email.lower()
    # An address that is no account's may be a password typed in the wrong box: not kept.
    assert failed[-1].target_id is None and failed[-1].details["email"] is None
    blocked = only("sign_in.blocked")
    assert blocked.target_id == user.id
    everything = str([(e.details, e.target_id) for e in events()])
    assert "Secret" not in everything and PASSWORD not in everything


def test_admins_read_the_log_newest_first_with_filters_and_pages(admin, make_user, frozen):
    first = admin.post("/api/boards", json={"name": "One"}).json
    frozen.advance(hours=1)
    second = admin.post("/api/boards", json={"name": "Two"}).json
    other_admin = make_user("admin")  # made by a fixture: no actor
    body = admin.get("/api/audit?action=board.created").json
    assert [e["target_id"] for e in body["events"]] == [second["id"], first["id"]]
    assert set(body["events"][0]) == {"id", "at", "actor_id", "device_id", "action", "target_type", "target_id",
                                      "details"}
    assert body["events"][0]["at"] == "2026-10-22T10:00:00+00:00"
    since = admin.get("/api/audit?action=board.created&since=2026-10-22T09:30:00Z").json["events"]
    assert [e["target_id"] for e in since] == [second["id"]]
    mine = admin.get(f"/api/audit?actor_id={admin.user['id']}").json["events"]
    assert {e["action"] for e in mine} == {"sign_in.succeeded", "board.created"}
    family = admin.get("/api/audit?action=user.").json["events"]
    assert [e["target_id"] for e in family][0] == other_admin.id
    page = admin.get("/api/audit?limit=1&action=board.created").json
    assert [e["target_id"] for e in page["events"]] == [second["id"]]
    rest = admin.get(f"/api/audit?limit=1&action=board.created&before_id={page['next_before_id']}").json
    assert [e["target_id"] for e in rest["events"]] == [first["id"]]
    assert admin.get("/api/audit?limit=0").status_code == 422
    assert admin.get("/api/audit?since=yesterday").status_code == 422
    # A filter the database could not take (a NUL byte) is refused by name, and the next request works.
    refused = admin.get("/api/audit?action=user.%00")
    assert refused.status_code == 422 and refused.json["error"]["fields"].keys() == {"action"}, refused.json
    assert admin.get("/api/audit").status_code == 200


def test_the_log_exports_as_csv_with_the_same_filters(admin):
    admin.post("/api/boards", json={"name": "=HYPERLINK(\"x\")"})
    admin.post("/api/boards", json={"name": "Plain"})
    response = admin.get("/api/audit.csv?action=board.created")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["id", "at", "actor_id", "device_id", "action", "target_type", "target_id", "details"]
    assert len(rows) == 3 and rows[1][4] == "board.created" and '"Plain"' in rows[1][7]
    assert rows[1][2] == admin.user["id"] and rows[1][3] == admin.device_id
    assert admin.get("/api/audit.csv?action=nothing.like.this").get_data(as_text=True).count("\n") == 1


def test_no_route_changes_or_deletes_events(app, admin):
    admin.post("/api/boards", json={"name": "Kept"})
    event_id = events()[-1].id
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule
    for method in ("put", "patch", "delete", "post"):
        # Neither path takes anything but GET (an unknown /api/ path is GET-only too: its 404 page).
        assert getattr(admin, method)(f"/api/audit/{event_id}").status_code == 405
        assert getattr(admin, method)("/api/audit").status_code == 405
    assert only("board.created").details == {"name": "Kept"}


def test_the_database_refuses_to_rewrite_or_delete_an_event(app, admin):
    admin.post("/api/boards", json={"name": "History"})
    db.session.remove()
    for statement in ("UPDATE audit_events SET action = 'board.renamed'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(statement))
    assert only("board.created").details == {"name": "History"}


def test_sync_purge_leaves_the_log_alone(app, admin, frozen):
    admin.post("/api/boards", json={"name": "Old"})
    frozen.advance(days=800)
    result = app.test_cli_runner().invoke(args=["sync-purge"])
    assert result.exit_code == 0, result.output
    assert only("board.created").details == {"name": "Old"}


def test_secrets_are_refused_as_details(app):
    from server.audit.operations import record

    with pytest.raises(ValueError):
        record("password.changed", target_type="user", details={"new_password": "x"})
    with pytest.raises(ValueError):
        record("no.such.action", target_type="user")
