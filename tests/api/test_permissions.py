"""Every endpoint, every kind of caller: exactly the status they should get, and nothing of another team.

The world: team A (a lead, a member, a coach, and its board display: a ward TV signed in by the lead),
team B (an outsider who is a member of B only), and an admin. ``test_every_api_route_is_in_the_matrix`` keeps the matrix complete as endpoints are added.
"""

import dataclasses
from dataclasses import dataclass

import pytest

ROLES = ("admin", "lead", "member", "coach", "outsider", "display")


@dataclass
class World:
    team_a: object
    team_b: object
    callers: dict
    spare_user: object
    spare_coach: object
    assigned_coach: object
    a_member_device: str
    a_display_device: str


def sign_in_display(lead, team, device_name):
    """The lead signs a screen in as the team's board display: an ApiClient on that screen's token."""
    response = lead.post(f"/api/teams/{team.id}/displays", json={"device_name": device_name})
    assert response.status_code == 201, response.json
    body = response.json
    return dataclasses.replace(lead, token=body["token"], device_id=body["device_id"], user=body["user"])


@pytest.fixture
def world(make_board, make_team, make_user, login):
    team_a, team_b = make_team(board=make_board(), name="Team A"), make_team(board=make_board(), name="Team B")
    coach_user = make_user("coach", coach_of=[team_a])
    member_user = make_user("staff", team=team_a)
    lead = login(make_user("staff", team=team_a, team_role="lead"))
    callers = {
        "admin": login(make_user("admin")),
        "lead": lead,
        "member": login(member_user),
        "coach": login(coach_user),
        "outsider": login(make_user("staff", team=team_b)),
        "display": sign_in_display(lead, team_a, "Ward TV"),
    }
    return World(team_a, team_b, callers, spare_user=make_user("staff", team=team_a),
                 spare_coach=make_user("coach"), assigned_coach=make_user("coach", coach_of=[team_a]),
                 a_member_device=login(member_user, "Second phone").device_id,
                 a_display_device=sign_in_display(lead, team_a, "Staff room TV").device_id)


def push_subscription_body():
    """A browser's subscription at a real push service (the server never sends to it in this test)."""
    import base64
    import os
    import uuid

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}",
            "keys": {"p256dh": b64(point), "auth": b64(os.urandom(16))}}


def new_user_body():
    import uuid

    return {"email": f"{uuid.uuid4().hex[:10]}@example.org", "name": "Someone", "password": "long password",
            "role": "staff"}


# (method, path, body, {role: status}); paths use {a}, {b}, {spare}, {coach}, {assigned}, {device}, {board_a}.
EVERYONE_200 = {role: 200 for role in ROLES}
READERS_OF_A = {"admin": 200, "lead": 200, "member": 200, "coach": 200, "outsider": 404, "display": 200}
MANAGERS_OF_A = {"admin": 200, "lead": 200, "member": 403, "coach": 403, "outsider": 404, "display": 403}
ADMIN_ONLY = {"admin": 200, "lead": 403, "member": 403, "coach": 403, "outsider": 403, "display": 403}
BOARD_READERS = {"admin": 200, "lead": 403, "member": 403, "coach": 403, "outsider": 403, "display": 403}
ADMIN_ONLY_ON_A = {"admin": 200, "lead": 403, "member": 403, "coach": 403, "outsider": 404, "display": 403}


def _with(expected, success):
    return {role: (success if status == 200 else status) for role, status in expected.items()}


MATRIX = [
    ("GET", "/api/me", None, EVERYONE_200),
    ("GET", "/api/devices", None, EVERYONE_200),
    # The device belongs to the member: their own to revoke, and invisible to anyone else but an admin.
    # A board display signs nothing out, itself included: that is for the team's lead.
    ("DELETE", "/api/devices/{device}", None,
     {"admin": 204, "lead": 404, "member": 204, "coach": 404, "outsider": 404, "display": 403}),
    ("POST", "/api/auth/logout", None, {**{role: 204 for role in ROLES}, "display": 403}),
    ("GET", "/api/users", None, ADMIN_ONLY),
    # People search: admins and board leads (a board lead is tested in tests/admin/).
    ("GET", "/api/users?q=user&limit=5", None, ADMIN_ONLY),
    ("POST", "/api/users", new_user_body, _with(ADMIN_ONLY, 201)),
    ("GET", "/api/boards", None, EVERYONE_200),
    ("GET", "/api/boards?archived=true", None, ADMIN_ONLY),
    # Renaming a board: admins and its board leads; archiving it: admins (board leads: tests/admin/).
    ("PATCH", "/api/boards/{board_a}", lambda: {"name": "Board renamed"}, ADMIN_ONLY),
    ("POST", "/api/boards", lambda: {"name": "A new board"}, _with(ADMIN_ONLY, 201)),
    ("GET", "/api/teams", None, EVERYONE_200),
    ("GET", "/api/teams?archived=true", None, ADMIN_ONLY),
    ("POST", "/api/teams", "new_team", _with(ADMIN_ONLY, 201)),
    ("GET", "/api/teams/{a}", None, READERS_OF_A),
    ("PATCH", "/api/teams/{a}", lambda: {"service": "Changed"}, MANAGERS_OF_A),
    # Archiving a team: admins and the board lead of its board, never the team's own lead.
    ("PATCH", "/api/teams/{a}", lambda: {"archived": True}, ADMIN_ONLY_ON_A),
    ("GET", "/api/teams/{a}/members", None, READERS_OF_A),
    ("PUT", "/api/teams/{a}/members/{spare}", lambda: {"role": "lead"}, MANAGERS_OF_A),
    # Someone from no team of the lead's board: "not found" to the lead, as an unknown id (issue 17).
    ("PUT", "/api/teams/{a}/members/{coach}", lambda: {"role": "member"}, {**MANAGERS_OF_A, "lead": 404}),
    ("DELETE", "/api/teams/{a}/members/{spare}", None, _with(MANAGERS_OF_A, 204)),
    ("PUT", "/api/teams/{a}/coaches/{coach}", None, ADMIN_ONLY_ON_A),
    ("DELETE", "/api/teams/{a}/coaches/{assigned}", None, _with(ADMIN_ONLY_ON_A, 204)),
    ("GET", "/api/teams/{a}/boxscore", None, READERS_OF_A),
    ("GET", "/api/teams/{a}/boxscore.csv", None, READERS_OF_A),
    ("GET", "/api/teams/{a}/boxscore.xlsx", None, READERS_OF_A),
    # Importing values: the team's leads and coaches, and admins (a preview of a file with no rows).
    ("POST", "/api/teams/{a}/measure-values/import", "values_file",
     {"admin": 200, "lead": 200, "member": 403, "coach": 200, "outsider": 404, "display": 403}),
    # Sync: every signed-in device pulls the teams it may read; a push for another device is refused for
    # everyone (which records each role may write is per mutation, in tests/sync_api); conflicts of team A
    # are for its readers (403 for the rest, as the sync protocol pins it: a team id alone reveals nothing).
    ("POST", "/api/sync/push", lambda: {"client_id": "someone-else", "schema_version": 1, "mutations": []},
     {role: 403 for role in ROLES}),
    ("GET", "/api/sync/pull", None, EVERYONE_200),
    ("GET", "/api/sync/conflicts", None, {role: 422 for role in ROLES}),
    ("GET", "/api/sync/conflicts?team_id={a}", None, {**READERS_OF_A, "outsider": 403}),
    # Board displays (ward TVs) are signed in and out by the team's leads and admins.
    ("POST", "/api/teams/{a}/displays", lambda: {"device_name": "Corridor TV"}, _with(MANAGERS_OF_A, 201)),
    ("GET", "/api/teams/{a}/displays", None, MANAGERS_OF_A),
    ("DELETE", "/api/teams/{a}/displays/{display}", None, _with(MANAGERS_OF_A, 204)),
    # Live updates: anyone signed in listens to the teams they read; naming a team they cannot read is 404.
    ("GET", "/api/sync/events", "stream", EVERYONE_200),
    ("GET", "/api/sync/events?team_id={a}", "stream", READERS_OF_A),
    # Milestones: the team's readers see them; its coach (or an admin) confirms a manual one.
    ("GET", "/api/teams/{a}/milestones", None, READERS_OF_A),
    ("POST", "/api/teams/{a}/milestones/{code}", None,
     {"admin": 201, "lead": 403, "member": 403, "coach": 201, "outsider": 404, "display": 403}),
    # Push subscriptions, the inbox and notification settings are each caller's own: another's (or an
    # unknown) subscription or notification is 404 for everyone.
    ("GET", "/api/push/subscriptions", None, EVERYONE_200),
    ("POST", "/api/push/subscriptions", push_subscription_body, {role: 201 for role in ROLES}),
    ("DELETE", "/api/push/subscriptions/{unknown}", None, {role: 404 for role in ROLES}),
    ("GET", "/api/notifications", None, EVERYONE_200),
    ("POST", "/api/notifications/{unknown}/read", None, {role: 404 for role in ROLES}),
    ("GET", "/api/notification-settings", None, EVERYONE_200),
    # Fidelity: coaches (their teams), board leads (their board) and admins; the period is required.
    ("GET", "/api/fidelity", None, {role: 422 for role in ROLES}),
    ("GET", "/api/fidelity?from=2026-10-01&to=2026-10-21", None,
     {"admin": 200, "lead": 403, "member": 403, "coach": 200, "outsider": 403, "display": 403}),
    # A team's fidelity week by week with its protected time: everyone who reads the team.
    ("GET", "/api/teams/{a}/fidelity", None, READERS_OF_A),
    # Coaching notes: the team's leads and coaches read them (never its staff or its ward TV); the
    # team's coach or an admin writes them; an unknown note is 404 to those who may read the team's.
    ("GET", "/api/teams/{a}/coaching-notes", None,
     {"admin": 200, "lead": 200, "member": 403, "coach": 200, "outsider": 404, "display": 403}),
    ("POST", "/api/teams/{a}/coaching-notes", lambda: {"held_on": "2026-10-01", "discussed": "Huddle timing"},
     {"admin": 201, "lead": 403, "member": 403, "coach": 201, "outsider": 404, "display": 403}),
    ("PUT", "/api/teams/{a}/coaching-notes/{unknown}", lambda: {"held_on": "2026-10-01", "discussed": "Huddle timing"},
     {"admin": 404, "lead": 404, "member": 403, "coach": 404, "outsider": 404, "display": 403}),
    ("DELETE", "/api/teams/{a}/coaching-notes/{unknown}", None,
     {"admin": 404, "lead": 404, "member": 403, "coach": 404, "outsider": 404, "display": 403}),
    # The weekly rota: the team's readers see it; its leads (and admins) set it; each caller reads
    # what they are on this week in their own teams.
    ("GET", "/api/teams/{a}/rota", None, READERS_OF_A),
    ("PUT", "/api/teams/{a}/rota", lambda: {"remind_day": "monday", "remind_time": "09:00", "tasks": {}}, MANAGERS_OF_A),
    ("GET", "/api/rota/mine", None, EVERYONE_200),
    # The caseload is a coach's list of the teams they follow.
    ("GET", "/api/caseload", None, {**{role: 403 for role in ROLES}, "coach": 200}),
    # The shared learning library: everyone who works in a team, coaches and admins search it (not ward
    # TVs); a team's drafts are for its leads, its coaches and admins; only a lead consents (an unknown
    # item is 404 to those who may see the team's drafts).
    ("GET", "/api/library", None, {**EVERYONE_200, "display": 403}),
    ("GET", "/api/library/{unknown}", None, {**{role: 404 for role in ROLES}, "display": 403}),
    ("POST", "/api/library/{unknown}/adopt", "adopt_into_a", {**{role: 404 for role in ROLES}, "display": 403}),
    ("GET", "/api/teams/{a}/shared-items", None,
     {"admin": 200, "lead": 200, "member": 403, "coach": 200, "outsider": 404, "display": 403}),
    ("POST", "/api/teams/{a}/shared-items", lambda: {"kind": "case_study", "title": "Huddle at the nurses' station",
                                                     "text": "We moved the huddle and everyone came."},
     {"admin": 201, "lead": 201, "member": 403, "coach": 201, "outsider": 404, "display": 403}),
    ("POST", "/api/teams/{a}/shared-items/{unknown}/consent", None,
     {"admin": 404, "lead": 404, "member": 403, "coach": 404, "outsider": 404, "display": 403}),
    ("DELETE", "/api/teams/{a}/shared-items/{unknown}/consent", None,
     {"admin": 404, "lead": 404, "member": 403, "coach": 404, "outsider": 404, "display": 403}),
    ("DELETE", "/api/teams/{a}/shared-items/{unknown}", None,
     {"admin": 404, "lead": 404, "member": 403, "coach": 404, "outsider": 404, "display": 403}),
    # Board leads are made by admins (an unknown board or user is 404 to them).
    ("PUT", "/api/boards/{unknown}/leads/{unknown}", None, {**{role: 403 for role in ROLES}, "admin": 404}),
    ("DELETE", "/api/boards/{unknown}/leads/{unknown}", None, {**{role: 403 for role in ROLES}, "admin": 404}),
    # Board and national views, the trend and the board report: admins and board leads (a board lead
    # is tested in tests/reports/); everyone else 403, and an unknown board is 404 to an admin.
    ("GET", "/api/overview", None, BOARD_READERS),
    ("GET", "/api/overview?from=2026-10-01&to=2026-10-21", None, BOARD_READERS),
    ("GET", "/api/overview?from=2026-10-21&to=2026-10-01", None, {role: 422 for role in ROLES}),
    ("GET", "/api/fidelity/trend", None, BOARD_READERS),
    ("GET", "/api/fidelity/trend?board_id={board_a}", None, BOARD_READERS),
    ("GET", "/api/boards/{board_a}/overview", None, BOARD_READERS),
    ("GET", "/api/boards/{board_a}/report", None, BOARD_READERS),
    ("GET", "/api/boards/{board_a}/report?from=2026-10-01&to=2026-11-30", None, BOARD_READERS),
    ("GET", "/api/boards/{board_a}/report.csv", None, BOARD_READERS),
    ("GET", "/api/boards/{board_a}/report.xlsx", None, BOARD_READERS),
    ("GET", "/api/boards/{unknown}/report", None, {**BOARD_READERS, "admin": 404}),
    # Administration (issue 15): the audit log, people's details, deactivation and password resets are
    # for admins; an invitation without a team only from an admin (board leads: tests/invitations).
    ("GET", "/api/audit", None, ADMIN_ONLY),
    ("GET", "/api/audit.csv", None, ADMIN_ONLY),
    ("PATCH", "/api/users/{spare}", lambda: {"name": "Renamed Person"}, ADMIN_ONLY),
    ("POST", "/api/users/{spare}/deactivate", None, ADMIN_ONLY),
    ("POST", "/api/users/{spare}/reactivate", None, ADMIN_ONLY),
    ("POST", "/api/users/{spare}/password-reset", lambda: {}, ADMIN_ONLY),
    # A person's details and devices, and signing one of them out: admins.
    ("GET", "/api/users/{spare}", None, ADMIN_ONLY),
    ("GET", "/api/users/{member}/devices", None, ADMIN_ONLY),
    ("DELETE", "/api/users/{member}/devices/{device}", None, _with(ADMIN_ONLY, 204)),
    # Importing people from a CSV file (a preview here): admins and board leads (tests/admin/).
    ("POST", "/api/people-imports", "people_csv", ADMIN_ONLY),
    ("POST", "/api/invitations", lambda: {k: v for k, v in new_user_body().items() if k != "password"},
     _with(ADMIN_ONLY, 201)),
    # Everyone changes their own password; a board display has none.
    ("POST", "/api/me/password", lambda: {"current_password": "correct horse battery",
                                          "new_password": "a brand new passphrase"},
     {**{role: 204 for role in ROLES}, "display": 403}),
    ("PUT", "/api/notification-settings", lambda: {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00", "off": []},
     EVERYONE_200),
]


def _path(template, world):
    return template.format(a=world.team_a.id, b=world.team_b.id, spare=world.spare_user.id,
                           coach=world.spare_coach.id, assigned=world.assigned_coach.id, device=world.a_member_device,
                           display=world.a_display_device, code="vision_agreed",
                           member=world.callers["member"].user["id"], board_a=world.team_a.board_id, unknown="8d1f0c7e-0000-4000-8000-000000000000")


CASES = [(m, p, b, role, exp[role]) for m, p, b, exp in MATRIX for role in ROLES]


@pytest.mark.parametrize("method,template,body,role,expected", CASES,
                         ids=[f"{m} {p} as {r}" for m, p, _, r, _ in CASES])
def test_endpoint_gives_each_role_exactly_its_status(world, method, template, body, role, expected):
    api = world.callers[role]
    if body == "new_team":
        payload = {"board_id": world.team_b.board_id, "name": "Brand new team"}
    elif body == "adopt_into_a":
        payload = {"team_id": world.team_a.id}
    elif body in ("values_file", "stream", "people_csv"):
        payload = None
    else:
        payload = body() if callable(body) else body
    kwargs = {"json": payload} if payload is not None else {}
    if body == "stream":  # an event stream never ends: read its opening only
        kwargs = {"buffered": False}
    if body == "people_csv":
        kwargs = {"data": "name,email,role,team\r\nNew Person,new.person@example.org,staff,Team A\r\n",
                  "content_type": "text/csv"}
    if body == "values_file":
        import io

        kwargs = {"data": {"file": (io.BytesIO(b"Measure,2026-W01\r\n"), "values.csv")},
                  "content_type": "multipart/form-data"}
    response = getattr(api, method.lower())(_path(template, world), **kwargs)
    assert response.status_code == expected, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert set(response.json) == {"error"}
    if body == "stream" and response.status_code == 200:
        text = next(iter(response.response)).decode()
        response.close()
    else:
        text = response.get_data().decode("utf-8", "replace")  # exports may be binary (.xlsx)
    if role == "outsider":
        assert world.team_a.id not in text and "Team A" not in text
    if role in ("lead", "member", "coach", "display"):
        assert world.team_b.id not in text and "Team B" not in text


def test_every_api_route_is_in_the_matrix(app):
    covered = {(m, p) for m, p, _, _ in MATRIX}
    public = {("GET", "/api/health"), ("POST", "/api/auth/login"), ("GET", "/api/openapi.json"),
              ("GET", "/api/push/vapid-public-key"), ("GET", "/api/invitations/<token>"),
              ("POST", "/api/invitations/<token>/accept")}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = rule.rule.replace("<team_id>", "{a}").replace("<device_id>", "{device}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, path))
    normalised_matrix = {(m, p.split("?")[0].replace("{spare}", "<user_id>").replace("{member}", "<user_id>").replace("{coach}", "<user_id>")
                          .replace("{assigned}", "<user_id>").replace("{display}", "{device}").replace("{code}", "<code>")
                          .replace("subscriptions/{unknown}", "subscriptions/<subscription_id>")
                          .replace("boards/{unknown}/leads/{unknown}", "boards/<board_id>/leads/<user_id>")
                          .replace("boards/{board_a}", "boards/<board_id>")
                          .replace("notifications/{unknown}", "notifications/<notification_id>")
                          .replace("coaching-notes/{unknown}", "coaching-notes/<note_id>")
                          .replace("shared-items/{unknown}", "shared-items/<item_id>")
                          .replace("library/{unknown}", "library/<item_id>")) for m, p in covered}
    missing = {r for r in routes - public if r not in normalised_matrix}
    assert not missing, f"endpoints with no permission expectations: {sorted(missing)}"
