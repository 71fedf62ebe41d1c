"""Pull pages are built around the stored JSON text (``EncodedRecord``): the result must be the very
text the engine's dicts would encode to."""

from __future__ import annotations

import json

from server.sync_api.engine import EncodedChange, EncodedRecord, ServerSyncEngine, encode_pull
from server.sync_api.store import dumps
from sync import StoredRecord, SyncEngine


def _pair(fields: dict, hlcs: dict, *, deleted: bool = False, data_json: str | None = None):
    meta = ("capacity_entries", 'r"1\u00e9', "team-1", "user-\u2603", "2026-11-26T10:15:31.004Z",
            "2026-11-26T10:15:32.004Z", 7)
    plain = StoredRecord(*meta, dict(fields), dict(hlcs), {}, {}, deleted, None)
    encoded = EncodedRecord(*meta, {}, {}, {}, {}, deleted, None,
                            dumps(fields) if data_json is None else data_json, dumps(hlcs))
    return plain, encoded


def test_encoded_change_is_the_text_of_the_plain_change():
    engine = ServerSyncEngine(None, record_id_limits={})
    cases = [
        ({"kind": "time_lost", "minutes": 15, "note": 'a "quoted"\n\u00e9 \U0001f600'}, {"kind": "h1", "minutes": "h2", "note": "h3"}),
        ({}, {}),
    ]
    for fields, hlcs in cases:
        plain, encoded = _pair(fields, hlcs)
        change = engine.change_for(encoded)
        assert isinstance(change, EncodedChange)
        assert change == dumps(SyncEngine.change_for(plain))


def test_tombstones_and_odd_texts_fall_back_to_the_plain_change():
    engine = ServerSyncEngine(None, record_id_limits={})
    plain, encoded = _pair({"kind": "meeting"}, {"kind": "h"}, deleted=True)
    assert engine.change_for(encoded) == SyncEngine.change_for(plain)
    plain, encoded = _pair({"kind": "meeting"}, {"kind": "h"}, data_json=' { "kind" : "meeting" } ')
    assert json.loads(engine.change_for(encoded)) == SyncEngine.change_for(plain)


def test_encode_pull_splices_changes_in_order():
    engine = ServerSyncEngine(None, record_id_limits={})
    plain, encoded = _pair({"minutes": 3}, {"minutes": "h"})
    tomb_plain, tomb = _pair({}, {}, deleted=True)
    rest = {"cursor": "abc", "has_more": False, "last_mutation_id": 2, "drop_teams": [], "server_time": "t"}
    page = {"changes": [engine.change_for(encoded), engine.change_for(tomb)], **rest}
    expected = {"changes": [SyncEngine.change_for(plain), SyncEngine.change_for(tomb_plain)], **rest}
    assert encode_pull(page, dumps) == dumps(expected)
    assert encode_pull({"changes": []}, dumps) == '{"changes":[]}'


def test_a_missing_meta_value_takes_the_general_path():
    engine = ServerSyncEngine(None, record_id_limits={})
    plain, encoded = _pair({"minutes": 3}, {"minutes": "h"})
    plain.user_id = encoded.user_id = None
    change = engine.change_for(encoded)
    assert not isinstance(change, EncodedChange)
    assert change == SyncEngine.change_for(plain)
