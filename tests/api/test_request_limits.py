"""Requests refused before any view parses them, in the API's error shape: deep nesting, a chunked body
over the size limit, an address longer than 4 KB. Also each response's request id and security headers."""

import io
import json
import logging
import uuid

import pytest

from server.core.request_limits import MAX_DEPTH, MAX_URL_BYTES, nests_deeper_than
from server.core.request_log import JsonFormatter

DEEP = "[" * 970 + "]" * 970  # ~2 KB: enough to exhaust Python's recursion in json.loads


def _deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize("body", [DEEP, _deep_object(970), '{"email": ' + DEEP + "}"])
def test_deep_json_on_sign_in_is_400_without_signing_in(client, body):
    response = client.post("/api/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "json_too_deep"


def test_deep_json_is_refused_on_push_and_team_edits(admin, make_team):
    team = make_team()
    body = '{"client_id": "x", "schema_version": 1, "mutations": ' + DEEP + "}"
    assert admin.post("/api/sync/push", data=body, content_type="application/json").json["error"]["code"] \
        == "json_too_deep"
    response = admin.patch(f"/api/teams/{team.id}", data='{"name": ' + DEEP + "}", content_type="application/json")
    assert (response.status_code, response.json["error"]["code"]) == (400, "json_too_deep")


def test_a_deeply_nested_cursor_is_an_invalid_cursor(admin):
    import base64

    cursor = base64.urlsafe_b64encode(('{"v": 1, "t": ' + DEEP + "}").encode()).decode().rstrip("=")
    response = admin.get("/api/sync/pull", query_string={"cursor": cursor})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"
    response = admin.get("/api/users", query_string={"cursor": base64.urlsafe_b64encode(DEEP.encode()).decode()})
    assert (response.status_code, response.json["error"]["code"]) == (422, "validation_error")


def test_nesting_at_the_limit_passes_and_brackets_in_text_do_not_count():
    assert not nests_deeper_than(_deep_object(MAX_DEPTH).encode())
    assert nests_deeper_than(_deep_object(MAX_DEPTH + 1).encode())
    assert not nests_deeper_than(json.dumps({"note": "[{" * 500, "list": [[1], [2]] * 300}).encode())
    assert not nests_deeper_than(json.dumps({"note": 'a \\" [[[' + "[" * 100}).encode())


def test_a_chunked_body_over_1_mib_is_413(client):
    body = b'{"email": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = client.post("/api/auth/login", input_stream=io.BytesIO(body),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})  # as gunicorn sets for chunked
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_a_chunked_body_under_the_limit_is_read_whole(client):
    body = json.dumps({"email": "nobody@example.org", "password": "x" * 500_000, "device_name": "Phone"}).encode()
    response = client.post("/api/auth/login", input_stream=io.BytesIO(body),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})  # as gunicorn sets for chunked
    assert response.status_code != 413 and response.json["error"]["code"] != "malformed_json"


def test_an_address_over_4_kb_is_414_in_the_error_shape(client):
    response = client.get("/api/teams?q=" + "x" * MAX_URL_BYTES)
    assert response.status_code == 414
    assert response.json["error"]["code"] == "uri_too_long"


@pytest.mark.parametrize("path", ["/api/health", "/api/teams", "/", "/no-such-file.js"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: browsers ignore it anyway


def test_api_answers_are_never_stored_and_https_gets_hsts(client, admin):
    assert admin.get("/api/me").headers["Cache-Control"] == "no-store"
    assert client.get("/api/nothing-here").headers["Cache-Control"] == "no-store"
    secure = client.get("/api/health", base_url="https://valueboard.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_each_response_has_a_request_id_and_a_sane_incoming_one_is_kept(client):
    first, second = client.get("/api/health"), client.get("/api/health")
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    kept = client.get("/api/health", headers={"X-Request-Id": "lb-4f2a9c1e"})
    assert kept.headers["X-Request-Id"] == "lb-4f2a9c1e"
    replaced = client.get("/api/health", headers={"X-Request-Id": "<script>"})
    assert replaced.headers["X-Request-Id"] != "<script>"


def test_the_request_line_is_json_with_the_route_pattern_not_the_ids_or_query(client, admin, caplog):
    formatter = JsonFormatter()
    user_id = admin.user["id"]
    with caplog.at_level(logging.INFO, logger="valueboard.requests"):
        response = admin.get(f"/api/users/{user_id}?q=Alice%20Smith")
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "valueboard.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/users/<user_id>", response.status_code)
    assert isinstance(line["duration_ms"], float)
    text = json.dumps(line)
    assert user_id not in text and "Alice" not in text and admin.token not in text


def test_the_formatter_writes_one_json_object_with_extras_and_exceptions():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("once",), None)
    record.detail = uuid.UUID(int=1)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["message"], line["detail"]) == ("error", "failed once", str(uuid.UUID(int=1)))
    assert "ValueError: boom" in line["exception"] and "\n" not in JsonFormatter().format(record)
