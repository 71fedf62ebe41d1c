"""The Web Push endpoints: the server's VAPID public key and each browser's subscription."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from server import create_app
from server.extensions import db
from tests.notifications.push_service import Subscriber, b64url


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_vapid_public_key_is_an_uncompressed_p256_point_kept_across_restarts(app, client, app_config):
    response = client.get("/api/push/vapid-public-key")  # public: no token
    assert response.status_code == 200
    key = response.json["public_key"]
    assert "=" not in key and "+" not in key and "/" not in key
    point = _unb64url(key)
    assert len(point) == 65 and point[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    assert client.get("/api/push/vapid-public-key").json["public_key"] == key

    # Another process (a restart, another web worker, the delivery worker) reads the same key.
    other = create_app(app_config)
    assert other.test_client().get("/api/push/vapid-public-key").json["public_key"] == key
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_subscription_is_kept_once_per_endpoint(app, make_user, login):
    first, second = login(make_user()), login(make_user())
    sub = Subscriber("a", "http://127.0.0.1:9/push/a")

    created = first.post("/api/push/subscriptions", json=sub.json())
    assert created.status_code == 201
    assert set(created.json) == {"id", "endpoint", "created_at"} and created.json["endpoint"] == sub.endpoint
    again = first.post("/api/push/subscriptions", json=sub.json())
    assert (again.status_code, again.json["id"]) == (200, created.json["id"])
    assert [s["id"] for s in first.get("/api/push/subscriptions").json["subscriptions"]] == [created.json["id"]]

    # Someone else signs in on the same browser: the subscription moves to them, same id.
    moved = second.post("/api/push/subscriptions", json=sub.json())
    assert (moved.status_code, moved.json["id"]) == (200, created.json["id"])
    assert first.get("/api/push/subscriptions").json["subscriptions"] == []
    assert [s["id"] for s in second.get("/api/push/subscriptions").json["subscriptions"]] == [created.json["id"]]


def test_each_user_lists_and_deletes_only_their_own(app, make_user, login):
    mine, theirs = login(make_user()), login(make_user())
    a = mine.post("/api/push/subscriptions", json=Subscriber("a", "http://127.0.0.1:9/push/a").json()).json["id"]
    b = theirs.post("/api/push/subscriptions", json=Subscriber("b", "http://127.0.0.1:9/push/b").json()).json["id"]
    assert [s["id"] for s in mine.get("/api/push/subscriptions").json["subscriptions"]] == [a]

    refused = mine.delete(f"/api/push/subscriptions/{b}")
    assert refused.status_code == 404 and refused.json["error"]["code"] == "not_found"
    assert mine.delete(f"/api/push/subscriptions/{a}").status_code == 204
    assert mine.get("/api/push/subscriptions").json["subscriptions"] == []
    assert mine.delete(f"/api/push/subscriptions/{a}").status_code == 404
    assert [s["id"] for s in theirs.get("/api/push/subscriptions").json["subscriptions"]] == [b]


def test_subscribing_needs_a_sign_in(client):
    response = client.post("/api/push/subscriptions", json=Subscriber("a", "http://127.0.0.1:9/push/a").json())
    assert response.status_code == 401


def _good() -> dict:
    return Subscriber("a", "http://127.0.0.1:9/push/a").json()


def _with(endpoint=None, p256dh=None, auth=None) -> dict:
    body = _good()
    if endpoint is not None:
        body["endpoint"] = endpoint
    if p256dh is not None:
        body["keys"]["p256dh"] = p256dh
    if auth is not None:
        body["keys"]["auth"] = auth
    return body


@pytest.mark.parametrize("body, field", [
    (_with(p256dh="not-a-key"), "keys.p256dh"),
    (_with(p256dh=b64url(b"\x04" + b"\x01" * 64)), "keys.p256dh"),  # 65 bytes, not a point on the curve
    (_with(p256dh=b64url(b"\x02" + b"\x01" * 32)), "keys.p256dh"),  # compressed
    (_with(auth=b64url(b"\x00" * 8)), "keys.auth"),
    (_with(auth="!!!"), "keys.auth"),
    (_with(endpoint="not a url"), "endpoint"),
    (_with(endpoint="ftp://127.0.0.1/push/a"), "endpoint"),
    (_with(endpoint="http://push.example.org/push/a"), "endpoint"),  # plain http away from this machine
    (_with(endpoint="https://push.example.org/push/a"), "endpoint"),  # not in PUSH_SERVICE_HOSTS
    ({"endpoint": "http://127.0.0.1:9/push/a"}, "keys"),
])
def test_a_malformed_subscription_is_refused(app, make_user, login, body, field):
    response = login(make_user()).post("/api/push/subscriptions", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"], response.json


def test_an_https_endpoint_of_a_listed_push_service_is_accepted(app, make_user, login):
    app.config["PUSH_SERVICE_HOSTS"] = "127.0.0.1,*.push.services.mozilla.com"
    api = login(make_user())
    ok = _with(endpoint="https://updates.push.services.mozilla.com/wpush/v2/abc")
    assert api.post("/api/push/subscriptions", json=ok).status_code == 201
    other = _with(endpoint="https://fcm.googleapis.com/fcm/send/abc")
    assert api.post("/api/push/subscriptions", json=other).status_code == 422
