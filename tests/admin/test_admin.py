"""Administration in the app (issue 15), on both databases: renaming and archiving boards and teams and
what then stops being listed, people search with a cursor, a person's details, their devices and
signing one out, and importing people from a CSV file (preview, all or nothing, limits). Each change
leaves exactly the audit events it should."""

import io

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.accounts.operations import create_user
from server.audit.models import AuditEvent
from server.extensions import db
from server.organisations.models import Membership
from server.organisations.operations import assign_board_lead, set_membership

HEADER = "name,email,role,team,team role\r\n"


@pytest.fixture
def board_lead_of(make_user, login):
    def make(board):
        user = make_user("board_lead")
        assign_board_lead(board.id, user.id)
        db.session.commit()
        return login(user)

    return make


def events(action, target_id=None):
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return list(db.session.scalars(query))


def count_events():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def team_ids(response):
    assert response.status_code == 200, response.json
    return {t["id"] for t in response.json["teams"]}


# ---------------------------------------------------------------------------------------------------
# boards
# ---------------------------------------------------------------------------------------------------
def test_board_is_renamed_by_admins_and_its_board_lead_and_archived_by_admins_only(admin, make_board, make_team,
                                                                                    board_lead_of, make_user, login):
    board, other = make_board("North"), make_board("South")
    team = make_team(board=board, name="Ward 1")
    lead = board_lead_of(board)
    member = login(make_user("staff", team=team))

    renamed = admin.patch(f"/api/boards/{board.id}", json={"name": "NHS North"})
    assert renamed.status_code == 200
    assert renamed.json == {"id": board.id, "name": "NHS North", "archived": False}
    assert lead.patch(f"/api/boards/{board.id}", json={"name": "NHS North East"}).json["name"] == "NHS North East"
    assert [e.details for e in events("board.renamed", board.id)] == [
        {"from": "North", "to": "NHS North"}, {"from": "NHS North", "to": "NHS North East"}]
    # Another board, or archiving: not for a board lead; a name taken: 409; bad input: 422.
    assert lead.patch(f"/api/boards/{other.id}", json={"name": "Mine now"}).status_code == 403
    refused = lead.patch(f"/api/boards/{board.id}", json={"archived": True})
    assert refused.status_code == 403 and "administrator" in refused.json["error"]["message"]
    assert admin.patch(f"/api/boards/{board.id}", json={"name": "south"}).json["error"]["code"] == "board_exists"
    assert admin.patch(f"/api/boards/{board.id}", json={"archived": "maybe"}).status_code == 422
    assert admin.patch(f"/api/boards/{board.id}", json={"name": "x" * 121}).status_code == 422
    assert admin.patch("/api/boards/8d1f0c7e-0000-4000-8000-000000000000", json={"name": "Nowhere"}).status_code == 404
    assert member.patch(f"/api/boards/{board.id}", json={"name": "Ours"}).status_code == 403

    archived = admin.patch(f"/api/boards/{board.id}", json={"archived": True})
    assert archived.status_code == 200 and archived.json["archived"] is True
    assert admin.patch(f"/api/boards/{board.id}", json={"archived": True}).status_code == 200  # no change
    assert len(events("board.archived", board.id)) == 1
    listed = {b["id"] for b in admin.get("/api/boards").json["boards"]}
    assert board.id not in listed and other.id in listed
    assert board.id in {b["id"] for b in admin.get("/api/boards?archived=true").json["boards"]}
    assert member.get("/api/boards?archived=true").status_code == 403
    # Its teams keep their history but are listed nowhere.
    assert team.id not in team_ids(admin.get("/api/teams"))
    assert team.id not in team_ids(member.get("/api/me"))
    assert member.get(f"/api/teams/{team.id}").status_code == 200

    assert admin.patch(f"/api/boards/{board.id}", json={"archived": False}).json["archived"] is False
    assert len(events("board.unarchived", board.id)) == 1
    assert team.id in team_ids(member.get("/api/me"))


# ---------------------------------------------------------------------------------------------------
# teams
# ---------------------------------------------------------------------------------------------------
def test_archived_team_is_no_longer_listed_but_keeps_its_history(admin, make_board, make_team, make_user, login,
                                                                  board_lead_of):
    board = make_board()
    team, kept = make_team(board=board, name="Ward 2"), make_team(board=board, name="Ward 3")
    team_lead = login(make_user("staff", team=team, team_role="lead"))
    member = login(make_user("staff", team=team))
    coach = login(make_user("coach", coach_of=[team, kept]))
    lead = board_lead_of(board)

    refused = team_lead.patch(f"/api/teams/{team.id}", json={"archived": True})
    assert refused.status_code == 403
    assert "not the team's lead" in refused.json["error"]["message"]
    assert team_lead.patch(f"/api/teams/{team.id}", json={"service": "Surgery"}).status_code == 200  # still theirs

    archived = lead.patch(f"/api/teams/{team.id}", json={"archived": True})
    assert archived.status_code == 200 and archived.json["archived"] is True
    assert len(events("team.archived", team.id)) == 1

    for caller in (admin, member, coach, lead):
        assert team.id not in team_ids(caller.get("/api/teams"))
    assert team.id in team_ids(admin.get("/api/teams?archived=true"))
    assert team.id in team_ids(lead.get("/api/teams?archived=true"))
    assert member.get("/api/teams?archived=true").status_code == 403
    me = member.get("/api/me").json
    assert me["teams"] == []
    assert [t["id"] for t in coach.get("/api/me").json["coached_teams"]] == [kept.id]
    period = "from=2026-10-01&to=2026-10-21"
    for caller in (admin, coach, lead):
        rows = caller.get(f"/api/fidelity?{period}").json["teams"]
        assert team.id not in {r["team_id"] for r in rows} and kept.id in {r["team_id"] for r in rows}
    assert [t["team_id"] for t in coach.get("/api/caseload").json["teams"]] == [kept.id]
    overview = admin.get(f"/api/boards/{board.id}/overview?{period}").json
    assert [r["team_id"] for r in overview["teams"]] == [kept.id]
    assert admin.get(f"/api/fidelity/trend?board_id={board.id}").json["teams"] == 1
    # History stays: the team can be read by id, with its settings.
    kept_team = member.get(f"/api/teams/{team.id}").json
    assert kept_team["service"] == "Surgery" and kept_team["archived"] is True

    # Unarchive and rename at once: the rename is the usual team.changed, the unarchive its own event.
    back = admin.patch(f"/api/teams/{team.id}", json={"archived": False, "name": "Ward 2 East"})
    assert back.status_code == 200 and back.json["archived"] is False
    assert len(events("team.unarchived", team.id)) == 1
    assert events("team.changed", team.id)[-1].details == {"changes": {"name": {"from": "Ward 2", "to": "Ward 2 East"}}}
    assert team.id in team_ids(member.get("/api/me"))
    assert admin.patch(f"/api/teams/{team.id}", json={"archived": None}).status_code == 422


# ---------------------------------------------------------------------------------------------------
# people search
# ---------------------------------------------------------------------------------------------------
def _people(n, prefix="Searchable"):
    people = [create_user(email=f"{prefix.lower()}-{i:03d}@Example.org", name=f"{prefix} {i:03d}", password=None,
                          role="coach" if i % 10 == 0 else "staff") for i in range(n)]
    db.session.commit()
    return people


def test_people_search_pages_with_a_cursor_in_name_order(admin):
    people = _people(120)
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/users?q=SEARCHABLE&limit=50" + (f"&cursor={cursor}" if cursor else "")
        page = admin.get(path)
        assert page.status_code == 200, page.json
        pages += 1
        seen += [u["name"] for u in page.json["users"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == [p.name for p in people]
    # By email, any case; by role; by whether they are active.
    found = admin.get("/api/users?q=searchable-007@example").json
    assert [u["name"] for u in found["users"]] == ["Searchable 007"] and found["next_cursor"] is None
    assert set(found["users"][0]) == {"id", "name", "email", "role", "active", "must_change_password"}
    coaches = admin.get("/api/users?q=searchable&role=coach&limit=200").json["users"]
    assert len(coaches) == 12 and {u["role"] for u in coaches} == {"coach"}
    assert admin.post(f"/api/users/{people[5].id}/deactivate").status_code == 200
    assert [u["id"] for u in admin.get("/api/users?q=searchable&active=false").json["users"]] == [people[5].id]
    # Without q: everyone, 50 at a time.
    assert len(admin.get("/api/users").json["users"]) == 50
    # Nothing matched: an empty page; a wildcard is a plain character.
    assert admin.get("/api/users?q=nobody-at-all").json == {"users": [], "next_cursor": None}
    assert admin.get("/api/users?q=%25").json["users"] == []


def test_people_search_refuses_bad_input_and_gives_board_leads_only_the_basics(admin, make_board, make_team,
                                                                               board_lead_of, make_user, login):
    board = make_board()
    for person in _people(3, "Findme"):
        set_membership(make_team(board=board), person.id, "member")
    _people(1, "Findmeelsewhere")  # in no team of the board: board leads find them only by exact email
    db.session.commit()
    for query, field in (("limit=0", "limit"), ("limit=201", "limit"), ("cursor=not-a-cursor", "cursor"),
                         ("role=king", "role"), ("active=perhaps", "active")):
        response = admin.get(f"/api/users?{query}")
        assert response.status_code == 422, query
        assert field in response.json["error"]["fields"]
    lead = board_lead_of(board)
    found = lead.get("/api/users?q=findme")
    assert found.status_code == 200
    assert [set(u) for u in found.json["users"]] == [{"id", "name", "email", "role", "active"}] * 3
    assert login(make_user("staff")).get("/api/users?q=findme").status_code == 403


# ---------------------------------------------------------------------------------------------------
# a person's details, their devices
# ---------------------------------------------------------------------------------------------------
def test_person_details_show_their_teams_coaching_and_board(admin, make_board, make_team, make_user):
    board = make_board("East")
    ward, clinic = make_team(board=board, name="Ward 4"), make_team(board=board, name="Clinic")
    person = make_user("staff", team=ward, team_role="lead")
    coach = make_user("coach", coach_of=[clinic])
    board_lead = make_user("board_lead")
    assign_board_lead(board.id, board_lead.id)
    db.session.commit()
    admin.patch(f"/api/teams/{clinic.id}", json={"archived": True})

    details = admin.get(f"/api/users/{person.id}")
    assert details.status_code == 200
    body = details.json
    assert body["id"] == person.id and body["role"] == "staff" and body["active"] is True
    assert body["memberships"] == [{"team_id": ward.id, "team_name": "Ward 4", "board_id": board.id, "role": "lead",
                                    "archived": False}]
    assert body["coached_teams"] == [] and body["boards_led"] == []
    assert admin.get(f"/api/users/{coach.id}").json["coached_teams"] == [
        {"team_id": clinic.id, "team_name": "Clinic", "board_id": board.id, "archived": True}]
    assert admin.get(f"/api/users/{board_lead.id}").json["boards_led"] == [{"board_id": board.id, "board_name": "East"}]
    assert admin.get("/api/users/8d1f0c7e-0000-4000-8000-000000000000").status_code == 404


def test_admin_lists_and_signs_out_a_persons_devices(admin, make_user, login):
    person = make_user("staff")
    phone, tablet = login(person, "Phone"), login(person, "Tablet")
    listed = admin.get(f"/api/users/{person.id}/devices")
    assert listed.status_code == 200
    devices = listed.json["devices"]
    assert [d["name"] for d in devices] == ["Phone", "Tablet"]
    assert set(devices[0]) == {"id", "name", "created_at", "last_seen_at", "last_sync_at", "revoked_at"}
    assert devices[0]["revoked_at"] is None and devices[0]["last_sync_at"] is None

    assert admin.delete(f"/api/users/{person.id}/devices/{phone.device_id}").status_code == 204
    assert phone.get("/api/me").status_code == 401
    assert tablet.get("/api/me").status_code == 200
    assert admin.delete(f"/api/users/{person.id}/devices/{phone.device_id}").status_code == 204  # already out
    assert len(events("device.revoked", phone.device_id)) == 1
    revoked = admin.get(f"/api/users/{person.id}/devices").json["devices"][0]
    assert revoked["revoked_at"] is not None
    # Another person's device under this person: not found.
    other = login(make_user("staff"))
    assert admin.delete(f"/api/users/{person.id}/devices/{other.device_id}").status_code == 404
    assert other.get("/api/me").status_code == 200
    assert admin.get("/api/users/8d1f0c7e-0000-4000-8000-000000000000/devices").status_code == 404


# ---------------------------------------------------------------------------------------------------
# importing people
# ---------------------------------------------------------------------------------------------------
def post_csv(caller, text, commit=False, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return caller.post("/api/people-imports" + ("?commit=true" if commit else ""), data=data,
                       content_type="text/csv", **kwargs)


def test_import_preview_names_each_rows_problems_and_writes_nothing(admin, make_board, make_team, make_user,
                                                                    board_lead_of):
    board = make_board()
    ward = make_team(board=board, name="Ward 5")
    elsewhere = make_team(name="Elsewhere")
    known = make_user("staff", email="Known.Person@example.org", name="Known Person")
    before = (count_events(), db.session.scalar(sa.select(sa.func.count()).select_from(User)))
    text = ("Team Role,EMAIL,Name,Role,Team\r\n"  # any order, any case
            "lead,ann@example.org,Ann Able,staff,ward 5\r\n"
            ",not-an-email,Bad Email,staff,Ward 5\r\n"
            ",bob@example.org,Bob Lost,staff,No Such Ward\r\n"
            ",ANN@example.org,Ann Again,staff,\r\n"
            ",known.person@EXAMPLE.org,Another Name,coach,Ward 5\r\n"
            ",cy@example.org,,king,Ward 5\r\n"
            "boss,di@example.org,Di,staff,Ward 5\r\n"
            f",eve@example.org,Eve,admin,{elsewhere.id}\r\n")
    response = post_csv(admin, text)
    assert response.status_code == 200, response.json
    rows = response.json["rows"]
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert rows[0] == {"line": 2, "name": "Ann Able", "email": "ann@example.org", "role": "staff",
                       "team_id": ward.id, "team_name": "Ward 5", "team_role": "lead", "action": "create",
                       "note": None, "errors": []}
    fields = [[e["field"] for e in r["errors"]] for r in rows]
    assert fields == [[], ["email"], ["team"], ["email"], [], ["name", "role"], ["team role"], []]
    assert "line 2" in rows[3]["errors"][0]["message"]
    assert rows[4]["action"] == "add_membership" and "not changed" in rows[4]["note"]
    assert rows[7]["team_id"] == elsewhere.id and rows[7]["action"] == "create"
    assert response.json["summary"] == {"rows": 8, "create": 2, "add_membership": 1, "nothing": 0, "errors": 5}
    assert (count_events(), db.session.scalar(sa.select(sa.func.count()).select_from(User))) == before
    assert known.name == "Known Person"

    # A board lead: staff only, into their board's teams only.
    lead = board_lead_of(board)
    text = HEADER + ("Fay,fay@example.org,staff,Ward 5,\r\nGus,gus@example.org,admin,Ward 5,\r\n"
                     "Hal,hal@example.org,staff,Elsewhere,\r\nIvy,ivy@example.org,staff,,\r\n")
    rows = post_csv(lead, text).json["rows"]
    assert [[e["field"] for e in r["errors"]] for r in rows] == [[], ["role"], ["team"], ["team"]]
    assert "staff only" in rows[1]["errors"][0]["message"]


def test_import_commit_is_all_or_nothing_and_invites_each_new_person(admin, make_team, make_user, client):
    ward = make_team(name="Ward 6")
    known = make_user("coach", email="known@example.org", name="Known Coach")
    good = HEADER + "Jo Jones,jo@example.org,staff,Ward 6,lead\r\nKit King,kit@example.org,coach,,\r\n" \
                    "Someone Else,KNOWN@example.org,staff,Ward 6,\r\n"
    before = count_events()
    refused = post_csv(admin, good + "Lou,lou@,staff,Ward 6,\r\n", commit=True)
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] == "import_has_errors" and "nothing was imported" in error["message"]
    assert error["summary"]["errors"] == 1 and error["rows"][3]["errors"][0]["field"] == "email"
    assert count_events() == before
    assert db.session.scalar(sa.select(User.id).where(User.email_normalised == "jo@example.org")) is None

    done = post_csv(admin, good, commit=True)
    assert done.status_code == 201, done.json
    rows = done.json["rows"]
    assert [r["action"] for r in rows] == ["create", "create", "add_membership"]
    assert set(rows[0]["invitation"]) == {"id", "url", "expires_at", "emailed"} and "invitation" not in rows[2]
    assert done.json["summary"] == {"rows": 3, "create": 2, "add_membership": 1, "nothing": 0, "errors": 0}
    token = rows[0]["invitation"]["url"].rsplit("/invite/", 1)[1]
    assert client.get(f"/api/invitations/{token}").json["team_name"] == "Ward 6"
    members = {m["email"]: m["role"] for m in admin.get(f"/api/teams/{ward.id}/members").json["members"]}
    assert members == {"jo@example.org": "lead", "known@example.org": "member"}
    db.session.expire_all()
    assert (known.name, known.role) == ("Known Coach", "coach")  # only the membership
    jo = db.session.scalar(sa.select(User).where(User.email_normalised == "jo@example.org"))
    kit = db.session.scalar(sa.select(User).where(User.email_normalised == "kit@example.org"))
    # As if each had been invited or added one by one.
    for person in (jo, kit):
        assert len(events("user.created", person.id)) == 1 and len(events("invitation.created", person.id)) == 1
    assert len(events("membership.set", jo.id)) == 1 and events("membership.set", kit.id) == []
    assert len(events("membership.set", known.id)) == 1
    assert count_events() == before + 6

    # The same file again: everyone exists and is in place.
    again = post_csv(admin, good, commit=True)
    assert [r["action"] for r in again.json["rows"]] == ["nothing", "nothing", "nothing"]
    assert count_events() == before + 6


def test_import_reads_a_multipart_upload(admin, make_team):
    make_team(name="Ward 7")
    body = (HEADER + "Max Moss,max@example.org,staff,ward 7,\r\n").encode("utf-8-sig")  # Excel's BOM too
    response = admin.post("/api/people-imports", data={"file": (io.BytesIO(body), "people.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["rows"][0]["team_name"] == "Ward 7"
    missing = admin.post("/api/people-imports", data={"other": (io.BytesIO(body), "people.csv")},
                         content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["error"]["fields"]


def test_import_limits_and_unreadable_files(admin):
    big = HEADER + "".join(f"Person {i},p{i}@example.org,staff,,\r\n" for i in range(30000))
    assert len(big.encode()) > 1024 * 1024
    too_big = post_csv(admin, big)
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "import_too_large"
    rows = post_csv(admin, HEADER + "".join(f"P{i},p{i}@example.org,staff,,\r\n" for i in range(2001)))
    assert rows.status_code == 422 and rows.json["error"]["code"] == "import_too_large"
    assert "2000" in rows.json["error"]["message"]
    assert post_csv(admin, HEADER + "".join(f"P{i},p{i}@example.org,staff,,\r\n" for i in range(2000))
                    ).json["summary"]["create"] == 2000
    wide = post_csv(admin, "name,email,role," + ",".join(f"c{i}" for i in range(18)) + "\r\n")
    assert wide.status_code == 422 and wide.json["error"]["code"] == "import_too_large"
    assert "20" in wide.json["error"]["message"]
    for unreadable in ("name,email,role\r\nZoë,z@example.org,staff\r\n".encode("latin-1"),  # not UTF-8
                       b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # not text
                       b"", b"email,role\r\nx@example.org,staff\r\n",  # empty; no name column
                       b'name,email,role\r\n"unclosed,x@example.org,staff\r\n'):  # not CSV
        response = post_csv(admin, unreadable)
        assert response.status_code == 422, unreadable
        assert response.json["error"]["code"] == "import_unreadable", response.json
    assert post_csv(admin, b"name,email,role\r\n").json["summary"]["rows"] == 0
