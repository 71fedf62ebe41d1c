import pytest

from tests.conftest import PASSWORD


def test_login_returns_token_device_and_user(client, make_user):
    user = make_user("staff")
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, "device_name": "Ward tablet"})
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"token", "device_id", "user"}
    assert body["user"] == {"id": user.id, "email": user.email, "name": user.name, "role": "staff", "active": True,
                            "must_change_password": False}


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user("staff", email="Mixed.Case@Example.org")
    response = client.post("/api/auth/login", json={"email": "  mixed.case@EXAMPLE.ORG ", "password": PASSWORD,
                                                    "device_name": "Phone"})
    assert response.status_code == 200
    assert response.json["user"]["email"] == "Mixed.Case@Example.org"


def test_failed_login_does_not_reveal_whether_email_exists(client, make_user):
    user = make_user("staff")
    wrong_password = client.post("/api/auth/login", json={"email": user.email, "password": "nope", "device_name": "x"})
    unknown_email = client.post("/api/auth/login", json={"email": "nobody@example.org", "password": "nope",
                                                         "device_name": "x"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.json["error"]["code"] == "invalid_credentials"


def test_logout_revokes_the_token(make_user, login):
    api = login(make_user("staff"))
    assert api.get("/api/me").status_code == 200
    assert api.post("/api/auth/logout").status_code == 204
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_requests_without_a_valid_token_get_401(client):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_each_login_is_a_separate_revocable_device(make_user, login):
    user = make_user("staff")
    phone, tablet = login(user, "Phone"), login(user, "Tablet")
    devices = phone.get("/api/devices").json["devices"]
    assert {d["name"] for d in devices} == {"Phone", "Tablet"}
    assert [d["current"] for d in devices if d["name"] == "Phone"] == [True]
    assert phone.delete(f"/api/devices/{tablet.device_id}").status_code == 204
    assert tablet.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 200


def test_staff_cannot_revoke_someone_elses_device_but_admin_can(make_user, login, admin):
    victim = login(make_user("staff"))
    other = login(make_user("staff"))
    assert other.delete(f"/api/devices/{victim.device_id}").status_code == 404
    assert victim.get("/api/me").status_code == 200
    assert admin.delete(f"/api/devices/{victim.device_id}").status_code == 204
    assert victim.get("/api/me").status_code == 401


def test_devices_list_shows_only_the_callers_devices(make_user, login):
    mine = login(make_user("staff"))
    login(make_user("staff"))
    assert [d["id"] for d in mine.get("/api/devices").json["devices"]] == [mine.device_id]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_FAILURES_PER_ACCOUNT": 3, "LOGIN_FAILURES_PER_ADDRESS": 5}


def _attempt(client, email, password, address="10.0.0.1"):
    return client.post("/api/auth/login", json={"email": email, "password": password, "device_name": "x"},
                       environ_base={"REMOTE_ADDR": address})


def test_failed_logins_are_throttled_per_account(client, make_user):
    user = make_user("staff")
    for i in range(3):
        assert _attempt(client, user.email, "wrong", address=f"10.0.0.{i}").status_code == 401
    blocked = _attempt(client, user.email, PASSWORD, address="10.0.0.99")
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert "Retry-After" in blocked.headers


def test_failed_logins_are_throttled_per_address(client, make_user):
    for i in range(5):
        assert _attempt(client, f"guess{i}@example.org", "wrong").status_code == 401
    assert _attempt(client, make_user("staff").email, PASSWORD).status_code == 429
    assert _attempt(client, make_user("staff").email, PASSWORD, address="10.9.9.9").status_code == 200


def test_successful_logins_are_not_throttled_on_a_shared_tablet(client, make_user):
    users = [make_user("staff") for _ in range(8)]
    for user in users:
        assert _attempt(client, user.email, PASSWORD).status_code == 200


def test_rate_limits_can_be_switched_off(app, client, make_user):
    app.config["RATE_LIMITS"] = False
    user = make_user("staff")
    for _ in range(6):
        assert _attempt(client, user.email, "wrong").status_code == 401
    assert _attempt(client, user.email, PASSWORD).status_code == 200


def test_create_admin_command(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "boss@example.org", "--name", "Boss", "--password",
                                 "long enough pw"])
    assert result.exit_code == 0, result.output
    login = client.post("/api/auth/login", json={"email": "boss@example.org", "password": "long enough pw",
                                                 "device_name": "x"})
    assert login.json["user"]["role"] == "admin"


def test_create_admin_prompts_for_the_password(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "p@example.org", "--name", "P"],
                           input="prompted password\nprompted password\n")
    assert result.exit_code == 0, result.output
    assert client.post("/api/auth/login", json={"email": "p@example.org", "password": "prompted password",
                                                "device_name": "x"}).status_code == 200


def test_create_admin_explains_bad_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "not-an-email", "--name", "X", "--password", "short"])
    assert result.exit_code != 0
    assert "email" in result.output and "password" in result.output
    again = runner.invoke(args=["create-admin", "--email", "a@example.org", "--name", "A", "--password", "long enough pw"])
    duplicate = runner.invoke(args=["create-admin", "--email", "A@example.org", "--name", "A", "--password", "long enough pw"])
    assert again.exit_code == 0 and duplicate.exit_code != 0
    assert "already exists" in duplicate.output


def _device(device_id):
    from server.accounts.models import Device
    from server.extensions import db

    db.session.expire_all()
    return db.session.get(Device, device_id)


def test_a_deactivated_accounts_tokens_get_401(make_user, login):
    from server.extensions import db

    user = make_user("staff")
    api = login(user)
    assert api.get("/api/me").status_code == 200
    user.active = False
    db.session.commit()
    assert api.get("/api/me").status_code == 401


def test_a_token_idle_longer_than_the_limit_gets_401(app, make_user, login):
    from datetime import timedelta

    from server.core import clock
    from server.extensions import db

    api = login(make_user("staff"))
    idle = timedelta(days=app.config["TOKEN_IDLE_DAYS"])
    device = _device(api.device_id)
    device.last_seen_at = clock.now() - idle + timedelta(minutes=5)
    db.session.commit()
    assert api.get("/api/me").status_code == 200  # and refreshes last_seen_at
    assert clock.now() - _device(api.device_id).last_seen_at < timedelta(minutes=1)
    device = _device(api.device_id)
    device.last_seen_at = clock.now() - idle - timedelta(minutes=5)
    db.session.commit()
    assert api.get("/api/me").status_code == 401


def test_last_seen_is_written_at_most_hourly(make_user, login):
    from datetime import timedelta

    from server.core import clock
    from server.extensions import db

    api = login(make_user("staff"))
    recent = clock.now() - timedelta(minutes=30)
    device = _device(api.device_id)
    device.last_seen_at = recent
    db.session.commit()
    assert api.get("/api/me").status_code == 200
    assert _device(api.device_id).last_seen_at == recent
