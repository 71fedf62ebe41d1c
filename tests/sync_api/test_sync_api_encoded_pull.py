"""Pull pages are written by the database (``store.change_json``): each change must be the JSON the
engine's own ``SyncEngine.change_for`` gives for the stored record, on SQLite and PostgreSQL, for
odd texts, edited records (per-field hlcs), tombstones, records with no fields and the weekly totals
the server writes (a null category)."""

from __future__ import annotations

import json

from server.capacity.models import weekly_total_id
from server.extensions import db
from server.sync_api.encoding import EncodedChange, dumps, encode_pull
from server.organisations.operations import set_membership
from server.sync_api.registry import sync_setup
from sync import SyncEngine
from sync.client import field_hlcs

ODD_NOTES = ['a "quoted" \\ back\\slash', "<b>&amp;</b> /slash", "caf\u00e9 \u2603 \U0001f600", "\u2028 \u00a0 '"]


def stored_changes(keys) -> dict[tuple[str, str], dict]:
    """What the engine itself would send for each stored record (read through the store's merge path)."""
    store = sync_setup().engine.store
    with store.transaction() as tx:
        records = tx.lock_records(sorted(keys))
    db.session.commit()
    return {key: SyncEngine.change_for(rec) for key, rec in records.items()}


def by_key(changes) -> dict[tuple[str, str], dict]:
    return {(ch["collection"], ch["record_id"]): ch for ch in changes}


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
    tablet = phone(team_world.lead, "tablet")  # a lead's device keeps the team's entries
    tablet.sync()  # it had every record, so a later pull sends it the tombstone too
    lead.upsert(edited, {"minutes": 45, "note": None})  # two fields get the lead's later hlc
    lead.delete(deleted)
    lead.sync()

    everything = by_key(tablet.pull(tablet.client.cursor)["changes"])
    everything.update(by_key(phone(team_world.lead, "fresh").pull()["changes"]))
    totals = {weekly_total_id(team, week, kind, category) for week, kind, category in
              {(rec["week_start"], rec["kind"], rec["category"])
               for (name, _), rec in ((k, ch["record"]) for k, ch in everything.items())
               if name == "capacity_weekly_totals"}}
    assert len(totals) == 3  # time lost "Waiting", time lost "Searching", meetings (no category)
    assert set(everything) == {("capacity_entries", rid) for rid in ids} | {("capacity_weekly_totals", t) for t in totals}
    assert everything == stored_changes(everything)
    assert any(ch["record"]["category"] is None for ch in everything.values()
               if ch["collection"] == "capacity_weekly_totals")
    pulled = {rid: ch for (name, rid), ch in everything.items() if name == "capacity_entries"}
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
    lead = make_user(team=team_world.team, team_role="lead")  # keeps both wards' entries
    set_membership(team_world.other_team, lead.id, "lead")
    db.session.commit()
    reader = phone(lead)
    # each ward: its entries and one weekly total; a page of 5 holds all of one ward's and some of the other's
    page = reader.pull(limit=5)
    second = reader.pull(page["cursor"], limit=5)
    pulled = [ch["record_id"] for ch in page["changes"] + second["changes"]]
    assert len(page["changes"]) == 5 and page["has_more"] and not second["has_more"]
    assert len({ch["record"]["team_id"] for ch in page["changes"]}) == 2
    totals = [weekly_total_id(ward, helpers.TODAY_WEEK, "time_lost", "Searching for equipment") for ward in (ward_a, ward_b)]
    assert sorted(pulled) == sorted(a_ids + b_ids + totals)
