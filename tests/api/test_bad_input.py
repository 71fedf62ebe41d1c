"""Bad input gets a clear 4xx in the one error shape, and nothing is stored."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.organisations.models import Board, Team


def _board_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Board))


def test_malformed_json_is_400_malformed_json(admin):
    response = admin.post("/api/boards", data='{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"
    assert _board_count() == 0


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": 42}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "ok", "colour": "blue"}, "colour"),
    ({"name": "bell\x07"}, "name"),
])
def test_invalid_fields_are_422_naming_the_field(admin, body, field):
    response = admin.post("/api/boards", json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert _board_count() == 0


@pytest.mark.parametrize("body", [[], "a string", 7, None])
def test_a_body_that_is_not_an_object_is_422(admin, body):
    response = admin.post("/api/boards", json=body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_wrong_types_in_team_settings(admin, make_board):
    board = make_board()
    response = admin.post("/api/teams", json={"board_id": board.id, "name": "W", "contracted_hours_per_week": "lots",
                                              "huddle_day": "someday"})
    assert response.status_code == 422
    assert {"contracted_hours_per_week", "huddle_day"} <= set(response.json["error"]["fields"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 0


def test_non_finite_numbers_are_refused(admin, make_board):
    board = make_board()
    response = admin.post("/api/teams", data=f'{{"board_id": "{board.id}", "name": "W", '
                          '"contracted_hours_per_week": NaN}', content_type="application/json")
    assert (response.status_code, response.json["error"]["code"]) == (422, "validation_error")


def test_bodies_over_one_mebibyte_are_413(admin):
    response = admin.post("/api/boards", data='{"name": "' + "x" * (1024 * 1024 + 10) + '"}',
                          content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert _board_count() == 0


def test_unicode_and_sql_looking_text_is_stored_verbatim(admin):
    for name in ("Bòrd na h-Alba — Ward 4 ✓", "Robert'); DROP TABLE boards;--", "名前 🏥"):
        created = admin.post("/api/boards", json={"name": name})
        assert created.status_code == 201
        assert created.json["name"] == name
    assert _board_count() == 3


def test_unknown_api_paths_are_json_404s(client):
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/api/health")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.json["error"]["code"] == "method_not_allowed"


def test_a_crash_is_a_json_500_without_details(app, client, monkeypatch):
    from server import health

    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(health.db.session, "execute", lambda *a, **k: explode())
    response = client.get("/api/health")
    assert response.status_code == 500
    assert response.json == {"error": {"code": "internal_error",
                                       "message": "Something went wrong on the server; the request was not completed."}}


def test_database_unavailable_is_503(databases, tmp_path):
    from server import create_app
    from tests.conftest import TEST_CONFIG

    url = ("sqlite:////nonexistent-dir/nowhere.db" if databases.name == "sqlite"
           else "postgresql+psycopg://postgres@127.0.0.1:1/none")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"


def test_nul_bytes_are_refused_not_crashed_on(client, admin):
    login = client.post("/api/auth/login", json={"email": "a\x00b@example.org", "password": "x", "device_name": "p"})
    assert login.status_code == 422
    board = admin.post("/api/boards", json={"name": "Bad\x00board"})
    assert board.status_code == 422
