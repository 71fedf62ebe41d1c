"""Push semantics: ids and confirmation, validation, permissions, merge, clock skew, atomicity."""
from __future__ import annotations

import threading

import pytest

from sync.client import field_hlcs
from sync import (Collection, Hlc, MemoryStore, Rejected, SyncClient, SyncEngine, SyncError, format_time,
                  parse_hlc)
from sync_testkit import (HOUR, T0, TEAM_A, TEAM_B, FakeClock, actor, capacity_validator, entry, make_engine,
                          mutation, new_id, push_body)

ANN = actor("u-ann", "dev-ann")
BOB = actor("u-bob", "dev-bob")
LEAD = actor("u-lea", "dev-lea", lead=[TEAM_A])


def statuses(body):
    return [r["status"] for r in body["results"]]


def test_create_then_pull_returns_record_with_meta_and_hlcs(engine, clock):
    rid = new_id()
    status, body = engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    assert status == 200
    assert body == {"last_mutation_id": 1, "server_time": format_time(T0),
                    "results": [{"id": 1, "status": "applied"}]}
    page = engine.pull(BOB, "")
    [change] = page["changes"]
    assert change["collection"] == "capacity_entries" and change["record_id"] == rid and not change["deleted"]
    rec = change["record"]
    assert rec["id"] == rid and rec["team_id"] == TEAM_A and rec["user_id"] == "u-ann"
    assert rec["created_at"] == rec["updated_at"] == format_time(T0)
    assert {k: rec[k] for k in ("kind", "minutes", "occurred_on", "category", "note")} == {
        k: v for k, v in entry().items() if k != "team_id"}
    # one mutation wrote every field: one hlc for all of them, no per-field exceptions
    assert change["hlc"] == mutation(1, "dev-ann", T0, rid, entry())["hlc"] and change["hlcs"] == {}
    assert set(field_hlcs(change)) == {"kind", "minutes", "occurred_on", "category", "note"}
    assert page["has_more"] is False and page["drop_teams"] == [] and page["last_mutation_id"] == 0


def test_same_push_twice_is_applied_once(engine):
    store = engine.store
    body = push_body("dev-ann", [mutation(1, "dev-ann", T0, new_id(), entry()),
                                 mutation(2, "dev-ann", T0 + 1, new_id(), entry(minutes=30))])
    _, first = engine.push(ANN, body)
    versions = {k: r.version for k, r in store.records.items()}
    _, second = engine.push(ANN, body)
    assert statuses(first) == ["applied", "applied"]
    assert statuses(second) == ["duplicate", "duplicate"] and second["last_mutation_id"] == 2
    assert {k: r.version for k, r in store.records.items()} == versions
    assert store.teams[TEAM_A].version == 2


def test_same_push_concurrently_on_two_threads_is_applied_once():
    engine = make_engine()
    body = push_body("dev-ann", [mutation(i, "dev-ann", T0 + i, new_id(), entry()) for i in range(1, 51)])
    results, barrier = [], threading.Barrier(4)

    def run():
        barrier.wait()
        results.append(engine.push(ANN, body)[1])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    applied = sorted(statuses(r).count("applied") for r in results)
    assert applied == [0, 0, 0, 50]
    assert engine.store.teams[TEAM_A].version == 50 and len(engine.store.records) == 50


def test_response_lost_retry_is_duplicate_and_pull_confirms(engine):
    m = mutation(1, "dev-ann", T0, new_id(), entry())
    engine.push(ANN, push_body("dev-ann", [m]))  # response "lost"
    assert engine.pull(ANN, "")["last_mutation_id"] == 1
    _, body = engine.push(ANN, push_body("dev-ann", [m, mutation(2, "dev-ann", T0 + 1, new_id(), entry())]))
    assert statuses(body) == ["duplicate", "applied"] and body["last_mutation_id"] == 2


@pytest.mark.parametrize("ids", [[2], [2, 3], [1, 3], [1, 1], [2, 1]])
def test_gap_is_refused_with_expected_id_and_nothing_applied(engine, ids):
    body = push_body("dev-ann", [mutation(i, "dev-ann", T0 + n, new_id(), entry()) for n, i in enumerate(ids)])
    with pytest.raises(SyncError) as exc:
        engine.push(ANN, body)
    assert (exc.value.status, exc.value.code, exc.value.extra) == (409, "mutation_gap", {"expected_id": 1})
    assert engine.store.records == {} and "dev-ann" not in engine.store.devices


def test_gap_after_progress_expects_next_id(engine):
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, new_id(), entry())]))
    with pytest.raises(SyncError) as exc:
        engine.push(ANN, push_body("dev-ann", [mutation(3, "dev-ann", T0 + 5, new_id(), entry())]))
    assert exc.value.extra == {"expected_id": 2}
    # a push overlapping what was processed is fine: duplicates, then new ones
    _, body = engine.push(ANN, push_body("dev-ann", [mutation(i, "dev-ann", T0 + i, new_id(), entry()) for i in (1, 2)]))
    assert statuses(body) == ["duplicate", "applied"]


def test_rejected_mutations_count_as_processed_and_are_kept(engine):
    store = engine.store
    ms = [mutation(1, "dev-ann", T0, new_id(), entry()),
          mutation(2, "dev-ann", T0 + 1, new_id(), entry(minutes=0, kind="nap")),
          mutation(3, "dev-ann", T0 + 2, new_id(), entry(minutes=20))]
    _, body = engine.push(ANN, push_body("dev-ann", ms))
    assert statuses(body) == ["applied", "rejected", "applied"] and body["last_mutation_id"] == 3
    err = body["results"][1]["error"]
    assert err["code"] == "validation_error" and set(err["fields"]) == {"minutes", "kind"}
    [rej] = store.rejections
    assert (rej.client_id, rej.user_id, rej.mutation_id, rej.team_id) == ("dev-ann", "u-ann", 2, TEAM_A)
    assert rej.mutation == ms[1] and rej.error == err
    # a retry says duplicate, and repeats the refusal so the device can show it
    _, again = engine.push(ANN, push_body("dev-ann", ms))
    assert again["results"][1] == {"id": 2, "status": "duplicate", "error": err}
    assert "error" not in again["results"][0]


class FailingStore(MemoryStore):
    """Dies in the middle of writing a push (like a killed worker)."""

    fail = True

    def transaction(self):
        outer = super().transaction()
        store = self

        class Wrapper:
            def __enter__(self):
                self.tx = outer.__enter__()
                real = self.tx.put_records

                def put_records(records):
                    real(records[: len(records) // 2])
                    if store.fail:
                        raise RuntimeError("worker killed")
                    real(records[len(records) // 2:])

                self.tx.put_records = put_records
                return self.tx

            def __exit__(self, *exc):
                return outer.__exit__(*exc)

        return Wrapper()


def test_push_is_all_or_nothing_when_the_server_dies_mid_push():
    store = FailingStore()
    engine = make_engine(store=store)
    body = push_body("dev-ann", [mutation(i, "dev-ann", T0 + i, new_id(), entry()) for i in range(1, 101)])
    with pytest.raises(RuntimeError):
        engine.push(ANN, body)
    assert store.records == {} and store.devices == {} and store.teams == {} and store.commits == 0
    store.fail = False
    _, ok = engine.push(ANN, body)
    assert statuses(ok).count("applied") == 100
    _, again = engine.push(ANN, body)
    assert statuses(again).count("duplicate") == 100 and len(store.records) == 100


def test_request_level_errors(engine):
    def err(request, who=ANN):
        with pytest.raises(SyncError) as exc:
            engine.push(who, request)
        return exc.value.status, exc.value.code

    m = mutation(1, "dev-ann", T0, new_id(), entry())
    assert err(push_body("dev-bob", [m])) == (403, "client_id_mismatch")
    assert err(push_body("dev-ann", [m], schema_version=2)) == (426, "schema_version_unsupported")
    many = [mutation(i, "dev-ann", T0, new_id(), entry()) for i in range(1, 502)]
    assert err(push_body("dev-ann", many)) == (413, "too_many_mutations")
    assert err([m]) == (400, "invalid_request")
    assert err({"client_id": "dev-ann", "schema_version": 1}) == (422, "validation_error")
    assert err({"client_id": "dev-ann", "schema_version": "1", "mutations": []}) == (422, "validation_error")
    assert err(push_body("dev-ann", [{"collection": "capacity_entries"}])) == (422, "validation_error")
    assert err(push_body("dev-ann", [{**m, "id": True}])) == (422, "validation_error")
    assert engine.store.records == {} and engine.store.devices == {}
    _, ok = engine.push(ANN, push_body("dev-ann", many[:500]))
    assert ok["last_mutation_id"] == 500
    _, empty = engine.push(ANN, push_body("dev-ann", []))
    assert empty == {"last_mutation_id": 500, "server_time": format_time(T0), "results": []}


def test_426_keeps_nothing_and_later_push_works(engine):
    m = mutation(1, "dev-ann", T0, new_id(), entry())
    with pytest.raises(SyncError):
        engine.push(ANN, push_body("dev-ann", [m], schema_version=99))
    assert statuses(engine.push(ANN, push_body("dev-ann", [m]))[1]) == ["applied"]


@pytest.mark.parametrize("bad, code, field", [
    ({"collection": "nope"}, "unknown_collection", None),
    ({"op": "merge"}, "validation_error", "op"),
    ({"record_id": ""}, "validation_error", "record_id"),
    ({"record_id": 7}, "validation_error", "record_id"),
    ({"hlc": "yesterday"}, "validation_error", "hlc"),
    ({"hlc": "2026-11-26T10:00:00.000Z-0000-dev-bob"}, "validation_error", "hlc"),
    ({"fields": None}, "validation_error", "fields"),
    ({"fields": {"kind": "admin", "minutes": 5, "occurred_on": "2026-11-26"}}, "validation_error", "team_id"),
    ({"fields": entry(user_id="u-bob")}, "validation_error", "user_id"),
    ({"fields": entry(colour="red")}, "validation_error", "colour"),
    ({"fields": entry(occurred_on="2026-11-28")}, "validation_error", "occurred_on"),
    ({"fields": entry(note="x" * 501)}, "validation_error", "note"),
    ({"fields": entry(team=TEAM_B)}, "forbidden", None),
])
def test_invalid_mutations_are_rejected_individually(engine, bad, code, field):
    m = {**mutation(1, "dev-ann", T0, new_id(), entry()), **bad}
    _, body = engine.push(ANN, push_body("dev-ann", [m, mutation(2, "dev-ann", T0 + 1, new_id(), entry())]))
    assert statuses(body) == ["rejected", "applied"]
    error = body["results"][0]["error"]
    assert error["code"] == code and error["message"]
    if field:
        assert field in error["fields"]
    assert len(engine.store.rejections) == 1 and len(engine.store.records) == 1


def test_a_narrower_record_id_rule_rejects_alone_and_validators_see_the_record_id():
    class ShortIds(SyncEngine):  # a store whose keys hold 8 characters
        def check_record_id(self, collection, record_id):
            if isinstance(record_id, str) and len(record_id) > 8:
                raise Rejected("validation_error", "Invalid record id.", {"record_id": ["At most 8 characters."]})
            super().check_record_id(collection, record_id)

    clock, seen = FakeClock(), []
    validate = capacity_validator(clock)

    def validate_and_note(fields, *, record_id, **kwargs):
        seen.append(record_id)
        return validate(fields, record_id=record_id, **kwargs)

    engine = ShortIds(MemoryStore(), clock_ms=clock)
    engine.register(Collection("capacity_entries", validate=validate_and_note))
    _, body = engine.push(ANN, push_body("dev-ann", [
        mutation(1, "dev-ann", T0, "short-1", entry()),
        mutation(2, "dev-ann", T0 + 1, "much-too-long", entry()),
        {**mutation(3, "dev-ann", T0 + 2, "short-2", entry()), "record_id": ""},
        mutation(4, "dev-ann", T0 + 3, "short-3", entry()),
        mutation(5, "dev-ann", T0 + 4, "short-1", {"minutes": 20}),  # an update sees its record's id too
    ]))
    assert statuses(body) == ["applied", "rejected", "rejected", "applied", "applied"]
    assert body["results"][1]["error"]["fields"] == {"record_id": ["At most 8 characters."]}
    assert body["results"][2]["error"]["fields"] == {"record_id": ["Required string of 1-128 characters."]}
    assert [r.team_id for r in engine.store.rejections] == [None, None]
    assert seen == ["short-1", "short-3", "short-1"]


def test_delete_with_fields_and_delete_of_unknown_record_are_rejected(engine):
    rid = new_id()
    _, body = engine.push(ANN, push_body("dev-ann", [
        mutation(1, "dev-ann", T0, rid, op="delete"),
        {**mutation(2, "dev-ann", T0 + 1, rid, op="delete"), "fields": {"note": "x"}},
    ]))
    assert [r["error"]["code"] for r in body["results"]] == ["not_found", "validation_error"]


def test_permissions_author_or_lead(engine):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    _, bob = engine.push(BOB, push_body("dev-bob", [mutation(1, "dev-bob", T0 + 1, rid, {"minutes": 99}),
                                                   mutation(2, "dev-bob", T0 + 2, rid, op="delete")]))
    assert [r["error"]["code"] for r in bob["results"]] == ["forbidden", "forbidden"]
    _, lead = engine.push(LEAD, push_body("dev-lea", [mutation(1, "dev-lea", T0 + 3, rid, {"minutes": 45})]))
    assert statuses(lead) == ["applied"]
    outsider = actor("u-out", "dev-out", teams=[TEAM_B])
    _, out = engine.push(outsider, push_body("dev-out", [mutation(1, "dev-out", T0 + 4, rid, {"minutes": 1}),
                                                        mutation(2, "dev-out", T0 + 5, rid, op="delete")]))
    # a team it cannot see: answered as for a record that does not exist (here, no team_id to create it)
    assert [r["error"]["code"] for r in out["results"]] == ["validation_error", "not_found"]
    reader = actor("u-coach", "dev-coach", teams=[], read_only=[TEAM_A])
    _, ro = engine.push(reader, push_body("dev-coach", [mutation(1, "dev-coach", T0 + 6, rid, {"minutes": 2})]))
    assert ro["results"][0]["error"]["code"] == "forbidden"
    assert engine.store.records[("capacity_entries", rid)].fields["minutes"] == 45


def test_team_id_is_required_on_create_and_immutable(engine):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    two_teams = actor("u-ann", "dev-ann", teams=[TEAM_A, TEAM_B])
    _, body = engine.push(two_teams, push_body("dev-ann", [
        mutation(2, "dev-ann", T0 + 1, rid, {"team_id": TEAM_B, "minutes": 3}),
        mutation(3, "dev-ann", T0 + 2, rid, {"team_id": TEAM_A, "minutes": 4}),
    ]))
    assert body["results"][0]["error"] == {"code": "immutable_field", "message": "team_id cannot change.",
                                           "fields": {"team_id": ["Cannot change."]}}
    assert statuses(body) == ["rejected", "applied"]
    rec = engine.store.records[("capacity_entries", rid)]
    assert rec.team_id == TEAM_A and rec.fields["minutes"] == 4


def test_concurrent_edits_of_different_fields_both_survive(engine):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    engine.push(LEAD, push_body("dev-lea", [mutation(1, "dev-lea", T0 + 10, rid, {"note": "sling"})]))
    # Ann edited minutes offline *before* the lead's edit, and syncs later
    _, body = engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", T0 + 5, rid, {"minutes": 40})]))
    assert statuses(body) == ["applied"]
    rec = engine.store.records[("capacity_entries", rid)]
    assert rec.fields["minutes"] == 40 and rec.fields["note"] == "sling"
    # the lead's note replaced Ann's: that overwritten value is logged for Ann to see
    [c] = engine.store.conflicts
    assert (c.field, c.kept_value, c.lost_value, c.lost_by_user_id, c.lost_by_client_id) == (
        "note", "sling", "hoist", "u-ann", "dev-ann")


def test_same_field_concurrent_edits_last_writer_wins_and_loser_is_logged(engine):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    engine.push(LEAD, push_body("dev-lea", [mutation(1, "dev-lea", T0 + 10, rid, {"minutes": 60})]))
    _, body = engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", T0 + 5, rid, {"minutes": 20})]))
    assert statuses(body) == ["applied"]  # processed; its value lost
    rec = engine.store.records[("capacity_entries", rid)]
    assert rec.fields["minutes"] == 60
    lost = [c for c in engine.store.conflicts if c.lost_value == 20]
    assert len(lost) == 1 and lost[0].kept_value == 60 and lost[0].lost_by_client_id == "dev-ann"
    overwritten = [c for c in engine.store.conflicts if c.lost_value == 15]
    assert len(overwritten) == 1 and overwritten[0].lost_by_user_id == "u-ann"
    same = engine.push(LEAD, push_body("dev-lea", [mutation(2, "dev-lea", T0 + 20, rid, {"minutes": 60})]))[1]
    assert statuses(same) == ["applied"] and len(engine.store.conflicts) == 2  # equal value: no conflict


def test_delete_is_final(engine, clock):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    # the lead edits "later" (higher hlc) but Ann's delete (lower hlc) arrives after: delete still wins
    engine.push(LEAD, push_body("dev-lea", [mutation(1, "dev-lea", T0 + 50, rid, {"note": "later"})]))
    _, d = engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", T0 + 10, rid, op="delete")]))
    assert statuses(d) == ["applied"]
    rec = engine.store.records[("capacity_entries", rid)]
    assert rec.deleted and rec.fields["note"] == "later"  # tombstone keeps the values server-side
    assert [(c.field, c.lost_value, c.lost_by_client_id) for c in engine.store.conflicts][-1] == (
        "note", "later", "dev-lea")
    # edits after the delete, with older or newer hlcs, are rejected and logged
    _, late = engine.push(LEAD, push_body("dev-lea", [mutation(2, "dev-lea", T0 + 90, rid, {"minutes": 5}),
                                                     mutation(3, "dev-lea", T0 + 91, rid, op="delete")]))
    assert late["results"][0]["error"]["code"] == "record_deleted"
    assert late["results"][1] == {"id": 3, "status": "applied"}
    c = engine.store.conflicts[-1]
    assert (c.field, c.kept_value, c.lost_value, c.lost_by_client_id) == ("minutes", None, 5, "dev-lea")
    assert engine.store.rejections[-1].error["code"] == "record_deleted"
    page = engine.pull(BOB, "")
    assert [(ch["record_id"], ch["deleted"]) for ch in page["changes"]] == []  # fresh copy skips tombstones


def test_device_effective_hlcs_never_go_backwards(engine):
    """A device whose clock was reset still has its later mutation win over its earlier one."""
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry(minutes=10))]))
    _, body = engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", T0 - HOUR, rid, {"minutes": 20})]))
    assert statuses(body) == ["applied"]
    rec = engine.store.records[("capacity_entries", rid)]
    assert rec.fields["minutes"] == 20 and rec.hlcs["minutes"] > rec.hlcs["kind"]
    assert engine.store.conflicts == []


# ---------------------------------------------------------------------------------------------
# clock skew
# ---------------------------------------------------------------------------------------------
def test_fast_device_does_not_win_later_honest_edits():
    clock = FakeClock()
    engine = make_engine(clock)
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry(note="first"))]))
    # Bob's phone is 12 hours fast; he edits the note (offline, never synced)
    fast = mutation(1, "dev-bob", T0 + 12 * HOUR, rid, {"note": "fast"})
    lead_fast = actor("u-bob", "dev-bob", lead=[TEAM_A])
    clock.advance(60_000)
    _, body = engine.push(lead_fast, push_body("dev-bob", [fast, mutation(2, "dev-bob", T0 + 12 * HOUR + 1, rid, {"minutes": 2})]))
    assert statuses(body) == ["applied", "applied"]
    rec = engine.store.records[("capacity_entries", rid)]
    note_hlc, minutes_hlc = parse_hlc(rec.hlcs["note"]), parse_hlc(rec.hlcs["minutes"])
    assert note_hlc.millis == clock.ms and note_hlc.client_id == "dev-bob"  # re-stamped with server time
    assert minutes_hlc > note_hlc  # per-device order kept
    # five minutes later Ann (honest clock) edits the note: she wins
    clock.advance(5 * 60_000)
    _, body = engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", clock.ms, rid, {"note": "honest"})]))
    assert engine.store.records[("capacity_entries", rid)].fields["note"] == "honest"
    # within the tolerance an hlc is kept as sent
    ok = mutation(3, "dev-ann", clock.ms + 30_000, rid, {"category": "ahead"})
    engine.push(ANN, push_body("dev-ann", [ok]))
    assert engine.store.records[("capacity_entries", rid)].hlcs["category"] == ok["hlc"]


def test_slow_device_can_edit_after_syncing_once():
    clock = FakeClock()
    engine = make_engine(clock)
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry(note="first"))]))
    clock.advance(HOUR)
    engine.push(ANN, push_body("dev-ann", [mutation(2, "dev-ann", clock.ms, rid, {"note": "ann, an hour later"})]))
    # Lea's tablet is 12 hours slow
    slow_wall = lambda: clock.ms - 12 * HOUR  # noqa: E731
    lea = SyncClient("dev-lea", Hlc("dev-lea", slow_wall))
    before = lea.upsert("capacity_entries", rid, {"note": "lea before syncing"})
    assert before["hlc"] < engine.store.records[("capacity_entries", rid)].hlcs["note"]

    def send(kind, payload):
        if kind == "push":
            return engine.push(LEAD, payload)
        return 200, engine.pull(LEAD, payload["cursor"], payload["limit"])

    lea.sync(send)  # her offline edit was older than Ann's latest: it loses (and is logged)
    assert engine.store.records[("capacity_entries", rid)].fields["note"] == "ann, an hour later"
    assert any(c.lost_value == "lea before syncing" for c in engine.store.conflicts)
    clock.advance(1000)
    lea.upsert("capacity_entries", rid, {"note": "lea after syncing"})  # her clock is now corrected
    lea.sync(send)
    assert engine.store.records[("capacity_entries", rid)].fields["note"] == "lea after syncing"
    assert lea.view()[("capacity_entries", rid)]["note"] == "lea after syncing"


def test_skew_tolerance_is_configurable():
    clock = FakeClock()
    engine = make_engine(clock, skew_tolerance_ms=0)
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0 + 1, rid, entry())]))
    assert parse_hlc(engine.store.records[("capacity_entries", rid)].hlcs["kind"]).millis == T0


# ---------------------------------------------------------------------------------------------
# conflicts listing
# ---------------------------------------------------------------------------------------------
def test_conflicts_listing(engine, clock):
    rid = new_id()
    engine.push(ANN, push_body("dev-ann", [mutation(1, "dev-ann", T0, rid, entry())]))
    clock.advance(1000)
    engine.push(LEAD, push_body("dev-lea", [mutation(1, "dev-lea", T0 + 500, rid, {"minutes": 99})]))
    body = engine.conflicts(BOB, TEAM_A)
    assert body == {"conflicts": [{
        "collection": "capacity_entries", "record_id": rid, "field": "minutes", "kept_value": 99,
        "kept_hlc": engine.store.records[("capacity_entries", rid)].hlcs["minutes"], "lost_value": 15,
        "lost_hlc": mutation(1, "dev-ann", T0, rid)["hlc"], "lost_by_user_id": "u-ann",
        "lost_by_client_id": "dev-ann", "at": format_time(T0 + 1000)}]}
    assert engine.conflicts(BOB, TEAM_A, since="2026-11-26T10:00:01.000Z")["conflicts"]
    assert engine.conflicts(BOB, TEAM_A, since="2026-11-26T10:00:01.001+00:00")["conflicts"] == []
    with pytest.raises(SyncError) as exc:
        engine.conflicts(BOB, TEAM_B)
    assert exc.value.status == 403
    with pytest.raises(SyncError) as exc:
        engine.conflicts(BOB, TEAM_A, since="last tuesday")
    assert exc.value.status == 422


def test_a_name_based_id_is_accepted_for_a_new_record_only_as_derived_for_its_own_team():
    """The engine's rule for predictable ids (``Collection.derived_id``): what another team could compute
    in advance it cannot create first, and the refusal never tells whether that team has the record."""
    import uuid

    from sync import Actor

    ns = uuid.UUID("3f0c1c1e-0000-4000-8000-000000000000")

    def derived(team_id, fields):
        return str(uuid.uuid5(ns, f"{team_id}/{fields['name']}"))

    engine = make_engine()
    engine.register(Collection("tags", derived_id=derived))
    engine.register(Collection("notes"))  # free ids only
    lead_a, lead_b = actor("u-a", "dev-a", teams=[TEAM_A]), actor("u-b", "dev-b", teams=[TEAM_B])
    a_id = derived(TEAM_A, {"name": "x"})

    def push(who, *mutations):
        _, body = engine.push(who, push_body(who.client_id, list(mutations)))
        return body["results"]

    b_first = push(lead_b, mutation(1, "dev-b", T0, a_id, {"team_id": TEAM_B, "name": "x"}, collection="tags"),
                   mutation(2, "dev-b", T0, a_id, {"team_id": TEAM_B, "name": "x"}, collection="notes"),
                   mutation(3, "dev-b", T0, new_id(), {"team_id": TEAM_B, "name": "x"}, collection="tags"),
                   mutation(4, "dev-b", T0, derived(TEAM_B, {"name": "x"}), {"team_id": TEAM_B, "name": "x"},
                            collection="tags"))
    assert [r["status"] for r in b_first] == ["rejected", "rejected", "applied", "applied"]
    assert b_first[0]["error"]["fields"] == {"record_id": [
        "Must be a random uuid, or the id derived from this record's team and fields."]}
    a_first = push(lead_a, mutation(1, "dev-a", T0, a_id, {"team_id": TEAM_A, "name": "x"}, collection="tags"),
                   mutation(2, "dev-a", T0, a_id, {"team_id": TEAM_A, "name": "x"}, collection="notes"))
    assert [r["status"] for r in a_first] == ["applied", "rejected"]  # "notes" derives no ids at all
    # A's record exists now; B's lead sees no difference (and cannot write it, not even by id alone)
    b_again = push(lead_b, mutation(5, "dev-b", T0 + 1, a_id, {"team_id": TEAM_B, "name": "x"}, collection="tags"),
                   mutation(6, "dev-b", T0 + 1, a_id, {"name": "y"}, collection="tags"))
    assert b_again[0] == {**b_first[0], "id": 5}
    assert b_again[1]["error"] == {"code": "validation_error", "message": "team_id is required to create a record.",
                                   "fields": {"team_id": ["Required."]}}
    assert engine.store.records[("tags", a_id)].fields == {"name": "x"}
    # the server's own writes derive their ids from the right team (demo data, adopted ideas)
    server = Actor("u-a", "srv-a", readable_team_ids={TEAM_A}, writable_team_ids={TEAM_A}, server_writes=True)
    assert push(server, mutation(1, "srv-a", T0, str(uuid.uuid5(ns, "demo")), {"team_id": TEAM_A}, collection="notes")
                )[0]["status"] == "applied"
