"""Pull pages are written by the database (``store.change_json``): each change must be the JSON the
engine's own ``SyncEngine.change_for`` gives for the stored record, on SQLite and PostgreSQL, for
odd texts, edited records (per-field hlcs), tombstones and records with no fields."""

from __future__ import annotations

import json

from server.extensions import db
from server.sync_api.encoding import EncodedChange, dumps, encode_pull
from server.sync_api.registry import sync_setup
from sync import SyncEngine
from sync.client import field_hlcs

ODD_NOTES = ['a "quoted" \\ back\\slash', "<b>&amp;</b> /slash", "caf\u00e9 \u2603 \U0001f600", "\u2028 \u00a0 '"]


def stored_changes(record_ids) -> dict[str, dict]:
    """What the engine itself would send for each stored record (read through the store's merge path)."""
    store = sync_setup().engine.store
    with store.transaction() as tx:
        records = tx.lock_records([("capacity_entries", rid) for rid in record_ids])
    db.session.commit()
    return {key[1]: SyncEngine.change_for(rec) for key, rec in records.items()}


def test_pulled_changes_equal_the_engines_changes_for_the_stored_records(team_world, phone, helpers):
    team = team_world.team.id
    ann, lead = phone(team_world.ann), phone(team_world.lead)
    ids = [helpers.new_id() for _ in range(len(ODD_NOTES) + 3)]
    for rid, note in zip(ids, ODD_NOTES):
        ann.upsert(rid, helpers.entry(team, note=note, category="Waiting \u00e9"))
    edited, deleted, bare = ids[-3:]
    ann.upsert(edited, helpers.entry(team))
    ann.upsert(deleted, helpers.entry(team))
    ann.upsert(bare, {"team_id": team, "kind": "meeting", "minutes": 5, "occurred_on": helpers.TODAY})
    ann.sync()
    assert ann.client.needs_attention == []
    lead.sync()
    bob = phone(team_world.bob)
    bob.sync()  # bob had every record, so a later pull sends him the tombstone too
    lead.upsert(edited, {"minutes": 45, "note": None})  # two fields get the lead's later hlc
    lead.delete(deleted)
    lead.sync()

    pulled = {ch["record_id"]: ch for ch in bob.pull(bob.client.cursor)["changes"]}
    pulled.update({ch["record_id"]: ch for ch in phone(team_world.bob).pull()["changes"]})
    assert set(pulled) == set(ids)
    assert pulled == stored_changes(ids)
    assert pulled[deleted]["deleted"] and pulled[deleted]["hlc"] is None and pulled[deleted]["hlcs"] == {}
    assert set(pulled[edited]["hlcs"]) == {"minutes", "note"}  # the exceptions to the shared hlc
    hlcs = field_hlcs(pulled[edited])
    assert hlcs["minutes"] == hlcs["note"] > hlcs["kind"] == pulled[edited]["hlc"]


def test_a_pull_page_is_valid_json_around_spliced_changes():
    plain = {"collection": "c", "record_id": "r", "deleted": False, "record": {"id": "r"}, "hlc": None, "hlcs": {}}
    rest = {"cursor": "abc", "has_more": False, "last_mutation_id": 2, "drop_teams": [], "server_time": "t"}
    chunk = EncodedChange(dumps(plain) + "," + dumps(plain))  # one team's changes, as the store reads them
    page = {"changes": [EncodedChange(dumps(plain)), plain, chunk], **rest}
    assert json.loads(encode_pull(page)) == {"changes": [plain] * 4, **rest}
    assert encode_pull({"changes": []}) == '{"changes":[]}'


def test_a_page_holding_several_teams_changes_is_one_valid_list(team_world, phone, helpers, make_user):
    ward_a, ward_b = team_world.team.id, team_world.other_team.id
    a_phone, b_phone = phone(team_world.ann), phone(team_world.outsider)
    a_ids, b_ids = [helpers.new_id() for _ in range(3)], [helpers.new_id() for _ in range(2)]
    for rid in a_ids:
        a_phone.upsert(rid, helpers.entry(ward_a))
    for rid in b_ids:
        b_phone.upsert(rid, helpers.entry(ward_b))
    a_phone.sync()
    b_phone.sync()
    admin = phone(make_user("admin"))
    page = admin.pull(limit=4)  # all of one ward's changes and some of the other's
    second = admin.pull(page["cursor"], limit=4)
    pulled = [ch["record_id"] for ch in page["changes"] + second["changes"]]
    assert len(page["changes"]) == 4 and page["has_more"] and not second["has_more"]
    assert sorted(pulled) == sorted(a_ids + b_ids)
