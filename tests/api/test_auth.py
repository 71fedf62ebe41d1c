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


# Sign-in throttling (issue 17): a guesser must not be able to lock a person out, and guessing stays
# slow. The clock stands still unless a test moves it, so every Retry-After is exact.
NOW = "2026-11-18T10:00:00Z"
GUESSER, PROXY, ELSEWHERE = "203.0.113.7", "198.51.100.1", "192.0.2.50"


def _attempt(client, email, password, address="10.0.0.1", key=None):
    body = {"email": email, "password": password, "device_name": "x", **({"device_key": key} if key else {})}
    return client.post("/api/auth/login", json=body, environ_base={"REMOTE_ADDR": address})


def _new_key():
    import secrets

    return secrets.token_urlsafe(32)


def _blocked(response, retry_after):
    assert response.status_code == 429, response.json
    assert response.json == {"error": {"code": "rate_limited", "message": "Too many failed sign-in attempts. Wait a "
                                                                          "few minutes and try again."}}
    assert response.headers["Retry-After"] == str(retry_after)
    return True


def test_a_guesser_blocks_only_their_own_address_for_that_account(client, make_user, frozen):
    alice, bob = make_user("staff"), make_user("staff")
    answers = [_attempt(client, alice.email, f"guess {i}", GUESSER) for i in range(50)]
    assert [r.status_code for r in answers[:5]] == [401] * 5
    assert all(_blocked(r, 15 * 60) for r in answers[5:])
    assert _attempt(client, alice.email, PASSWORD, GUESSER).status_code == 429  # even the right one, from there
    assert _attempt(client, alice.email, PASSWORD, ELSEWHERE).status_code == 200
    assert _attempt(client, bob.email, PASSWORD, GUESSER).status_code == 200


def test_the_wait_counts_down_and_the_guesser_gets_one_try_at_a_time(client, make_user, frozen):
    alice = make_user("staff")
    for i in range(5):
        assert _attempt(client, alice.email, f"guess {i}", GUESSER).status_code == 401
        frozen.advance(minutes=1)
    assert _blocked(_attempt(client, alice.email, "guess", GUESSER), 10 * 60)  # the first leaves at 10:15
    frozen.advance(minutes=10)
    assert _attempt(client, alice.email, "guess 6", GUESSER).status_code == 401
    assert _blocked(_attempt(client, alice.email, "guess 7", GUESSER), 60)


def test_the_persons_known_device_signs_in_at_the_guessers_address(client, make_user, frozen):
    alice = make_user("staff")
    key = _new_key()
    assert _attempt(client, alice.email, PASSWORD, GUESSER, key=key).status_code == 200  # her phone, earlier
    for i in range(10):
        _attempt(client, alice.email, f"guess {i}", GUESSER, key=_new_key())  # a key of no device of hers
    assert _attempt(client, alice.email, PASSWORD, GUESSER).status_code == 429
    assert _attempt(client, alice.email, PASSWORD, GUESSER, key=key).status_code == 200


def test_a_known_device_has_its_own_limit_for_wrong_passwords(client, make_user, frozen):
    """Someone holding the person's unlocked phone still gets five guesses, not more."""
    alice = make_user("staff")
    key = _new_key()
    assert _attempt(client, alice.email, PASSWORD, key=key).status_code == 200
    assert [_attempt(client, alice.email, "wrong", key=key).status_code for _ in range(5)] == [401] * 5
    assert _blocked(_attempt(client, alice.email, PASSWORD, key=key), 15 * 60)
    assert _attempt(client, alice.email, PASSWORD).status_code == 200  # her other devices are not held up


def test_a_device_key_proves_nothing_for_another_account(client, make_user, frozen):
    alice, bob = make_user("staff"), make_user("staff")
    key = _new_key()
    assert _attempt(client, alice.email, PASSWORD, GUESSER, key=key).status_code == 200
    for i in range(5):
        assert _attempt(client, bob.email, f"guess {i}", GUESSER, key=key).status_code == 401
    assert _attempt(client, bob.email, PASSWORD, GUESSER, key=key).status_code == 429


def test_spraying_from_a_shared_address_holds_up_unknown_devices_only(client, make_user, frozen):
    ward = [make_user("staff") for _ in range(3)]
    keys = [_new_key() for _ in ward]
    for person, key in zip(ward, keys):
        assert _attempt(client, person.email, PASSWORD, PROXY, key=key).status_code == 200
    victims = [make_user("staff") for _ in range(10)]
    for i in range(30):
        assert _attempt(client, victims[i % 10].email, f"guess {i}", PROXY).status_code == 401
    newcomer = make_user("staff")
    assert _blocked(_attempt(client, newcomer.email, PASSWORD, PROXY), 15 * 60)
    assert _attempt(client, newcomer.email, PASSWORD, ELSEWHERE).status_code == 200
    for person, key in zip(ward, keys):
        assert _attempt(client, person.email, PASSWORD, PROXY, key=key).status_code == 200


def test_guessing_from_many_addresses_slows_unknown_devices_ever_more(app, client, make_user, frozen):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 20
    alice = make_user("staff")
    key = _new_key()
    assert _attempt(client, alice.email, PASSWORD, key=key).status_code == 200
    for i in range(20):
        assert _attempt(client, alice.email, f"guess {i}", f"10.1.{i}.1").status_code == 401
    assert _blocked(_attempt(client, alice.email, "guess", "10.2.0.1"), 60)
    frozen.advance(seconds=60)
    assert _attempt(client, alice.email, "guess", "10.2.0.2").status_code == 401
    assert _blocked(_attempt(client, alice.email, "guess", "10.2.0.3"), 120)
    frozen.advance(seconds=120)
    assert _attempt(client, alice.email, "guess", "10.2.0.4").status_code == 401
    assert _blocked(_attempt(client, alice.email, PASSWORD, ELSEWHERE), 240)  # a new device of hers waits too
    assert _attempt(client, alice.email, PASSWORD, "10.2.0.5", key=key).status_code == 200  # her phone does not
    frozen.advance(seconds=240)
    assert _attempt(client, alice.email, PASSWORD, ELSEWHERE).status_code == 200


def test_throttling_answers_the_same_whether_or_not_the_email_has_an_account(client, make_user, frozen):
    alice = make_user("staff")
    key = _new_key()
    assert _attempt(client, alice.email, PASSWORD, key=key).status_code == 200
    answers = {}
    for email in (alice.email, "nobody@example.org"):
        tries = [_attempt(client, email, "wrong", GUESSER, key=key if email != alice.email else None)
                 for _ in range(6)]
        answers[email] = [(r.status_code, r.json, r.headers.get("Retry-After")) for r in tries]
    assert answers[alice.email] == answers["nobody@example.org"]
    assert [status for status, _, _ in answers[alice.email]] == [401] * 5 + [429]


def test_successful_logins_are_not_throttled_on_a_shared_tablet(client, make_user, frozen):
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


def test_wrong_current_passwords_hold_up_only_the_device_they_were_typed_on(make_user, login, client, frozen):
    alice = make_user("staff")
    phone = login(alice, "Phone")
    change = {"current_password": "not it", "new_password": "a brand new passphrase"}
    assert [phone.post("/api/me/password", json=change).status_code for _ in range(5)] == [422] * 5
    assert phone.post("/api/me/password", json=change).status_code == 429
    assert _attempt(client, alice.email, PASSWORD).status_code == 200
