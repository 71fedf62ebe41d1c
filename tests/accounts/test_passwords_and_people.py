"""Password rules, changing one's own password, deactivation and one-time passwords set by an admin."""

import pytest

from tests.conftest import PASSWORD

GOOD = "a brand new passphrase"


def new_user(admin, password, email="ann.lee@example.org", name="Ann Lee"):
    return admin.post("/api/users", json={"email": email, "name": name, "role": "staff", "password": password})


@pytest.mark.parametrize("password,rule", [
    ("12345678", "12 characters"),
    ("password", "12 characters"),
    (" " * 12, "12 characters"),
    ("aaaaaaaaaaaaaaa", "more than one character"),
    ("qwerty123456", "most common passwords"),
    ("ann.lee@example.org", "email address"),
    ("ANN.LEE is my password", "email address"),
    ("annlee-was-here", "name"),
])
def test_weak_passwords_are_refused_naming_the_rule(admin, password, rule):
    response = new_user(admin, password)
    assert response.status_code == 422
    assert rule in " ".join(response.json["error"]["fields"]["password"])


def test_a_good_password_is_accepted_and_never_kept_in_clear(admin, client):
    from server.accounts.models import User
    from server.extensions import db

    response = new_user(admin, GOOD)
    assert response.status_code == 201
    stored = db.session.get(User, response.json["id"]).password_hash
    assert GOOD not in stored and stored.startswith("$argon2id$")
    assert client.post("/api/auth/login", json={"email": "ann.lee@example.org", "password": GOOD,
                                                "device_name": "x"}).status_code == 200


def test_changing_my_password_signs_out_my_other_devices_only(make_user, login, client):
    user = make_user("staff")
    here, other = login(user, "Laptop"), login(user, "Phone")
    wrong = here.post("/api/me/password", json={"current_password": "not it at all", "new_password": GOOD})
    assert wrong.status_code == 422 and wrong.json["error"]["code"] == "wrong_password"
    weak = here.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "qwerty123456"})
    assert weak.status_code == 422 and "new_password" in weak.json["error"]["fields"]
    assert other.get("/api/me").status_code == 200  # nothing changed yet
    assert here.post("/api/me/password", json={"current_password": PASSWORD, "new_password": GOOD}).status_code == 204
    assert here.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD,
                                                "device_name": "x"}).status_code == 401
    assert client.post("/api/auth/login", json={"email": user.email, "password": GOOD,
                                                "device_name": "x"}).status_code == 200


def test_deactivation_stops_tokens_at_once_and_answers_sign_in_like_a_wrong_password(admin, make_user, make_team,
                                                                                     login, client):
    team = make_team()
    user = make_user("staff", team=team, name="Dee Active")
    phone = login(user, "Phone")
    assert phone.get("/api/me").status_code == 200
    response = admin.post(f"/api/users/{user.id}/deactivate")
    assert response.status_code == 200 and response.json["active"] is False
    assert phone.get("/api/me").status_code == 401
    assert phone.get("/api/sync/pull").status_code == 401  # the device's 401 path wipes it
    deactivated = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, "device_name": "x"})
    wrong = client.post("/api/auth/login", json={"email": user.email, "password": "wrong password!",
                                                 "device_name": "x"})
    assert deactivated.status_code == wrong.status_code == 401
    assert deactivated.json == wrong.json
    devices = admin.get("/api/audit?action=user.deactivated").json["events"][0]["details"]["devices_revoked"]
    assert devices == [phone.device_id]
    # History keeps their name: still a member, listed by name.
    members = admin.get(f"/api/teams/{team.id}/members").json["members"]
    assert [m["name"] for m in members] == ["Dee Active"]
    assert admin.post(f"/api/users/{user.id}/reactivate").json["active"] is True
    assert phone.get("/api/me").status_code == 401  # old devices stay signed out
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD,
                                                "device_name": "x"}).status_code == 200


def test_an_admin_cannot_deactivate_or_demote_themselves(admin):
    me = admin.user["id"]
    response = admin.post(f"/api/users/{me}/deactivate")
    assert response.status_code == 422 and response.json["error"]["code"] == "cannot_deactivate_self"
    assert admin.patch(f"/api/users/{me}", json={"role": "staff"}).status_code == 422
    assert admin.post("/api/users/8d1f0c7e-0000-4000-8000-000000000000/deactivate").status_code == 404


def test_a_coach_who_stops_being_one_stops_following_teams(admin, make_user, make_team, login):
    team = make_team()
    coach = make_user("coach", coach_of=[team])
    coach_client = login(coach)
    assert coach_client.get(f"/api/teams/{team.id}").status_code == 200
    assert admin.patch(f"/api/users/{coach.id}", json={"role": "staff"}).status_code == 200
    assert coach_client.get(f"/api/teams/{team.id}").status_code == 404
    assert admin.patch(f"/api/users/{coach.id}", json={"email": admin.user["email"].upper()}).status_code == 409


def test_a_one_time_password_must_be_changed_before_anything_else(admin, make_user, client):
    user = make_user("staff")
    weak = admin.post(f"/api/users/{user.id}/password-reset", json={"one_time_password": "short"})
    assert weak.status_code == 422
    reset = admin.post(f"/api/users/{user.id}/password-reset", json={"one_time_password": "temporary pass 2026"})
    assert reset.status_code == 200 and reset.json == {"invitation": None, "must_change_password": True}
    signed_in = client.post("/api/auth/login", json={"email": user.email, "password": "temporary pass 2026",
                                                     "device_name": "x"})
    assert signed_in.status_code == 200 and signed_in.json["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {signed_in.json['token']}"}
    assert client.get("/api/me", headers=headers).json["must_change_password"] is True
    blocked = client.get("/api/teams", headers=headers)
    assert blocked.status_code == 403 and blocked.json["error"]["code"] == "password_change_required"
    assert client.get("/api/sync/pull", headers=headers).status_code == 403
    assert client.post("/api/me/password", headers=headers, json={
        "current_password": "temporary pass 2026", "new_password": GOOD}).status_code == 204
    assert client.get("/api/teams", headers=headers).status_code == 200
    assert client.get("/api/me", headers=headers).json["must_change_password"] is False
