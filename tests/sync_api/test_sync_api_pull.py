"""GET /api/sync/pull and /api/sync/conflicts on both databases: paging, resuming, membership, clock skew.

Replicas hold every pulled collection, keyed ``(collection, record_id)``: the capacity entries a
device keeps (a lead the team's, staff their own) and the weekly totals the server writes with them."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from server.organisations.operations import remove_membership, set_membership
from server.extensions import db
from sync import format_hlc, parse_time
from sync.client import field_hlcs
from sync.cursor import decode_cursor_state
from sync.hlc import system_ms

HOUR = 3_600_000


ENTRIES, TOTALS = "capacity_entries", "capacity_weekly_totals"


def replica_pull(phone, cursor="", limit=500, replica=None, max_pages=None):
    """Pull page by page into a plain replica {(collection, record_id): record}; returns (replica, cursor, has_more)."""
    replica = {} if replica is None else replica
    pages = 0
    while True:
        page = phone.pull(cursor, limit)
        pages += 1
        for team in page["drop_teams"]:
            for key in [key for key, rec in replica.items() if rec["team_id"] == team]:
                del replica[key]
        apply_changes(replica, page["changes"])
        cursor = page["cursor"]
        if not page["has_more"] or (max_pages and pages >= max_pages):
            return replica, cursor, page["has_more"]


def apply_changes(replica, changes):
    for change in changes:
        key = (change["collection"], change["record_id"])
        if change["deleted"]:
            replica.pop(key, None)
        else:
            replica[key] = change["record"]


def stored(replica, collection=ENTRIES, user_id=None):
    """One collection of a replica as the server stores it: {record_id: fields, team_id, user_id}."""
    return {rid: {k: v for k, v in rec.items() if k not in ("id", "created_at", "updated_at")}
            for (name, rid), rec in replica.items() if name == collection and user_id in (None, rec["user_id"])}


def server_state(helpers, team_id=None, collection=ENTRIES, user_id=None):
    return {rid: {k: v for k, v in rec.items() if k != "deleted"}
            for rid, rec in helpers.server_records(team_id, collection=collection).items()
            if user_id in (None, rec["user_id"])}


def test_paging_while_other_devices_write_ends_equal_to_the_server(team_world, phone, helpers):
    team = team_world.team.id
    ann, bob = phone(team_world.ann), phone(team_world.bob)
    reader = phone(team_world.lead, "reader")
    rng = random.Random(7)
    ids = [helpers.new_id() for _ in range(60)]
    ann.push(*[ann.mutation(rid, helpers.entry(team, minutes=i + 1)) for i, rid in enumerate(ids[:40])])
    replica, cursor = {}, ""
    for round_ in range(12):
        page = reader.pull(cursor, limit=7)
        apply_changes(replica, page["changes"])
        assert len({c["record_id"] for c in page["changes"]}) == len(page["changes"])  # at most once a page
        cursor = page["cursor"]
        # meanwhile: creates, edits of records already pulled and not yet pulled, deletes
        writer = ann if round_ % 2 else bob
        ops = [writer.mutation(ids[40 + round_], helpers.entry(team, minutes=99))]
        mine = [rid for rid in ids[:40] if writer is ann]
        if mine:
            ops.append(writer.mutation(rng.choice(mine), {"minutes": rng.randint(1, 1440)}))
            ops.append(writer.mutation(ids[round_], op="delete"))
        writer.push(*ops)
    replica, cursor, _ = replica_pull(reader, cursor, limit=7, replica=replica)
    assert stored(replica) == server_state(helpers, team)  # a lead's device holds the team's entries
    assert len(stored(replica)) > 40
    assert stored(replica, TOTALS) == server_state(helpers, team, TOTALS)


def test_an_interrupted_pull_resumes_and_repeats_exactly(team_world, phone, helpers):
    team = team_world.team.id
    ann, reader = phone(team_world.ann), phone(team_world.lead, "reader")  # a lead's device holds ann's entries
    ids = [helpers.new_id() for _ in range(25)]
    ann.push(*[ann.mutation(rid, helpers.entry(team, minutes=i + 1)) for i, rid in enumerate(ids)])
    first = reader.pull("", limit=10)
    assert first["has_more"] and len(first["changes"]) == 10
    # the response of the second page is lost: the same cursor gets the same answer
    second = reader.pull(first["cursor"], limit=10)
    repeated = reader.pull(first["cursor"], limit=10)
    assert {**repeated, "server_time": None, "cursor": None} == {**second, "server_time": None, "cursor": None}
    # the cursors differ only in the time they were issued (which left notices are measured from)
    assert replace(decode_cursor_state(repeated["cursor"]), issued=None) == \
        replace(decode_cursor_state(second["cursor"]), issued=None)
    # a change lands before the device asks again: nothing is skipped
    ann.push(ann.mutation(ids[0], {"minutes": 500}), ann.mutation(ids[24], op="delete"))
    replica = {}
    apply_changes(replica, first["changes"])
    replica, _, _ = replica_pull(reader, first["cursor"], limit=10, replica=replica)
    assert stored(replica) == server_state(helpers, team)
    assert stored(replica, TOTALS) == server_state(helpers, team, TOTALS)
    assert stored(replica)[ids[0]]["minutes"] == 500 and ids[24] not in stored(replica)


def test_an_incremental_sync_ends_equal_to_a_fresh_full_sync(team_world, phone, helpers):
    team = team_world.team.id
    ann, bob, lead = phone(team_world.ann), phone(team_world.bob), phone(team_world.lead)
    old_tablet = phone(team_world.lead, "old tablet")  # keeps the team's entries
    old_phone = phone(team_world.bob, "old phone")  # keeps bob's own
    rng = random.Random(3)
    live: list[str] = []
    replica, cursor = {}, ""
    bobs, bobs_cursor = {}, ""
    for round_ in range(6):
        for device in (ann, bob, lead):
            for _ in range(rng.randint(1, 4)):
                choice = rng.random()
                if live and choice < 0.3:
                    device.upsert(rng.choice(live), {"note": f"edit {round_}", "minutes": rng.randint(1, 90)})
                elif live and choice < 0.4:
                    victim = rng.choice(live)
                    live.remove(victim)
                    device.delete(victim)
                else:
                    rid = helpers.new_id()
                    live.append(rid)
                    device.upsert(rid, helpers.entry(team, minutes=rng.randint(1, 90)))
            device.sync()
        if round_ in (1, 3):  # the tablet and the phone sync now and then, in small pages
            replica, cursor, _ = replica_pull(old_tablet, cursor, limit=3, replica=replica)
            bobs, bobs_cursor, _ = replica_pull(old_phone, bobs_cursor, limit=3, replica=bobs)
    replica, _, _ = replica_pull(old_tablet, cursor, limit=3, replica=replica)
    bobs, _, _ = replica_pull(old_phone, bobs_cursor, limit=3, replica=bobs)
    for device in (ann, bob, lead):
        device.sync()
    fresh, _, _ = replica_pull(phone(team_world.lead, "fresh"), "", limit=1000)
    assert replica == fresh
    assert stored(fresh) == server_state(helpers, team)
    assert stored(fresh, TOTALS) == server_state(helpers, team, TOTALS)
    fresh_bob, _, _ = replica_pull(phone(team_world.bob, "fresh"), "", limit=1000)
    assert bobs == fresh_bob
    assert stored(fresh_bob) == server_state(helpers, team, user_id=team_world.bob.id)
    assert stored(fresh_bob, TOTALS) == stored(fresh, TOTALS)  # everyone gets the team's totals
    coach, _, _ = replica_pull(phone(team_world.coach, "fresh"), "", limit=1000)
    assert stored(coach) == {} and stored(coach, TOTALS) == stored(fresh, TOTALS)
    # the reference clients converge too, each on what its user keeps
    assert helpers.view_fields(lead.view()) == stored(fresh)
    for device, user in ((ann, team_world.ann), (bob, team_world.bob)):
        assert helpers.view_fields(device.view()) == stored(fresh, user_id=user.id)
    for device in (ann, bob, lead):
        assert helpers.view_fields(device.view(TOTALS)) == stored(fresh, TOTALS)


def test_incremental_pulls_from_an_old_cursor_equal_a_fresh_pull(team_world, phone, helpers):
    team = team_world.team.id
    ann, reader = phone(team_world.ann), phone(team_world.lead, "reader")
    ids = [helpers.new_id() for _ in range(10)]
    ann.push(*[ann.mutation(rid, helpers.entry(team)) for rid in ids])
    replica, cursor, _ = replica_pull(reader, "", limit=3)
    ann.push(ann.mutation(ids[0], {"minutes": 1}), ann.mutation(ids[1], op="delete"),
             ann.mutation(helpers.new_id(), helpers.entry(team, kind="admin")))
    replica, cursor, _ = replica_pull(reader, cursor, limit=2, replica=replica)
    fresh, _, _ = replica_pull(phone(team_world.lead, "fresh"), "", limit=1000)
    assert replica == fresh and len(stored(fresh)) == 10
    assert stored(fresh, TOTALS) == server_state(helpers, team, TOTALS) and len(stored(fresh, TOTALS)) == 2


def test_a_removed_member_gets_the_team_dropped_and_pushes_rejected(app, team_world, phone, helpers):
    team = team_world.team
    bob = phone(team_world.bob)
    rid = helpers.new_id()
    bob.push(bob.mutation(rid, helpers.entry(team.id)))
    replica, cursor, _ = replica_pull(bob)
    assert rid in stored(replica)
    remove_membership(team, team_world.bob.id)
    db.session.commit()
    page = bob.pull(cursor)
    assert page["drop_teams"] == [team.id] and page["changes"] == []
    assert bob.pull(cursor)["drop_teams"] == [team.id]  # repeatable until the device moves on
    assert bob.pull(page["cursor"])["drop_teams"] == []
    refused = bob.push(bob.mutation(rid, {"minutes": 1}), bob.mutation(helpers.new_id(), helpers.entry(team.id)))
    # the team is out of sight now: its record is answered as one that does not exist (no team_id to create it)
    assert [r["error"]["code"] for r in refused["results"]] == ["validation_error", "forbidden"]
    assert helpers.server_records()[rid]["minutes"] == 15


def test_an_added_member_gets_the_full_state_on_the_next_pull(app, team_world, phone, helpers, make_user):
    team = team_world.team
    ann = phone(team_world.ann)
    newcomer_user = make_user(team=team_world.other_team)
    newcomer = phone(newcomer_user)
    ids = [helpers.new_id() for _ in range(5)]
    ann.push(*[ann.mutation(rid, helpers.entry(team.id)) for rid in ids], ann.mutation(ids[0], op="delete"))
    _, cursor, _ = replica_pull(newcomer)
    set_membership(team, newcomer_user.id, "lead")  # a lead keeps the team's entries
    db.session.commit()
    replica, _, _ = replica_pull(newcomer, cursor, limit=2)
    assert set(stored(replica)) == set(ids[1:])
    assert stored(replica, TOTALS) == server_state(helpers, team.id, TOTALS) != {}


def test_a_device_twelve_hours_fast_does_not_win_the_next_twelve_hours(team_world, phone, helpers):
    team = team_world.team.id
    now = system_ms()
    ann = phone(team_world.ann, "fast", wall_ms=lambda: system_ms() + 12 * HOUR)
    bob = phone(team_world.lead)  # a lead may edit ann's entry
    rid = helpers.new_id()
    ann.upsert(rid, helpers.entry(team, note="from the future"))
    ann.client.sync(ann.send)  # the push goes first, stamped 12 h ahead
    stamped = field_hlcs(ann.pull()["changes"][0])["note"]
    assert parse_time(stamped[:24]) - now < 5 * 60_000, "the server re-stamps a future hlc"
    bob.sync()
    bob.upsert(rid, {"note": "honest edit a minute later"})
    bob.sync()
    assert helpers.server_records()[rid]["note"] == "honest edit a minute later"
    ann.sync()  # after a sync the fast device has the server's offset and can edit again
    assert ann.view()[rid]["note"] == "honest edit a minute later"
    ann.upsert(rid, {"note": "fast device, corrected"})
    ann.sync()
    assert helpers.server_records()[rid]["note"] == "fast device, corrected"


def test_a_device_twelve_hours_slow_can_still_edit(team_world, phone, helpers):
    team = team_world.team.id
    bob = phone(team_world.ann)
    slow = phone(team_world.lead, "slow", wall_ms=lambda: system_ms() - 12 * HOUR)  # a lead may edit it
    rid = helpers.new_id()
    bob.upsert(rid, helpers.entry(team, note="bob's"))
    bob.sync()
    # an edit made before the slow device ever synced really looks 12 h old: it loses, and is logged
    slow.upsert(rid, {"note": "stale clock"})
    slow.sync()
    assert helpers.server_records()[rid]["note"] == "bob's"
    conflicts = slow.api.get(f"/api/sync/conflicts?team_id={team}").json["conflicts"]
    assert [(c["field"], c["lost_value"], c["kept_value"]) for c in conflicts] == [("note", "stale clock", "bob's")]
    # once synced, its clock follows the server's time and its edits win
    slow.upsert(rid, {"note": "slow device, synced"})
    slow.sync()
    assert helpers.server_records()[rid]["note"] == "slow device, synced"


def test_conflicts_lists_overwritten_values_for_readers_of_the_team(team_world, phone, helpers):
    team = team_world.team.id
    ann, lead, coach, outsider = (phone(team_world.ann), phone(team_world.lead), phone(team_world.coach),
                                  phone(team_world.outsider))
    rid = helpers.new_id()
    now = system_ms()
    ann.push(ann.mutation(rid, helpers.entry(team, note="hoist"), hlc=format_hlc(now - 5000, 0, ann.id)))
    lead.push(lead.mutation(rid, {"note": "sling"}, hlc=format_hlc(now - 1000, 0, lead.id)))
    body = coach.api.get("/api/sync/conflicts", query_string={"team_id": team}).json
    assert [(c["field"], c["kept_value"], c["lost_value"], c["lost_by_user_id"], c["lost_by_client_id"])
            for c in body["conflicts"]] == [("note", "sling", "hoist", team_world.ann.id, ann.id)]
    assert set(body["conflicts"][0]) == {"collection", "record_id", "field", "kept_value", "kept_hlc", "lost_value",
                                         "lost_hlc", "lost_by_user_id", "lost_by_client_id", "at"}
    at = body["conflicts"][0]["at"]
    assert len(coach.api.get("/api/sync/conflicts", query_string={"team_id": team, "since": at}).json["conflicts"]) == 1
    later = coach.api.get("/api/sync/conflicts", query_string={"team_id": team, "since": "2999-01-01T00:00:00Z"})
    assert later.json == {"conflicts": []}
    assert coach.api.get("/api/sync/conflicts", query_string={"team_id": team, "since": "soon"}).status_code == 422
    assert outsider.api.get("/api/sync/conflicts", query_string={"team_id": team}).status_code == 403


@pytest.mark.parametrize("query,status", [
    ({"cursor": "not-a-cursor"}, 400),
    ({"cursor": "eyJ2IjoyfQ"}, 400),
    ({"limit": 0}, 422),
    ({"limit": 5001}, 422),
    ({"limit": "many"}, 422),
])
def test_bad_pull_requests_are_4xx(team_world, phone, query, status):
    response = phone(team_world.ann).api.get("/api/sync/pull", query_string=query)
    assert response.status_code == status and set(response.json) == {"error"}
    if status == 400:
        assert response.json["error"]["code"] == "invalid_cursor"
