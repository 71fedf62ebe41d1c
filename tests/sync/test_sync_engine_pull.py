"""Pull: paging, repeatability, drop_teams, newly readable teams, retention horizon."""
from __future__ import annotations

import pytest

from sync.client import field_hlcs
from sync import SyncError, decode_cursor, encode_cursor
from sync.cursor import TeamPosition
from sync_testkit import (HOUR, T0, TEAM_A, TEAM_B, FakeClock, actor, entry, make_engine, mutation, new_id,
                          pull_all, push_body, server_view)

DAY = 24 * HOUR
ANN = actor("u-ann", "dev-ann", teams=[TEAM_A, TEAM_B], lead=[TEAM_A, TEAM_B])


class Writer:
    """Pushes as Ann with consecutive ids."""

    def __init__(self, engine, who=ANN):
        self.engine, self.who, self.next = engine, who, 1

    def push(self, *specs):
        ms = []
        for rid, fields, op in specs:
            ms.append(mutation(self.next, self.who.client_id, self.engine.clock_ms() + self.next, rid, fields, op=op))
            self.next += 1
        status, body = self.engine.push(self.who, push_body(self.who.client_id, ms))
        assert status == 200 and all(r["status"] == "applied" for r in body["results"]), body
        return body

    def create(self, n, team=TEAM_A):
        ids = [new_id() for _ in range(n)]
        self.push(*[(rid, entry(team=team, minutes=i + 1), "upsert") for i, rid in enumerate(ids)])
        return ids


def keys_of(page):
    return [ch["record_id"] for ch in page["changes"]]


def as_state(replica):
    return {k: (ch["record"], field_hlcs(ch)) for k, ch in replica.items()}


def expected_state(engine, teams):
    return {k: ({**r.fields, "id": r.record_id, "team_id": r.team_id, "user_id": r.user_id,
                 "created_at": r.created_at, "updated_at": r.updated_at}, r.hlcs)
            for k, r in server_view(engine.store, teams).items()}


def test_paging_with_has_more(engine):
    w = Writer(engine)
    a_ids, b_ids = w.create(7, TEAM_A), w.create(5, TEAM_B)
    pages, cursor = [], ""
    while True:
        page = engine.pull(ANN, cursor, 5)
        pages.append(page)
        assert len(page["changes"]) <= 5 and len(set(keys_of(page))) == len(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert [len(p["changes"]) for p in pages] == [5, 5, 2]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert sum((keys_of(p) for p in pages), []) == a_ids + b_ids  # ordered by (team, version)
    nothing = engine.pull(ANN, cursor, 5)
    assert nothing["changes"] == [] and not nothing["has_more"] and nothing["cursor"] == cursor


def test_exactly_full_page_reports_has_more_precisely(engine):
    w = Writer(engine)
    w.create(5, TEAM_A)
    page = engine.pull(ANN, "", 5)
    assert len(page["changes"]) == 5 and page["has_more"] is False
    w.create(1, TEAM_B)
    first = engine.pull(ANN, "", 5)
    assert first["has_more"] is True
    assert len(engine.pull(ANN, first["cursor"], 5)["changes"]) == 1


def test_same_cursor_gets_same_answer(engine, clock):
    w = Writer(engine)
    ids = w.create(6, TEAM_A)
    first = engine.pull(ANN, "", 4)
    w.push((ids[0], {"minutes": 99}, "upsert"))
    clock.advance(5)
    a, b = engine.pull(ANN, first["cursor"], 4), engine.pull(ANN, first["cursor"], 4)
    assert {**a, "server_time": None} == {**b, "server_time": None}
    assert keys_of(a) == ids[4:] + [ids[0]]


def test_a_record_changed_while_paging_comes_again_with_its_latest_state(engine):
    w = Writer(engine)
    ids = w.create(4)
    p1 = engine.pull(ANN, "", 2)
    w.push((ids[0], {"minutes": 42}, "upsert"), (ids[3], None, "delete"))
    replica, _, _ = pull_all(engine, ANN, p1["cursor"], 2)
    first = {("capacity_entries", ch["record_id"]): ch for ch in p1["changes"]}
    first.update(replica)
    assert first[("capacity_entries", ids[0])]["record"]["minutes"] == 42


def test_incremental_sync_equals_fresh_full_sync_while_others_write(engine, clock):
    w = Writer(engine)
    ids = w.create(10, TEAM_A) + w.create(10, TEAM_B)
    replica, cursor, step = {}, "", 0
    while True:  # page by page, with writes between pages
        page = engine.pull(ANN, cursor, 3)
        for ch in page["changes"]:
            key = ("capacity_entries", ch["record_id"])
            if ch["deleted"]:
                replica.pop(key, None)
            else:
                replica[key] = ch
        cursor = page["cursor"]
        step += 1
        if step < 6:
            clock.advance(1000)
            w.push((ids[step], {"note": f"edit {step}"}, "upsert"), (ids[-step], None, "delete"))
            w.create(1, TEAM_B if step % 2 else TEAM_A)
        elif not page["has_more"]:
            break
    fresh, _, _ = pull_all(engine, ANN)
    assert as_state(replica) == as_state(fresh) == expected_state(engine, {TEAM_A, TEAM_B})


def test_interrupted_pull_resumes_from_any_earlier_cursor(engine):
    w = Writer(engine)
    w.create(9)
    p1 = engine.pull(ANN, "", 3)
    engine.pull(ANN, p1["cursor"], 3)  # response lost
    replica, _, _ = pull_all(engine, ANN, p1["cursor"], 3)
    start = {("capacity_entries", ch["record_id"]): ch for ch in p1["changes"]}
    start.update(replica)
    assert as_state(start) == expected_state(engine, {TEAM_A, TEAM_B})


def test_tombstones_are_sent_to_devices_that_had_the_record(engine):
    w = Writer(engine)
    ids = w.create(3)
    _, cursor, _ = pull_all(engine, ANN)
    w.push((ids[1], None, "delete"))
    page = engine.pull(ANN, cursor)
    [ch] = page["changes"]
    assert ch["deleted"] and ch["record"] == {
        "id": ids[1], "team_id": TEAM_A, "user_id": "u-ann",
        "created_at": ch["record"]["created_at"], "updated_at": ch["record"]["updated_at"]}
    assert ch["hlcs"] == {}


def test_delete_during_a_multi_page_full_copy_is_not_missed(engine):
    w = Writer(engine)
    ids = w.create(6)
    p1 = engine.pull(ANN, "", 2)  # full copy in progress: tombstones up to here are skipped
    w.push((ids[0], None, "delete"))  # a record already sent is deleted mid-copy
    replica = {("capacity_entries", ch["record_id"]): ch for ch in p1["changes"]}
    rest, _, _ = pull_all(engine, ANN, p1["cursor"], 2)
    for k, ch in rest.items():
        replica[k] = ch
    deleted = [ch for p in pull_all(engine, ANN, p1["cursor"], 2)[2] for ch in p["changes"] if ch["deleted"]]
    assert [ch["record_id"] for ch in deleted] == [ids[0]]


def test_access_removed_drops_the_team_repeatably(engine):
    w = Writer(engine)
    w.create(2, TEAM_A), w.create(2, TEAM_B)
    _, cursor, _ = pull_all(engine, ANN)
    removed = actor("u-ann", "dev-ann", teams=[TEAM_A])
    a, b = engine.pull(removed, cursor), engine.pull(removed, cursor)
    assert a["drop_teams"] == b["drop_teams"] == [TEAM_B] and a["changes"] == []
    assert a["cursor"] == b["cursor"] and TEAM_B not in decode_cursor(a["cursor"])
    assert engine.pull(removed, a["cursor"])["drop_teams"] == []
    # and their pushes to it are rejected
    rid = new_id()
    _, body = engine.push(removed, push_body("dev-ann", [mutation(w.next, "dev-ann", T0 + 99, rid, entry(team=TEAM_B))]))
    assert body["results"][0]["error"]["code"] == "forbidden"


def test_newly_readable_team_arrives_in_full(engine):
    w = Writer(engine)
    a_ids = w.create(2, TEAM_A)
    b_ids = w.create(3, TEAM_B)
    w.push((b_ids[0], None, "delete"))
    bob = actor("u-bob", "dev-bob", teams=[TEAM_A])
    _, cursor, _ = pull_all(engine, bob)
    bob_joined = actor("u-bob", "dev-bob", teams=[TEAM_A, TEAM_B])
    replica, _, pages = pull_all(engine, bob_joined, cursor, 1)
    assert pages[0]["drop_teams"] == []
    assert sorted(k[1] for k in replica) == sorted(b_ids[1:])
    assert not any(ch["deleted"] for p in pages for ch in p["changes"])  # no old tombstones in a full copy
    assert a_ids  # team A untouched


def test_cursor_older_than_the_horizon_gets_the_team_dropped_and_resent():
    clock = FakeClock()
    engine = make_engine(clock)
    w = Writer(engine)
    ids = w.create(4, TEAM_A)
    b_ids = w.create(1, TEAM_B)
    _, old_cursor, _ = pull_all(engine, ANN)
    w.push((ids[0], None, "delete"))
    clock.advance(181 * DAY)
    w.push((ids[1], {"note": "recent"}, "upsert"))
    stats = engine.purge()
    assert stats["horizons"] == {TEAM_A: engine.store.teams[TEAM_A].version - 1}
    assert ("capacity_entries", ids[0]) not in engine.store.records
    first, again = engine.pull(ANN, old_cursor, 2), engine.pull(ANN, old_cursor, 2)
    assert first["drop_teams"] == again["drop_teams"] == [TEAM_A] and first["cursor"] == again["cursor"]
    replica, _, pages = pull_all(engine, ANN, old_cursor, 2)
    assert all(p["drop_teams"] == [] for p in pages[1:])  # dropped once per paging run
    assert sorted(k[1] for k in replica) == sorted(ids[1:])
    assert not any(ch["record_id"] == b_ids[0] for p in pages for ch in p["changes"])  # team B not resent
    # a cursor taken after the purge is fine
    _, fresh_cursor, _ = pull_all(engine, ANN)
    assert engine.pull(ANN, fresh_cursor)["drop_teams"] == []


def test_purge_keeps_recent_tombstones_and_logs():
    clock = FakeClock()
    engine = make_engine(clock)
    w = Writer(engine)
    ids = w.create(2)
    w.push((ids[0], None, "delete"))
    clock.advance(179 * DAY)
    assert engine.purge()["horizons"] == {}
    assert engine.store.records[("capacity_entries", ids[0])].deleted


def test_cursor_from_another_database_is_reset(engine):
    w = Writer(engine)
    w.create(2)
    future = encode_cursor({TEAM_A: TeamPosition(999)})
    page = engine.pull(ANN, future)
    assert page["drop_teams"] == [TEAM_A] and len(page["changes"]) == 2


def test_pull_reports_last_mutation_id(engine):
    w = Writer(engine)
    w.create(3)
    assert engine.pull(ANN, "")["last_mutation_id"] == 3
    w.create(1)
    assert engine.pull(ANN, "")["last_mutation_id"] == 4
    assert engine.pull(actor("u-x", "dev-x"), "")["last_mutation_id"] == 0


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode_cursor({})[:-2] + "zz",
                                    "eyJ2IjoxLCJ0Ijp7InQiOi0xfX0", "eyJ2IjoyLCJ0Ijp7fX0"])
def test_bad_cursor(engine, cursor):
    with pytest.raises(SyncError) as exc:
        engine.pull(ANN, cursor)
    assert (exc.value.status, exc.value.code) == (400, "invalid_cursor")


@pytest.mark.parametrize("limit", [0, 1001, "5", True])
def test_bad_limit(engine, limit):
    with pytest.raises(SyncError) as exc:
        engine.pull(ANN, "", limit)
    assert exc.value.status == 422


def test_cursor_round_trip():
    pos = {"t1": TeamPosition(5), "t2": TeamPosition(3, 9)}
    assert decode_cursor(encode_cursor(pos)) == pos
    assert decode_cursor("") == {} and decode_cursor(None) == {}
