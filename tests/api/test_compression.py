"""API responses are gzip-compressed when the client accepts it (a first sync's pull pages are MBs of JSON)."""

from __future__ import annotations

import gzip
import json


def test_a_large_api_response_is_gzipped_for_a_client_that_accepts_it(make_team, make_user, login):
    team = make_team(name="Ward A")
    user = make_user(team=team)
    api = login(user, "Phone")
    plain = api.get("/api/openapi.json")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = api.get("/api/openapi.json", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    body = gzip.decompress(zipped.get_data())
    assert json.loads(body) == plain.json and len(zipped.get_data()) < len(body) / 3


def test_small_responses_and_refused_encodings_stay_plain(make_team, make_user, login):
    team = make_team(name="Ward A")
    api = login(make_user(team=team), "Phone")
    small = api.get("/api/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers and small.json
    refused = api.get("/api/openapi.json", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.json["openapi"]
