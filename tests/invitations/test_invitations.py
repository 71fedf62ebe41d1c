"""Invitations: a single-use link, 7 days, to choose a password; board leads' limits; e-mail."""

import smtplib

import pytest


NOW = "2026-10-22T09:00:00Z"  # where the frozen fixture (tests/conftest.py) stands the clock
GOOD = "my own good passphrase"


def token_of(body):
    return body["url"].rsplit("/invite/", 1)[1]


def invite(caller, **extra):
    return caller.post("/api/invitations", json={"email": "new.person@example.org", "name": "New Person",
                                                 "role": "staff", **extra})


def test_invitation_link_lets_the_person_choose_a_password_once(admin, make_team, client, frozen):
    team = make_team(name="Ward 9")
    response = invite(admin, team_id=team.id, team_role="lead")
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"id", "url", "expires_at", "emailed"} and body["emailed"] is False
    assert body["url"].startswith("http://localhost/invite/") and len(token_of(body)) >= 22
    assert body["expires_at"] == "2026-10-29T09:00:00+00:00"
    token = token_of(body)
    # Listed at once, in the team; not able to sign in yet.
    assert [m["role"] for m in admin.get(f"/api/teams/{team.id}/members").json["members"]] == ["lead"]
    assert client.post("/api/auth/login", json={"email": "new.person@example.org", "password": GOOD,
                                                "device_name": "x"}).status_code == 401
    shown = client.get(f"/api/invitations/{token}")
    assert shown.json == {"name": "New Person", "email": "new.person@example.org", "team_name": "Ward 9",
                          "purpose": "invite", "expires_at": "2026-10-29T09:00:00+00:00"}
    weak = client.post(f"/api/invitations/{token}/accept", json={"password": "password", "device_name": "Phone"})
    assert weak.status_code == 422
    accepted = client.post(f"/api/invitations/{token}/accept", json={"password": GOOD, "device_name": "Phone"})
    assert accepted.status_code == 200
    assert set(accepted.json) == {"token", "device_id", "user"}
    assert accepted.json["user"]["email"] == "new.person@example.org"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {accepted.json['token']}"})
    assert me.status_code == 200 and me.json["teams"][0]["role"] == "lead"
    again = client.post(f"/api/invitations/{token}/accept", json={"password": GOOD, "device_name": "Phone"})
    assert again.status_code == 410 and again.json["error"]["code"] == "invitation_expired"
    assert client.get(f"/api/invitations/{token}").status_code == 410
    assert client.post("/api/auth/login", json={"email": "new.person@example.org", "password": GOOD,
                                                "device_name": "x"}).status_code == 200
    person = accepted.json["user"]["id"]
    actions = [e["action"] for e in admin.get("/api/audit").json["events"] if e["target_id"] == person]
    for action in ("user.created", "membership.set", "invitation.created", "invitation.accepted"):
        assert actions.count(action) == 1, actions


def test_a_link_expires_after_seven_days(admin, client, frozen):
    token = token_of(invite(admin).json)
    frozen.advance(days=7, seconds=-1)
    assert client.get(f"/api/invitations/{token}").status_code == 200
    frozen.advance(seconds=1)
    response = client.post(f"/api/invitations/{token}/accept", json={"password": GOOD, "device_name": "x"})
    assert response.status_code == 410 and response.json["error"]["code"] == "invitation_expired"
    assert client.get("/api/invitations/not-a-token").status_code == 410


def test_a_new_link_replaces_the_old_and_an_existing_account_is_not_invited_again(admin, make_user, client):
    first = token_of(invite(admin).json)
    second = token_of(invite(admin).json)
    assert client.get(f"/api/invitations/{first}").status_code == 410
    assert client.post(f"/api/invitations/{second}/accept", json={"password": GOOD}).status_code == 200
    taken = invite(admin)
    assert taken.status_code == 409 and taken.json["error"]["code"] == "already_registered"
    existing = make_user("staff", email="Someone@Example.org", name="Morag Existing")
    refused = admin.post("/api/invitations", json={"email": "someone@example.org", "name": "S", "role": "staff"})
    assert refused.status_code == 409
    assert existing.name not in refused.get_data(as_text=True)  # trying an email must not reveal whose it is
    assert existing.active


def test_board_leads_invite_staff_and_coaches_into_their_board_only(admin, make_board, make_team, make_user, login):
    board, other_board = make_board(), make_board()
    mine, theirs = make_team(board=board), make_team(board=other_board)
    lead = make_user("board_lead")
    assert admin.put(f"/api/boards/{board.id}/leads/{lead.id}").status_code == 200
    board_lead = login(lead)
    assert invite(board_lead, team_id=mine.id, email="a1@example.org").status_code == 201
    assert invite(board_lead, team_id=mine.id, email="a2@example.org", role="coach").status_code == 201
    assert invite(board_lead, team_id=mine.id, email="a3@example.org", role="admin").status_code == 403
    assert invite(board_lead, team_id=mine.id, email="a4@example.org", role="board_lead").status_code == 403
    assert invite(board_lead, email="a5@example.org").status_code == 403  # no team
    assert invite(board_lead, team_id=theirs.id, email="a6@example.org").status_code == 404
    staff = login(make_user("staff", team=mine, team_role="lead"))
    assert invite(staff, team_id=mine.id, email="a7@example.org").status_code == 403
    assert invite(admin, team_role="lead").status_code == 422  # a team role needs a team


def test_a_reset_link_lets_a_person_choose_a_new_password(admin, make_user, client, login):
    from tests.conftest import PASSWORD

    user = make_user("staff")
    phone = login(user)
    response = admin.post(f"/api/users/{user.id}/password-reset", json={})
    assert response.status_code == 200 and response.json["must_change_password"] is False
    token = token_of(response.json["invitation"])
    assert client.get(f"/api/invitations/{token}").json["purpose"] == "reset"
    assert phone.get("/api/me").status_code == 200  # their devices stay signed in
    assert client.post(f"/api/invitations/{token}/accept", json={"password": GOOD}).status_code == 200
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD,
                                                "device_name": "x"}).status_code == 401
    assert client.post("/api/auth/login", json={"email": user.email, "password": GOOD,
                                                "device_name": "x"}).status_code == 200


def test_a_deactivated_persons_link_no_longer_works(admin, client):
    body = invite(admin).json
    user_id = admin.get("/api/audit?action=invitation.created").json["events"][0]["target_id"]
    assert admin.post(f"/api/users/{user_id}/deactivate").status_code == 200
    assert client.post(f"/api/invitations/{token_of(body)}/accept", json={"password": GOOD}).status_code == 410


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would be sent (no network in tests)."""

    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if self.host == "down.example.org":
            raise smtplib.SMTPServerDisconnected("gone")
        FakeSMTP.sent.append(message)


def test_the_link_is_emailed_when_a_mail_server_is_configured(app, admin, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    app.config.update(MAIL_SERVER="mail.example.org", APP_URL="https://valueboard.example.org/")
    body = invite(admin).json
    assert body["emailed"] is True and body["url"].startswith("https://valueboard.example.org/invite/")
    [message] = FakeSMTP.sent
    assert message["To"] == "new.person@example.org" and body["url"] in message.get_content()
    app.config["MAIL_SERVER"] = "down.example.org"
    failed = invite(admin, email="other@example.org")
    assert failed.status_code == 201 and failed.json["emailed"] is False  # still shown to pass on
